"""The `assure` console script: Django's management commands under the product's name."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "assure.settings.base")
    from django.core.management import execute_from_command_line

    execute_from_command_line([sys.argv[0], *_hyphen_aliases(sys.argv[1:])])


def _hyphen_aliases(argv: list[str]) -> list[str]:
    """Let `assure seed-demo` find the `seed_demo` command: docs use hyphens, Python modules
    cannot."""
    if argv and "-" in argv[0] and not argv[0].startswith("-"):
        return [argv[0].replace("-", "_"), *argv[1:]]
    return argv


if __name__ == "__main__":
    main()
