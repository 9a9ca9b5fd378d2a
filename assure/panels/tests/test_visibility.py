"""A panel member sees the children on their panels' agendas from the moment the item is
added until 30 days after the meeting."""

import datetime as dt

from assure.children.models import ChildAccess
from assure.core import access, clock
from assure.panels import services
from assure.panels.models import Panel
from assure.people.roles import Role
from tests.factories import ChildFactory, UserFactory

ADDED = dt.date(2026, 3, 1)
MEETING = dt.date(2026, 3, 10)


def _visible(user, on):
    with clock.frozen_at(on):
        return set(access.visible_children(user).values_list("child_id", flat=True))


def test_visibility_window(panel, lead, seats):
    child = ChildFactory(child_id="AGENDA1")
    ChildFactory(child_id="ELSEWHERE")
    other_panel_member = UserFactory(username="gw", roles=[Role.PANEL_MEMBER])
    with clock.frozen_at(dt.date(2025, 1, 1)):
        services.panel_member_add(
            panel=Panel.objects.get(slug="legal-gateway"),
            user=other_panel_member,
            panel_role="member",
            actor=lead,
            from_date=dt.date(2025, 1, 1),
        )
    member = seats["member1"]
    with clock.frozen_at(ADDED - dt.timedelta(days=5)):
        meeting = services.meeting_create(panel=panel, date=MEETING, attendees=[], actor=lead)
    assert _visible(member, ADDED) == set()
    with clock.frozen_at(ADDED):
        services.agenda_item_add(meeting=meeting, child=child, actor=lead, question="?")
        assert _visible(member, clock.now()) == {"AGENDA1"}
    assert _visible(member, ADDED - dt.timedelta(days=1)) == set()
    assert _visible(member, MEETING) == {"AGENDA1"}
    assert _visible(member, MEETING + dt.timedelta(days=30)) == {"AGENDA1"}
    assert _visible(member, MEETING + dt.timedelta(days=31)) == set()
    assert _visible(other_panel_member, MEETING) == set()


def test_restricted_child_needs_the_access_list(panel, lead, seats):
    child = ChildFactory(child_id="SECRET1", restricted=True)
    member = seats["member1"]
    with clock.frozen_at(ADDED):
        meeting = services.meeting_create(panel=panel, date=MEETING, attendees=[], actor=lead)
        services.agenda_item_add(meeting=meeting, child=child, actor=lead, question="?")
    assert _visible(member, MEETING) == set()
    ChildAccess.objects.create(child=child, user=member)
    assert _visible(member, MEETING) == {"SECRET1"}


def test_membership_must_cover_the_meeting(panel, lead):
    late = UserFactory(username="late", roles=[Role.PANEL_MEMBER])
    with clock.frozen_at(MEETING + dt.timedelta(days=1)):
        services.panel_member_add(
            panel=panel,
            user=late,
            panel_role="member",
            actor=lead,
            from_date=MEETING + dt.timedelta(days=1),
        )
    with clock.frozen_at(ADDED):
        meeting = services.meeting_create(panel=panel, date=MEETING, attendees=[], actor=lead)
        services.agenda_item_add(meeting=meeting, child=ChildFactory(), actor=lead, question="?")
    assert _visible(late, MEETING) == set()
