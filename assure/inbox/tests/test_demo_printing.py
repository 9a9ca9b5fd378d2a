"""`make demo` prints everyone who can sign in: the panels' seats, the chair included, come
after the demo users (seed-demo-decisions)."""

from assure.decisions.management.commands.seed_demo_decisions import panel_seats_table
from assure.panels import services as panels
from assure.panels.models import Panel
from assure.people.services import user_create


def test_the_chair_is_printed_with_the_password_when_they_can_sign_in(world):
    chair = user_create(
        username="panelchair",
        roles=["panel_member"],
        first_name="Angela",
        last_name="Ward",
        password="hartsmere-demo-2025",
        actor=world["lead"],
    )
    silent = user_create(username="nopass", roles=["panel_member"], actor=world["lead"])
    for slug in ("permanence-panel", "sgo-discharge-panel"):
        panel = Panel.objects.get(slug=slug)
        panels.panel_member_add(panel=panel, user=chair, panel_role="chair", actor=world["lead"])
    panels.panel_member_add(
        panel=Panel.objects.get(slug="permanence-panel"),
        user=silent,
        panel_role="member",
        actor=world["lead"],
    )
    table = panel_seats_table(show_password=True)
    (line,) = [row for row in table.splitlines() if row.startswith("panelchair")]
    assert "Angela Ward" in line and "Chair, Permanence panel" in line
    assert "hartsmere-demo-2025" in line
    (line,) = [row for row in table.splitlines() if row.startswith("nopass")]
    assert "cannot sign in" in line
    assert "hartsmere-demo-2025" not in panel_seats_table(show_password=False)
