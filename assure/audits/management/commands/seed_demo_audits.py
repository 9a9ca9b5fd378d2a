"""`assure seed-demo-audits`: demo audits for the demo council (run after seed-demo)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.defaultfilters import pluralize

from assure.audits.demo import DemoAudits, seed_demo_audits
from assure.audits.models import Audit
from assure.people.models import User


class Command(BaseCommand):
    help = (
        "Add a demo audit programme and audits at every stage (with findings, actions, an "
        "escalation and a family audit of siblings) to the demo council. Run after "
        "`assure seed-demo`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=12, help="How many audits (default 12).")
        parser.add_argument("--seed", type=int, default=2021, help="Random seed.")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when audits exist already (as `make demo` runs it every time).",
        )

    def handle(self, *args: Any, count: int, seed: int, **options: Any) -> None:
        if not 1 <= count <= 1000:
            raise CommandError("--count must be between 1 and 1,000.")
        if options["if_empty"] and Audit.objects.exists():
            self.stdout.write("The demo audits are there already.")
            return
        if Audit.objects.exists():
            raise CommandError("There are audits already; demo audits go in a fresh demo council.")
        missing = {"lead", "auditor", "practitioner"} - set(
            User.objects.filter(username__in=["lead", "auditor", "practitioner"]).values_list(
                "username", flat=True
            )
        )
        if missing:
            raise CommandError(
                f"The demo users are missing ({', '.join(sorted(missing))}): run seed-demo first."
            )
        result = seed_demo_audits(count=count, seed=seed)
        self.stdout.write(self.style.SUCCESS(seeded_summary(result)))


def seeded_summary(result: DemoAudits) -> str:
    """What was seeded, in words that count ("1 escalation", "2 escalations")."""
    return (
        f"Seeded {result.audits} demo audit{pluralize(result.audits)}, "
        f"{result.family_audits} family audit{pluralize(result.family_audits)} "
        f"and {result.escalations} escalation{pluralize(result.escalations)}."
    )
