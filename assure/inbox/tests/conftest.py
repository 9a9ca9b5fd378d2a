import datetime as dt

import pytest

from assure.core import clock
from assure.people.roles import Role
from tests.factories import ChildFactory, EpisodeFactory, TeamFactory, UserFactory

TODAY = dt.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def frozen_clock():
    with clock.frozen_at(TODAY):
        yield


@pytest.fixture
def world(db):
    """One team's child, the whole sign-off chain over that team, and others."""
    north, south = TeamFactory(name="North"), TeamFactory(name="South")
    child = ChildFactory(child_id="SGO1", first_name="Amelia", last_name="Hart", team=north)
    EpisodeFactory(child=child)
    other = ChildFactory(child_id="SOUTH1", first_name="Zara", last_name="Hart", team=south)
    EpisodeFactory(child=other)
    people = {
        "sw": UserFactory(username="sw", roles=[Role.PRACTITIONER], teams=[north]),
        "tm": UserFactory(username="tm", roles=[Role.TEAM_MANAGER], teams=[north]),
        "sm": UserFactory(username="sm", roles=[Role.SERVICE_MANAGER], teams=[north, south]),
        "hos": UserFactory(username="hos", roles=[Role.HEAD_OF_SERVICE], teams=[north, south]),
        "tm_south": UserFactory(username="tm_south", roles=[Role.TEAM_MANAGER], teams=[south]),
        "lead": UserFactory(username="lead", roles=[Role.ASSURANCE_LEAD]),
        "auditor": UserFactory(username="auditor", roles=[Role.AUDITOR]),
        "panel": UserFactory(username="panel", roles=[Role.PANEL_MEMBER]),
        "performance": UserFactory(username="performance", roles=[Role.PERFORMANCE_OFFICER]),
        "admin": UserFactory(username="admin", roles=[Role.ADMIN]),
    }
    for username, user in people.items():
        user.email = f"{username}@council.example"
        user.save(update_fields=["email"])
    return {"child": child, "other": other, "north": north, "south": south, **people}


@pytest.fixture
def submitted(world):
    """An SGO care plan proposal for Amelia, submitted by her social worker: waiting on the
    team manager, then the service manager, then the head of service."""
    from assure.decisions import services

    proposal = services.proposal_create(
        child=world["child"],
        decision_type="sgo_care_plan",
        proposed_plan="SGO to her aunt",
        rationale="She has lived there 18 months",
        actor=world["sw"],
    )
    return services.proposal_submit(proposal=proposal, actor=world["sw"])
