#!/usr/bin/env python3
from assure.manage import main

if __name__ == "__main__":
    main()
