"""`assure seed-demo-decisions`: demo panels and proposals (run after seed-demo)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from assure.decisions.demo import seed_demo_decisions
from assure.decisions.models import Proposal


class Command(BaseCommand):
    help = (
        "Add panel members, past and coming panel meetings with outcomes, and proposals at "
        "each state of the sign-off chain to the demo council. Run after `assure seed-demo`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when proposals exist already (as `make demo` runs it every time).",
        )

    def handle(self, *args: Any, if_empty: bool, **options: Any) -> None:
        if Proposal.objects.exists():
            if if_empty:
                self.stdout.write("The demo panels and proposals are there already.")
                return
            raise CommandError("There are proposals already; demo ones go in a fresh council.")
        try:
            result = seed_demo_decisions()
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {result.members} panel seats, {result.meetings} meetings and "
                f"{result.proposals} proposals."
            )
        )
