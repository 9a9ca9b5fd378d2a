"""One line of the permission table (core/access.PERMISSIONS) decides both what a page
offers and what the service refuses: change the line, and both change together. Each case
gives an action to a role that did not hold it and takes it from the role that did."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from assure.audits import services as audits
from assure.audits.tests.conftest import answer_everything
from assure.core import access, clock
from assure.decisions import services as decisions
from assure.families import review_services
from assure.families.models import Family, FamilyMember
from assure.tracker import services as tracker
from tests.factories import ChildFactory, EpisodeFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def council(db):
    north = TeamFactory(name="North")
    child = ChildFactory(child_id="K1", team=north)
    EpisodeFactory(child=child, start_date=dt.date(2024, 1, 1))
    return {
        "north": north,
        "child": child,
        "lead": UserFactory(username="lead", roles=["assurance_lead"]),
        "auditor": UserFactory(username="aud", roles=["auditor"]),
        "director": UserFactory(username="dir", roles=["director"]),
        "sw": UserFactory(username="sw", roles=["practitioner"], teams=[north]),
        "tm": UserFactory(username="tm", roles=["team_manager"], teams=[north]),
    }


def _move(monkeypatch, action: str, *, to: str) -> None:
    monkeypatch.setitem(access.PERMISSIONS, action, frozenset({to}))


def _page(client, user, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _submitted_audit(council):
    audit = audits.audit_create(
        child=council["child"],
        template_slug="sgo-before-court",
        mode="paper",
        auditor=council["auditor"],
        actor=council["lead"],
    )
    audits.audit_transition(audit=audit, to="in_progress", actor=council["auditor"])
    answer_everything(audit, council["auditor"])
    return audits.audit_transition(
        audit=audit, to="submitted", actor=council["auditor"], overall_grade="good"
    )


def test_review_audits_moves_the_close_button_and_the_right_to_close(client, council, monkeypatch):
    audit = _submitted_audit(council)
    url = reverse("audits:detail", args=[audit.pk])
    assert "Close the audit" in _page(client, council["lead"], url)
    assert "Close the audit" not in _page(client, council["director"], url)

    _move(monkeypatch, "review_audits", to="director")
    assert "Close the audit" not in _page(client, council["lead"], url)
    assert "Close the audit" in _page(client, council["director"], url)
    with pytest.raises(audits.Forbidden, match="Only the director may move this audit"):
        audits.audit_transition(audit=audit, to="closed", actor=council["lead"])
    closed = audits.audit_transition(audit=audit, to="closed", actor=council["director"])
    assert closed.status == "closed"


def test_manage_tracker_rules_moves_the_link_and_the_right_to_change_them(
    client, council, monkeypatch
):
    url = reverse("tracker:page")
    assert "change the rules" in _page(client, council["lead"], url)
    assert "change the rules" not in _page(client, council["auditor"], url)

    _move(monkeypatch, "manage_tracker_rules", to="auditor")
    assert "change the rules" not in _page(client, council["lead"], url)
    assert "change the rules" in _page(client, council["auditor"], url)
    with pytest.raises(PermissionDenied, match="Only the auditor"):
        tracker.rule_set_create(actor=council["lead"], stale_days=60)
    assert tracker.rule_set_create(actor=council["auditor"], stale_days=60).stale_days == 60


def test_approve_decisions_moves_the_waiting_list_and_the_right_to_decide(
    client, council, monkeypatch
):
    proposal = decisions.proposal_create(
        child=council["child"],
        decision_type="sgo_care_plan",
        proposed_plan="SGO to the aunt",
        rationale="Settled for a year",
        actor=council["sw"],
    )
    decisions.proposal_submit(proposal=proposal, actor=council["sw"])
    waiting = reverse("decisions:waiting")
    assert "Waiting on me (1)" in _page(client, council["tm"], waiting)

    # The team manager's step is theirs only while their role may approve decisions.
    _move(monkeypatch, "approve_decisions", to="director")
    assert "Waiting on me (0)" in _page(client, council["tm"], waiting)
    with pytest.raises(PermissionDenied, match="needs a team manager"):
        decisions.proposal_decide(proposal=proposal, decision="approve", actor=council["tm"])
    monkeypatch.undo()
    approved = decisions.proposal_decide(proposal=proposal, decision="approve", actor=council["tm"])
    assert approved.decisions.count() == 1


def test_lead_practice_reviews_moves_the_reopen_button_and_the_right_to_reopen(
    client, council, monkeypatch
):
    family = Family.objects.create(family_id="F1", created_at=clock.now())
    FamilyMember.objects.create(family=family, child=council["child"], linked_at=clock.now())
    review = review_services.practice_review_start(
        family=family,
        title="Drift",
        period_start=None,
        period_end=None,
        children=[council["child"]],
        reviewers=[council["auditor"]],
        actor=council["lead"],
    )
    review_services.practice_review_conclusions_save(
        review=review, conclusions="Drift in planning.", actor=council["auditor"]
    )
    review_services.practice_review_transition(
        review=review, to="concluded", actor=council["auditor"]
    )
    url = reverse("families:review", args=[family.family_id, review.pk])
    assert "Reopen" in _page(client, council["lead"], url)

    _move(monkeypatch, "lead_practice_reviews", to="director")
    monkeypatch.setitem(access.PERMISSIONS, "view_practice_reviews", frozenset({"director"}))
    assert "Reopen" in _page(client, council["director"], url)
    with pytest.raises(PermissionDenied, match="Only the director"):
        review_services.practice_review_transition(
            review=review, to="in_progress", actor=council["lead"], reason="New evidence"
        )
    reopened = review_services.practice_review_transition(
        review=review, to="in_progress", actor=council["director"], reason="New evidence"
    )
    assert reopened.status == "in_progress"
