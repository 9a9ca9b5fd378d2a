"""Writes that repeat safely: the same proposal put on one meeting's agenda twice, a proposal
submitted twice, a step decided twice: refused with 409 (the API) or a message (the page),
never a duplicate."""

import datetime as dt

import pytest
from django.urls import reverse

from assure.core import clock
from assure.decisions import services as decisions
from assure.decisions.models import Decision
from assure.panels import services
from assure.panels.models import AgendaItem, Meeting, Panel
from tests.api import bearer
from tests.factories import ChildFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    team = TeamFactory(name="North")
    child = ChildFactory(child_id="C1", team=team)
    sw = UserFactory(username="sw", roles=["practitioner"], teams=[team])
    tm = UserFactory(username="tm", roles=["team_manager"], teams=[team])
    lead = UserFactory(username="lead", roles=["assurance_lead"])
    proposal = decisions.proposal_create(
        child=child,
        decision_type="sgo_care_plan",
        proposed_plan="SGO to grandmother",
        rationale="Settled for a year",
        actor=sw,
    )
    meeting = services.meeting_create(
        panel=Panel.objects.get(slug="permanence-panel"),
        date=clock.today() + dt.timedelta(days=7),
        attendees=[],
        actor=lead,
    )
    return {
        "child": child,
        "sw": sw,
        "tm": tm,
        "lead": lead,
        "proposal": proposal,
        "meeting": meeting,
    }


def test_the_same_proposal_twice_on_one_agenda_is_a_409_and_one_item(client, world):
    url = f"/api/v1/panel-meetings/{world['meeting'].pk}/items"
    body = {"proposal_id": world["proposal"].pk}
    headers = bearer(world["lead"])
    first = client.post(url, body, content_type="application/json", **headers)
    second = client.post(url, body, content_type="application/json", **headers)
    assert (first.status_code, second.status_code) == (201, 409)
    assert "already on the agenda" in second.json()["detail"]
    assert AgendaItem.objects.filter(meeting=world["meeting"]).count() == 1
    # Another meeting may have it; and a question about the child is not a duplicate.
    other = Meeting.objects.create(
        panel=world["meeting"].panel,
        terms=world["meeting"].terms,
        date=world["meeting"].date + dt.timedelta(days=7),
        created_at=clock.now(),
    )
    again = client.post(
        f"/api/v1/panel-meetings/{other.pk}/items", body, content_type="application/json", **headers
    )
    assert again.status_code == 201


def test_a_proposal_submitted_twice_and_a_step_decided_twice_are_409(client, world):
    pid = world["proposal"].pk
    submit = f"/api/v1/proposals/{pid}/submit"
    assert (
        client.post(submit, {}, content_type="application/json", **bearer(world["sw"])).status_code
        == 200
    )
    again = client.post(submit, {}, content_type="application/json", **bearer(world["sw"]))
    assert again.status_code == 409
    decide = f"/api/v1/proposals/{pid}/decisions"
    headers = bearer(world["tm"])
    first = client.post(decide, {"decision": "approve"}, content_type="application/json", **headers)
    second = client.post(
        decide, {"decision": "approve"}, content_type="application/json", **headers
    )
    assert (first.status_code, second.status_code) == (200, 409)
    assert "Already decided" in second.json()["detail"]
    assert Decision.objects.filter(proposal_id=pid, by=world["tm"]).count() == 1


def test_the_page_says_so_and_adds_nothing(client, world):
    services.agenda_item_add(
        meeting=world["meeting"],
        child=world["child"],
        proposal=world["proposal"],
        actor=world["lead"],
    )
    client.force_login(world["lead"])
    page = client.post(
        reverse("panels:meeting", args=[world["meeting"].pk]),
        {"action": "item", "item-proposal": world["proposal"].pk},
    )
    assert page.status_code == 200
    assert "already on the agenda of this meeting" in page.content.decode()
    assert AgendaItem.objects.filter(meeting=world["meeting"]).count() == 1
