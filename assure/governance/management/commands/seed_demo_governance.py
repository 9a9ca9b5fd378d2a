"""`assure seed-demo-governance`: the demo council's data-protection work (run after
seed-demo)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assure.governance.demo import (
    DemoGovernanceRefused,
    demo_governance_seeded,
    seed_demo_governance,
)


class Command(BaseCommand):
    help = (
        "Add a legal hold on a child in care proceedings and a proposal to delete import "
        "records past their retention period, for the demo's information governance officer "
        "('governance') to approve. Run after `assure seed-demo`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when legal holds or deletion proposals exist already (as `make "
            "demo` runs it every time).",
        )

    def handle(self, *args: Any, if_empty: bool, **options: Any) -> None:
        if demo_governance_seeded():
            if if_empty:
                self.stdout.write("The demo's data-protection work is there already.")
                return
            raise CommandError(
                "There are legal holds or deletion proposals already; the demo's go in a "
                "fresh council."
            )
        try:
            result = seed_demo_governance()
        except DemoGovernanceRefused as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Held child {result.held_child}'s record for care proceedings; proposed "
                "deleting the old import records, for 'governance' to approve."
            )
        )
