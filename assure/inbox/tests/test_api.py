"""GET /api/v1/inbox: the exact shape, most urgent first, and a proposal's item moving from
manager to manager as it is approved."""

import datetime as dt

from assure.core import clock
from assure.decisions import services as decisions
from tests.api import bearer


def _inbox(client, user):
    response = client.get("/api/v1/inbox", **bearer(user))
    assert response.status_code == 200, response.content
    return response.json()


def _proposal_items(body):
    return [i for i in body["items"] if i["kind"] == "proposal_decision"]


def test_the_exact_shape(world, submitted, client):
    body = _inbox(client, world["tm"])
    assert set(body) == {"count", "items"}
    assert body["count"] == len(body["items"]) == 1
    (item,) = body["items"]
    assert set(item) == {"kind", "title", "url", "due_date", "child_id"}
    assert item["kind"] == "proposal_decision"
    assert item["child_id"] == "SGO1"
    assert "Amelia Hart (SGO1)" in item["title"]
    assert item["url"] == f"/decisions/{submitted.pk}/"
    assert item["due_date"] is None


def test_a_proposal_moves_from_manager_to_manager_as_it_is_approved(world, submitted, client):
    assert len(_proposal_items(_inbox(client, world["tm"]))) == 1
    for who in ("sm", "hos", "sw", "tm_south", "lead"):
        assert _proposal_items(_inbox(client, world[who])) == [], who

    decisions.proposal_decide(proposal=submitted, decision="approve", actor=world["tm"])
    assert _proposal_items(_inbox(client, world["tm"])) == []
    (item,) = _proposal_items(_inbox(client, world["sm"]))
    assert item["child_id"] == "SGO1"
    assert _proposal_items(_inbox(client, world["hos"])) == []

    decisions.proposal_decide(proposal=submitted, decision="approve", actor=world["sm"])
    assert _proposal_items(_inbox(client, world["sm"])) == []
    assert len(_proposal_items(_inbox(client, world["hos"]))) == 1

    # Returned: it leaves every approver's inbox (the proposer has it back to change).
    decisions.proposal_decide(
        proposal=submitted, decision="return", actor=world["hos"], comment="Add the contact plan"
    )
    for who in ("tm", "sm", "hos"):
        assert _proposal_items(_inbox(client, world[who])) == [], who


def test_no_token_is_401(client, db):
    assert client.get("/api/v1/inbox").status_code == 401


def test_most_urgent_first_overdue_before_later(world, submitted, client):
    from assure.audits.models import Audit, AuditTemplate, CaseAction

    template = AuditTemplate.objects.first()
    audit = Audit.objects.create(
        child=world["child"],
        template=template,
        mode="paper",
        auditor=world["auditor"],
        status="in_progress",
        created_at=clock.now(),
        due_date=clock.today() + dt.timedelta(days=20),
    )
    overdue = Audit.objects.create(
        child=world["other"],
        template=template,
        mode="paper",
        auditor=world["auditor"],
        status="in_progress",
        created_at=clock.now(),
        due_date=clock.today() - dt.timedelta(days=3),
    )
    CaseAction.objects.create(
        audit=audit,
        description="Update the care plan",
        owner=world["auditor"],
        created_by=world["lead"],
        due_date=clock.today() + dt.timedelta(days=5),
        created_at=clock.now(),
    )
    body = _inbox(client, world["auditor"])
    assert [(i["kind"], i["child_id"], i["due_date"]) for i in body["items"]] == [
        ("audit_to_do", "SOUTH1", str(clock.today() - dt.timedelta(days=3))),
        ("action_due", "SGO1", str(clock.today() + dt.timedelta(days=5))),
        ("audit_to_do", "SGO1", str(clock.today() + dt.timedelta(days=20))),
    ]
    assert body["items"][0]["url"] == f"/audits/{overdue.pk}/"


def test_query_count_does_not_grow_with_the_work(world, client, django_assert_max_num_queries):
    header = bearer(world["tm"])
    for n in range(6):
        child = world["child"] if n % 2 else world["other"]
        if child.team_id != world["north"].pk:
            continue
        proposal = decisions.proposal_create(
            child=child,
            decision_type="sgo_care_plan",
            proposed_plan=f"Plan {n}",
            rationale="Because",
            actor=world["sw"],
        )
        decisions.proposal_submit(proposal=proposal, actor=world["sw"])
    with django_assert_max_num_queries(16):
        body = client.get("/api/v1/inbox", **header).json()
    assert body["count"] == 3
