"""The accounts the load run signs in with: every demo user but the administrator (whose
role always needs a second factor), each given a fresh random password and a read-only API
token, written to the file named on the command line (mode 0600). Run by load/run.py, in the
load run's environment, against its throwaway database only."""

from __future__ import annotations

import json
import os
import secrets
import sys

import django


def main(path: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "assure.settings.base")
    django.setup()
    from django.db import connection

    from assure.people.models import User
    from assure.people.selectors import user_needs_second_factor
    from assure.people.services import api_token_create

    if "load" not in connection.settings_dict["NAME"]:
        sys.exit("Refusing: the load accounts are made only in a throwaway load database.")
    accounts = []
    for user in User.objects.filter(is_active=True).order_by("username"):
        if not user.role_slugs or user_needs_second_factor(user=user):
            continue
        password = secrets.token_urlsafe(18)
        user.set_password(password)
        user.save(update_fields=["password"])
        _, token = api_token_create(user=user, name="load run")
        accounts.append({"username": user.username, "password": password, "token": token})
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(accounts, handle)
    print(f"{len(accounts)} accounts: {', '.join(a['username'] for a in accounts)}")


if __name__ == "__main__":
    main(sys.argv[1])
