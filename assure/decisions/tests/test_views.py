"""The sign-off pages: raise from a child, submit, approve/return/reject with a comment,
what is waiting on me; query counts pinned at two sizes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assure.decisions import services
from assure.decisions.models import Proposal, Status
from tests.factories import ChildFactory

from .conftest import close_audit, panel_support


def test_raise_submit_and_decide_through_the_pages(world, client):
    client.force_login(world["sw"])
    child_page = client.get(reverse("children:detail", args=["SGO1"]))
    assert b"Raise a proposal for this child" in child_page.content
    types = client.get(reverse("decisions:choose_type", args=["SGO1"]))
    assert b"Care plan changes to special guardianship" in types.content
    url = reverse("decisions:create", args=["SGO1", "sgo_care_plan"])
    empty = client.post(url, {})
    assert b"Enter the rationale" in empty.content and not Proposal.objects.exists()
    response = client.post(
        url,
        {
            "proposed_plan": "SGO to the grandmother",
            "rationale": "Settled two years",
            "check_full_assessment": "Completed in May",
            "document_url": "https://cms.example/doc/1",
        },
    )
    proposal = Proposal.objects.get()
    assert response.url == reverse("decisions:detail", args=[proposal.pk])
    assert proposal.checklist == {"full_assessment": "Completed in May"}
    detail = reverse("decisions:detail", args=[proposal.pk])
    client.post(detail, {"action": "submit"})
    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED

    # The proposer has no decision form; the team manager has, and sees it waiting.
    assert b"Record my decision" not in client.get(detail).content
    client.force_login(world["tm"])
    waiting = client.get(reverse("decisions:waiting"))
    assert [p.pk for p in waiting.context["waiting"]] == [proposal.pk]
    assert client.post(detail, {"decision": "return"}).status_code == 200  # needs a comment
    client.post(detail, {"decision": "approve", "comment": "Good work"})
    client.force_login(world["sm"])
    client.post(detail, {"decision": "approve"})
    client.force_login(world["hos"])
    page = client.get(detail)
    assert [(g.gate, g.met) for g in page.context["gates"]] == [("audit", False), ("panel", False)]
    refused = client.post(detail, {"decision": "approve"})
    assert b"audit, panel gates unmet" in refused.content
    close_audit(child=world["child"], auditor=world["auditor"])
    panel_support(proposal=proposal, lead=world["lead"])
    # Seven of eight items not recorded: approving needs a confirmation and a reason.
    unconfirmed = client.post(detail, {"decision": "approve", "comment": "Assured"})
    assert b"Not recorded: Viability assessment" in unconfirmed.content
    no_reason = client.post(detail, {"decision": "approve", "unrecorded-confirm": "on"})
    assert b"Say why you approve without these items" in no_reason.content
    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED
    client.post(
        detail,
        {
            "decision": "approve",
            "comment": "Assured",
            "unrecorded-confirm": "on",
            "unrecorded-reason": "Seen in the court bundle",
        },
    )
    proposal.refresh_from_db()
    assert proposal.status == Status.APPROVED
    shown = client.get(detail).content.decode()
    assert "with these items not recorded" in shown and "Seen in the court bundle" in shown
    assert client.get(reverse("decisions:waiting")).context["waiting"] == []


def test_wrong_person_posting_a_decision_is_refused(world, client):
    proposal = services.proposal_create(
        child=world["child"],
        decision_type="sgo_care_plan",
        actor=world["sw"],
        proposed_plan="SGO",
        rationale="r",
    )
    services.proposal_submit(proposal=proposal, actor=world["sw"])
    client.force_login(world["sm"])
    detail = reverse("decisions:detail", args=[proposal.pk])
    assert client.post(detail, {"decision": "approve"}).status_code == 403
    client.force_login(world["tm_south"])
    assert client.get(detail).status_code == 404


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def _raise_many(world, n, start):
    for i in range(start, start + n):
        child = ChildFactory(child_id=f"MANY{i}", team=world["north"])
        p = services.proposal_create(
            child=child,
            decision_type="sgo_care_plan",
            actor=world["sw"],
            proposed_plan="SGO",
            rationale="r",
        )
        p = services.proposal_submit(proposal=p, actor=world["sw"])
        services.proposal_decide(proposal=p, decision="approve", actor=world["tm"])


@pytest.mark.parametrize(("page", "expected"), [("waiting", 11), ("detail", 17), ("child", 2)])
def test_query_counts_do_not_grow(world, client, page, expected):
    _raise_many(world, 2, 0)
    first = Proposal.objects.order_by("pk").first()
    urls = {
        "waiting": reverse("decisions:waiting"),
        "detail": reverse("decisions:detail", args=[first.pk]),
        "child": reverse("children:detail", args=[first.child.child_id]),
    }
    client.force_login(world["sm"])
    small = _count(client, urls[page])
    _raise_many(world, 12, 2)
    large = _count(client, urls[page])
    assert small == large
    if page != "child":
        assert small == expected


def test_changing_the_proposal_after_an_approval_restarts_the_chain(world, client):
    proposal = services.proposal_create(
        child=world["child"],
        decision_type="sgo_care_plan",
        actor=world["sw"],
        proposed_plan="SGO",
        rationale="r",
        checklist={"legal_advice": "Given 1 May"},
    )
    proposal = services.proposal_submit(proposal=proposal, actor=world["sw"])
    services.proposal_decide(proposal=proposal, decision="approve", actor=world["tm"])
    edit = reverse("decisions:edit", args=[proposal.pk])
    client.force_login(world["tm"])
    assert client.get(edit).status_code == 403
    client.force_login(world["sw"])
    page = client.get(edit)
    assert b"clears their approvals" in page.content and b"Given 1 May" in page.content
    client.post(
        edit,
        {"proposed_plan": "SGO to the aunt", "rationale": "r", "check_legal_advice": "Given 1 May"},
    )
    proposal.refresh_from_db()
    assert proposal.proposed_plan == "SGO to the aunt" and proposal.round == 2
    assert services.next_step(proposal) == (0, "team_manager")


def test_the_lead_revises_the_scheme_in_the_page(world, client):
    url = reverse("decisions:scheme")
    client.force_login(world["tm"])
    page = client.get(url)
    assert b"Team manager" in page.content and b"Save a new version" not in page.content
    # Decision types and panels in words, never their codes.
    table = page.content.decode().split('data-testid="scheme"')[1].split("</table>")[0]
    assert "Support from the Permanence panel or the SGO discharge panel" in table
    assert "sgo_care_plan" not in table and "permanence-panel" not in table
    assert client.post(url, {"decision_type": "sgo_financial_support"}).status_code == 200
    client.force_login(world["lead"])
    form = page.content.decode().split("<form", 1)[-1]
    assert "Head of service" in form and "SGO discharge panel" in form
    assert "team_manager," not in form and "Panel slugs" not in form  # ticked, not typed
    bad = client.post(url, {"decision_type": "sgo_financial_support", "chain": "boss"})
    assert b"Choose the approvers from the list" in bad.content
    client.post(
        url,
        {
            "decision_type": "sgo_financial_support",
            "chain": ["head_of_service", "team_manager"],  # ticked: kept in seniority order
            "gates": ["panel"],
            "gate_panels": ["sgo-discharge-panel"],
            "audit_within_days": "90",
            "rationale": "Larger sums need a head of service",
        },
    )
    latest = services._scheme_for("sgo_financial_support")
    assert latest.version == 2 and latest.chain == ["team_manager", "head_of_service"]
    assert latest.gates == ["panel"] and latest.checklist  # the checklist carried over
    assert latest.gate_panels == ["sgo-discharge-panel"]
    client.post(  # a script posting the earlier comma-separated shape still works
        url,
        {
            "decision_type": "sgo_financial_support",
            "chain": "team_manager, service_manager",
            "gate_panels": "sgo-discharge-panel",
            "audit_within_days": "90",
            "rationale": "Back to the service manager",
        },
    )
    latest = services._scheme_for("sgo_financial_support")
    assert latest.version == 3 and latest.chain == ["team_manager", "service_manager"]


def test_child_page_shows_where_each_proposal_stands(world, client):
    proposal = services.proposal_create(
        child=world["child"],
        decision_type="sgo_care_plan",
        actor=world["sw"],
        proposed_plan="SGO",
        rationale="r",
    )
    proposal = services.proposal_submit(proposal=proposal, actor=world["sw"])
    services.proposal_decide(proposal=proposal, decision="approve", actor=world["tm"])
    services.proposal_decide(proposal=proposal, decision="approve", actor=world["sm"])
    panel_support(proposal=proposal, lead=world["lead"])
    client.force_login(world["sw"])
    page = client.get(reverse("children:detail", args=["SGO1"]))
    text = page.content.decode()
    assert "Head of service" in text and "Waiting for: audit" in text
    assert "Permanence panel 1 Jun 2026: Support" in text
