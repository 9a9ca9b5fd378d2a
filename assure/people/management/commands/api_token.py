"""assure api-token USERNAME [--write]: prints a new bearer token for the user, and nothing
else. Read only unless --write, which only someone whose role makes API writes may have."""

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from assure.people.models import User
from assure.people.services import api_token_create


class Command(BaseCommand):
    help = "Issue a new API bearer token for a user and print it (only the token) on stdout."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("username")
        parser.add_argument("--name", default="Issued from the command line")
        parser.add_argument(
            "--write",
            action="store_true",
            help="Let the token write as well as read (only for roles that make API writes).",
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        try:
            user = User.objects.get(username=options["username"], is_active=True)
        except User.DoesNotExist as error:
            raise CommandError(f"No active user called {options['username']}.") from error
        try:
            _token, raw = api_token_create(user=user, name=options["name"], write=options["write"])
        except PermissionDenied as error:
            raise CommandError(str(error)) from error
        self.stdout.write(raw)
