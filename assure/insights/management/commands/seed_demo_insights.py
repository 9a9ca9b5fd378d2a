"""`assure seed-demo-insights`: the demo council's evidence, recommendations and response plan
(run after seed-demo, seed-demo-audits and seed-demo-decisions)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from assure.insights.demo import seed_demo_insights
from assure.insights.models import EvidenceItem, PlanAction
from assure.people.models import User

NEEDED = {"lead", "auditor", "director", "performance"}


class Command(BaseCommand):
    help = (
        "Add evidence from every source, a concluded practice review, recommendations the "
        "director has decided and a response plan with actions, owners and due dates to the "
        "demo council. Run after `assure seed-demo` (and the demo audits, whose findings are "
        "evidence too)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when evidence or plan actions exist already (as `make demo` runs "
            "it every time).",
        )

    def handle(self, *args: Any, if_empty: bool, **options: Any) -> None:
        if EvidenceItem.objects.exists() or PlanAction.objects.exists():
            if if_empty:
                self.stdout.write("The demo evidence and response plan are there already.")
                return
            raise CommandError("There is evidence already; demo insights go in a fresh council.")
        found = set(User.objects.filter(username__in=NEEDED).values_list("username", flat=True))
        if NEEDED - found:
            raise CommandError(
                f"The demo users are missing ({', '.join(sorted(NEEDED - found))}): "
                "run seed-demo first."
            )
        try:
            result = seed_demo_insights()
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {result.evidence} evidence items, {result.recommendations} "
                f"recommendations and {result.actions} response plan actions."
            )
        )
