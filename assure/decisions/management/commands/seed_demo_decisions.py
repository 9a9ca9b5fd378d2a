"""`assure seed-demo-decisions`: demo panels and proposals (run after seed-demo)."""

from typing import Any

from django.conf import settings
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
                self._seats()
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
        self._seats()

    def _seats(self) -> None:
        """Who sits on the demo panels and can sign in (the chair included), so that the
        demo shows every person who can try it."""
        self.stdout.write("\nPanel seats (sign in as any of them to see a panel member's work):\n")
        self.stdout.write(panel_seats_table(show_password=bool(settings.DEBUG)))


def panel_seats_table(*, show_password: bool) -> str:
    from assure.children.demo import DEMO_PASSWORD
    from assure.panels.models import PanelMember

    seats: dict[Any, list[str]] = {}
    for seat in (
        PanelMember.objects.filter(to_date__isnull=True, user__is_active=True)
        .select_related("user", "panel")
        .order_by("user__username", "panel__name")
    ):
        seats.setdefault(seat.user, []).append(
            f"{seat.get_panel_role_display()}, {seat.panel.name}"
        )
    rows = [("Username", "Name", "Seats") + (("Password",) if show_password else ())]
    for user, held in seats.items():
        can_sign_in = user.has_usable_password()
        password = DEMO_PASSWORD if can_sign_in else "(none: cannot sign in)"
        rows.append(
            (user.username, user.display_name, "; ".join(held))
            + ((password,) if show_password else ())
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
