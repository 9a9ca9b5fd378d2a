"""`assure seed-demo`: build the demo council (see assure/children/demo)."""

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from assure.children.demo import DEFAULT_CHILDREN, DEFAULT_SEED, demo_users_table, seed_demo
from assure.children.models import Child


class Command(BaseCommand):
    help = (
        "Fill an empty database with a believable fictional council: teams, staff, one demo "
        "user per role, and children with 903 histories, proceedings, plans and SGO "
        "assessments. The same --seed gives the same children."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--children",
            type=int,
            default=DEFAULT_CHILDREN,
            help=f"How many children (default {DEFAULT_CHILDREN}).",
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"Random seed (default {DEFAULT_SEED})."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if there are children already (for `make demo`).",
        )

    def handle(self, *args: Any, children: int, seed: int, if_empty: bool, **options: Any) -> None:
        if not 1 <= children <= 1_000_000:
            raise CommandError("--children must be between 1 and 1,000,000.")
        existing = Child.objects.count()
        if existing:
            if not if_empty:
                raise CommandError(
                    f"The database already holds {existing} children; seed-demo fills an empty "
                    "one. Use --if-empty to leave it as it is, or start from a fresh database."
                )
            # Print the demo users again, but never create accounts in a database that
            # already holds children: it may be a real council's.
            self.stdout.write(f"The demo council is already there ({existing} children).")
            self._users()
            return
        started = time.perf_counter()
        result = seed_demo(children=children, seed=seed)
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded the demo council: {result.children} children "
                f"({result.looked_after} looked after today), {result.total_rows} rows "
                f"in {seconds:.1f} s (seed {seed})."
            )
        )
        self._users()

    def _users(self) -> None:
        show = bool(settings.DEBUG)
        self.stdout.write("\nDemo users, one per role:\n")
        self.stdout.write(demo_users_table(show_password=show))
        if show:
            self.stdout.write(
                "\nThe password is shown because DEBUG is on. 'admin' must also set up an "
                "authenticator app at first sign-in."
            )
        else:
            self.stdout.write(
                "\nThese accounts have no password (DEBUG is off). Set one with: "
                "assure changepassword USERNAME"
            )
