"""The proposal and panel API walked end to end: the sgo_care_plan chain with every refusal,
gates as 409 with `unmet_gates`, panel outcomes (403 non-chair, 409 not quorate)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assure.children.models import PermanencePlan
from assure.core.models import DomainEvent
from assure.decisions.models import Decision
from assure.people.roles import Role
from tests.api import bearer as api_bearer
from tests.factories import ChildFactory, UserFactory

from .conftest import TODAY, close_audit


def _bearer(user):
    return api_bearer(user)


def _post(client, url, user, body):
    return client.post(url, body, content_type="application/json", **_bearer(user))


@pytest.fixture
def panel_people(world, client):
    people = {}
    for name, role in [("chair", "chair"), ("adviser", "legal_adviser"), ("m1", "member")]:
        people[name] = UserFactory(username=name, roles=[Role.PANEL_MEMBER])
        response = _post(
            client,
            "/api/v1/panels/sgo-discharge-panel/members",
            world["lead"],
            {"username": name, "panel_role": role},
        )
        assert response.status_code == 201, response.json()
    return people


def test_whole_chain_through_the_api(world, panel_people, client):
    response = _post(
        client,
        "/api/v1/proposals",
        world["sw"],
        {
            "child_id": "SGO1",
            "decision_type": "sgo_care_plan",
            "proposed_plan": "SGO to the aunt",
            "rationale": "Lived there 18 months",
        },
    )
    assert response.status_code == 201
    body = response.json()
    pid = body["id"]
    assert body["status"] == "draft"
    assert [s["role"] for s in body["steps"]] == [
        "team_manager",
        "service_manager",
        "head_of_service",
    ]
    assert _post(client, f"/api/v1/proposals/{pid}/submit", world["sw"], {}).status_code == 200
    decide = f"/api/v1/proposals/{pid}/decisions"
    approve = {"decision": "approve", "comment": ""}

    for who in ("sw", "sm", "hos"):  # the proposer, wrong roles
        assert _post(client, decide, world[who], approve).status_code == 403, who
    # A manager of another team cannot even see the child: 404, as if it did not exist.
    assert _post(client, decide, world["tm_south"], approve).status_code == 404
    assert _post(client, decide, world["both"], approve).status_code == 200
    second = _post(client, decide, world["both"], approve)
    assert second.status_code == 409 and "two steps" in second.json()["detail"]
    assert _post(client, decide, world["sm"], approve).status_code == 200

    refused = _post(client, decide, world["hos"], approve)
    assert refused.status_code == 409
    assert refused.json()["unmet_gates"] == ["audit", "panel"]
    close_audit(child=world["child"], auditor=world["auditor"])
    assert _post(client, decide, world["hos"], approve).json()["unmet_gates"] == ["panel"]

    # The panel: a non-quorate meeting cannot record the outcome; a quorate one can.
    meeting = _post(
        client,
        "/api/v1/panel-meetings",
        world["lead"],
        {
            "panel": "sgo-discharge-panel",
            "date": str(TODAY),
            "attendees": ["chair", "adviser"],
        },
    )
    assert meeting.status_code == 201 and meeting.json()["quorate"] is False
    item = _post(
        client,
        f"/api/v1/panel-meetings/{meeting.json()['id']}/items",
        world["lead"],
        {"proposal_id": pid},
    )
    assert item.status_code == 201
    outcome_url = f"/api/v1/panel-items/{item.json()['id']}/outcome"
    assert (
        _post(client, outcome_url, panel_people["chair"], {"recommendation": "support"}).status_code
        == 409
    )
    # A head of service of another team who sits on the panel sees the child, but has no
    # authority over the child's team: 403.
    hos_south = world["hos_south"]
    hos_south.roles.create(role=Role.PANEL_MEMBER)
    hos_south.__dict__.pop("role_slugs", None)
    _post(
        client,
        "/api/v1/panels/sgo-discharge-panel/members",
        world["lead"],
        {"username": "hos_south", "panel_role": "member"},
    )
    assert client.get(f"/api/v1/proposals/{pid}", **_bearer(hos_south)).status_code == 200
    refused = _post(client, decide, hos_south, approve)
    assert refused.status_code == 403 and "over the child's team" in refused.json()["detail"]
    meeting = _post(
        client,
        "/api/v1/panel-meetings",
        world["lead"],
        {
            "panel": "sgo-discharge-panel",
            "date": str(TODAY),
            "attendees": ["chair", "adviser", "m1"],
        },
    )
    assert meeting.json()["quorate"] is True
    item = _post(
        client,
        f"/api/v1/panel-meetings/{meeting.json()['id']}/items",
        world["sw"],
        {"proposal_id": pid},
    )
    outcome_url = f"/api/v1/panel-items/{item.json()['id']}/outcome"
    for who in (panel_people["adviser"], panel_people["m1"], world["lead"]):
        assert _post(client, outcome_url, who, {"recommendation": "support"}).status_code == 403
    recorded = _post(
        client,
        outcome_url,
        panel_people["chair"],
        {"recommendation": "support", "conditions": "Support plan agreed first"},
    )
    assert recorded.status_code == 200

    # The gates are met; nothing of the due diligence is recorded, so the last approval
    # needs an explicit confirmation with a reason.
    got = client.get(f"/api/v1/proposals/{pid}", **_bearer(world["hos"])).json()
    assert [(g["gate"], g["met"]) for g in got["gates"]] == [("audit", True), ("panel", True)]
    assert not any(c["recorded"] for c in got["due_diligence"])
    unconfirmed = _post(client, decide, world["hos"], {"decision": "approve"})
    assert unconfirmed.status_code == 422
    assert "Not recorded: Viability assessment" in unconfirmed.json()["detail"]
    no_reason = {"decision": "approve", "confirm_unrecorded_checks": True}
    assert _post(client, decide, world["hos"], no_reason).status_code == 422
    done = _post(
        client,
        decide,
        world["hos"],
        {
            "decision": "approve",
            "comment": "Assured",
            "confirm_unrecorded_checks": True,
            "unrecorded_reason": "Seen in the court bundle",
        },
    )
    assert done.status_code == 200
    assert done.json()["status"] == "approved"
    assert [s["status"] for s in done.json()["steps"]] == ["approved"] * 3
    assert PermanencePlan.objects.get(child=world["child"]).plan == "sgo"
    got = client.get(f"/api/v1/proposals/{pid}", **_bearer(world["tm"]))
    assert got.json()["steps"][2]["by"] == "hos"
    last = Decision.objects.get(proposal_id=pid, by=world["hos"])
    assert last.unrecorded_reason == "Seen in the court bundle"
    assert len(last.unrecorded_checks) == 8
    event = DomainEvent.objects.get(verb="proposal_approved", data__step=2)
    assert event.data["unrecorded_reason"] == "Seen in the court bundle"
    assert "because: Seen in the court bundle" in event.summary
    verbs = set(DomainEvent.objects.filter(child=world["child"]).values_list("verb", flat=True))
    assert {
        "proposal_created",
        "proposal_submitted",
        "proposal_approved",
        "panel_outcome_recorded",
        "permanence_plan_set",
    } <= verbs


def test_other_team_cannot_see_proposal_and_bad_input(world, client):
    response = _post(
        client,
        "/api/v1/proposals",
        world["sw"],
        {
            "child_id": "SGO1",
            "decision_type": "sgo_care_plan",
            "proposed_plan": "SGO",
            "rationale": "r",
        },
    )
    pid = response.json()["id"]
    assert client.get(f"/api/v1/proposals/{pid}", **_bearer(world["tm_south"])).status_code == 404
    assert (
        _post(
            client, f"/api/v1/proposals/{pid}/decisions", world["tm"], {"decision": "approve"}
        ).status_code
        == 409
    )  # still a draft
    assert (
        _post(
            client, f"/api/v1/proposals/{pid}/decisions", world["tm"], {"decision": "maybe"}
        ).status_code
        == 422
    )
    assert (
        _post(
            client,
            "/api/v1/proposals",
            world["sw"],
            {
                "child_id": "SGO1",
                "decision_type": "nonsense",
                "proposed_plan": "x",
                "rationale": "r",
            },
        ).status_code
        == 422  # invalid input (core.errors): not a move refused by the workflow
    )
    assert (
        _post(
            client,
            "/api/v1/panels/permanence-panel/members",
            world["tm"],
            {"username": "sw", "panel_role": "chair"},
        ).status_code
        == 403
    )


def _queries(client, url, headers):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return len(ctx)


def test_proposal_route_query_count_does_not_grow(world, client):
    from assure.decisions import services

    def raise_one(child):
        p = services.proposal_create(
            child=child,
            decision_type="sgo_care_plan",
            actor=world["sw"],
            proposed_plan="SGO",
            rationale="r",
        )
        p = services.proposal_submit(proposal=p, actor=world["sw"])
        return services.proposal_decide(proposal=p, decision="approve", actor=world["tm"])

    first = raise_one(world["child"])
    headers = _bearer(world["tm"])
    small = _queries(client, f"/api/v1/proposals/{first.pk}", headers)
    for n in range(15):
        raise_one(ChildFactory(child_id=f"MORE{n}", team=world["north"]))
    services.proposal_decide(proposal=first, decision="approve", actor=world["sm"])
    large = _queries(client, f"/api/v1/proposals/{first.pk}", headers)
    # The read of the proposal is logged (one insert); its gates and due diligence are read
    # as its page reads them.
    assert small == large <= 11


def test_reading_a_proposal_is_logged_as_a_read_of_the_child(world, client):
    from assure.core.models import AccessEvent
    from assure.decisions import services

    proposal = services.proposal_create(
        child=world["child"],
        decision_type="sgo_care_plan",
        actor=world["sw"],
        proposed_plan="SGO",
        rationale="r",
    )
    AccessEvent.objects.all().delete()
    client.get(f"/api/v1/proposals/{proposal.pk}", **_bearer(world["tm"]))
    client.force_login(world["tm"])
    assert client.get(f"/decisions/{proposal.pk}/").status_code == 200
    events = AccessEvent.objects.filter(user=world["tm"], child=world["child"])
    assert sorted(events.values_list("via", flat=True)) == ["api", "page"]


def test_list_and_waiting_on_me(world, client):
    from assure.decisions import services

    for n in range(3):
        child = ChildFactory(child_id=f"LIST{n}", team=world["north"])
        p = services.proposal_create(
            child=child,
            decision_type="sgo_care_plan",
            actor=world["sw"],
            proposed_plan="SGO",
            rationale="r",
        )
        if n:
            services.proposal_submit(proposal=p, actor=world["sw"])
    headers = _bearer(world["tm"])
    everything = client.get("/api/v1/proposals", **headers).json()
    assert everything["count"] == 3
    drafts = client.get("/api/v1/proposals?status=draft", **headers).json()
    assert [p["child_id"] for p in drafts["items"]] == ["LIST0"]
    mine = client.get("/api/v1/proposals?waiting_on_me=true", **headers).json()
    assert sorted(p["child_id"] for p in mine["items"]) == ["LIST1", "LIST2"]
    assert (
        client.get("/api/v1/proposals?waiting_on_me=true", **_bearer(world["sm"])).json()["count"]
        == 0
    )
    assert client.get("/api/v1/proposals", **_bearer(world["tm_south"])).json()["count"] == 0


def test_list_route_query_count_does_not_grow(world, client):
    from assure.decisions import services

    def add(n):
        for i in range(n):
            child = ChildFactory(
                child_id=f"QC{ChildFactory._meta.model.objects.count()}{i}", team=world["north"]
            )
            p = services.proposal_create(
                child=child,
                decision_type="sgo_care_plan",
                actor=world["sw"],
                proposed_plan="SGO",
                rationale="r",
            )
            p = services.proposal_submit(proposal=p, actor=world["sw"])
            services.proposal_decide(proposal=p, decision="approve", actor=world["tm"])

    headers = _bearer(world["sm"])
    add(2)
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/api/v1/proposals?waiting_on_me=true", **headers)
        counts.append((len(ctx), response.json()["count"]))
        add(10)
    assert counts[0][0] == counts[1][0]
    assert [c[1] for c in counts] == [2, 12]
