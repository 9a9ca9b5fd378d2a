"""assure create-user USERNAME --role ROLE [--role ROLE ...] [--team TEAM ...] [--password-stdin]"""

import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from assure.people.models import User
from assure.people.roles import ROLE_SLUGS
from assure.people.services import user_create


class Command(BaseCommand):
    help = (
        "Create a user with one or more roles and teams. Without --password-stdin the account "
        "has no usable password (single sign-on or API only)."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("username")
        parser.add_argument(
            "--role",
            action="append",
            required=True,
            dest="roles",
            metavar="ROLE",
            help="A role slug; repeat for several. One of: " + ", ".join(sorted(ROLE_SLUGS)),
        )
        parser.add_argument("--team", action="append", default=[], dest="teams")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from the first line of standard input.",
        )
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--email", default="")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        password = None
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\r\n")
            if not password:
                raise CommandError("No password was given on standard input.")
            self._check_password(password=password, username=options["username"])
        try:
            user = user_create(
                username=options["username"],
                roles=options["roles"],
                teams=options["teams"],
                password=password,
                first_name=options["first_name"],
                last_name=options["last_name"],
                email=options["email"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(f"Created {user.username}.")

    @staticmethod
    def _check_password(*, password: str, username: str) -> None:
        """The same rules as any password set in Assure (length, not common, not numeric)."""
        try:
            validate_password(password, user=User(username=username))
        except ValidationError as error:
            reasons = " ".join(error.messages)
            raise CommandError(f"The password is not strong enough: {reasons}") from error
