import datetime as dt

import pytest

from assure.audits.models import Audit, AuditTemplate, Grade, OverallGrade
from assure.core import clock
from assure.panels import services as panel_services
from assure.panels.models import Panel
from assure.people.roles import Role
from tests.factories import ChildFactory, EpisodeFactory, TeamFactory, UserFactory

TODAY = dt.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def frozen_clock():
    with clock.frozen_at(TODAY):
        yield


@pytest.fixture
def world(db):
    north, south = TeamFactory(name="North"), TeamFactory(name="South")
    child = ChildFactory(child_id="SGO1", team=north)
    EpisodeFactory(child=child)
    people = {
        "sw": UserFactory(username="sw", roles=[Role.PRACTITIONER], teams=[north]),
        "tm": UserFactory(username="tm", roles=[Role.TEAM_MANAGER], teams=[north]),
        "sm": UserFactory(username="sm", roles=[Role.SERVICE_MANAGER], teams=[north, south]),
        "hos": UserFactory(username="hos", roles=[Role.HEAD_OF_SERVICE], teams=[north, south]),
        "tm_south": UserFactory(username="tm_south", roles=[Role.TEAM_MANAGER], teams=[south]),
        "hos_south": UserFactory(username="hos_south", roles=[Role.HEAD_OF_SERVICE], teams=[south]),
        # One person who is both a team manager and service manager for North.
        "both": UserFactory(
            username="both", roles=[Role.TEAM_MANAGER, Role.SERVICE_MANAGER], teams=[north]
        ),
        "lead": UserFactory(username="lead", roles=[Role.ASSURANCE_LEAD]),
        "auditor": UserFactory(username="auditor", roles=[Role.AUDITOR]),
    }
    return {"child": child, "north": north, "south": south, **people}


def close_audit(*, child, auditor, grade="good", days_ago=10):
    closed = clock.now() - dt.timedelta(days=days_ago)
    audit = Audit.objects.create(
        child=child,
        template=AuditTemplate.objects.first(),
        mode="paper",
        auditor=auditor,
        status="closed",
        created_at=closed - dt.timedelta(days=5),
        closed_at=closed,
    )
    OverallGrade.objects.create(
        audit=audit, grade=Grade.objects.get(slug=grade), given_by=auditor, given_at=closed
    )
    return audit


def panel_support(
    *, proposal, lead, slug="permanence-panel", quorate=True, recommendation="support"
):
    panel = Panel.objects.get(slug=slug)
    seats = {}
    for username, role in [("chair", "chair"), ("adviser", "legal_adviser"), ("m1", "member")]:
        user = UserFactory(username=f"{slug}-{username}", roles=[Role.PANEL_MEMBER])
        with clock.frozen_at(dt.date(2025, 1, 1)):
            panel_services.panel_member_add(
                panel=panel, user=user, panel_role=role, actor=lead, from_date=dt.date(2025, 1, 1)
            )
        seats[username] = user
    attendees = list(seats.values()) if quorate else [seats["chair"], seats["adviser"]]
    meeting = panel_services.meeting_create(
        panel=panel, date=clock.today(), attendees=attendees, actor=lead
    )
    item = panel_services.agenda_item_add(
        meeting=meeting, child=proposal.child, proposal=proposal, actor=lead
    )
    if quorate:
        panel_services.outcome_record(
            item=item, recommendation=recommendation, actor=seats["chair"]
        )
    return item
