"""Notifications follow the services' domain events: who is told, and the notice settled
(marked read for everyone) once the work is done or moves on. The work list follows the
state of the work itself."""

import datetime as dt

import pytest

from assure.audits import services as audits
from assure.core import clock
from assure.decisions import services as decisions
from assure.inbox.models import Notification
from assure.inbox.selectors import inbox_for


def _notes(user, **filters):
    return list(Notification.objects.filter(user=user, **filters))


@pytest.fixture
def audit(world):
    return audits.audit_create(
        child=world["child"],
        template_slug="sgo-before-court",
        mode="paper",
        auditor=world["auditor"],
        actor=world["lead"],
        due_date=clock.today() + dt.timedelta(days=10),
    )


def test_an_audit_given_to_an_auditor_tells_them_and_is_on_their_list(world, audit):
    (note,) = _notes(world["auditor"])
    assert note.kind == "audit_to_do" and "Amelia Hart (SGO1)" in note.title
    assert note.url == f"/audits/{audit.pk}/"
    (item,) = inbox_for(user=world["auditor"])
    assert (item.kind, item.child_id, item.due_date) == ("audit_to_do", "SGO1", audit.due_date)


def test_an_escalation_tells_the_childs_managers_and_acknowledging_settles_it(world, audit):
    escalation = audits.escalation_raise(
        audit=audit, concern="No safe carer tonight", actor=world["auditor"]
    )
    told = {n.user.username for n in Notification.objects.filter(kind="escalation")}
    assert told == {"tm", "hos"}  # the child's team; not the other team's manager
    (item,) = [i for i in inbox_for(user=world["tm"]) if i.kind == "escalation"]
    assert item.url == f"/audits/escalations/#response-{escalation.pk}"
    assert inbox_for(user=world["tm"])[0].kind == "escalation"  # first, however dated
    assert not [i for i in inbox_for(user=world["tm_south"]) if i.kind == "escalation"]

    audits.escalation_acknowledge(
        escalation=escalation, response="Visited; child safe with aunt", actor=world["tm"]
    )
    assert not Notification.objects.filter(kind="escalation", read_at__isnull=True).exists()
    assert not [i for i in inbox_for(user=world["hos"]) if i.kind == "escalation"]
    (told_back,) = _notes(world["auditor"], kind="escalation_acknowledged")
    assert "Amelia Hart (SGO1)" in told_back.title


def test_an_action_tells_its_owner_and_completing_it_settles_it(world, audit):
    audit = audits.audit_transition(audit=audit, to="in_progress", actor=world["auditor"])
    action = audits.action_add(
        audit=audit,
        description="Update the support plan",
        owner=world["sw"],
        due_date=clock.today() + dt.timedelta(days=1),
        priority="high",
        actor=world["auditor"],
    )
    (note,) = _notes(world["sw"], kind="action_due")
    assert note.read_at is None
    with clock.frozen_at(clock.today() + dt.timedelta(days=3)):
        (item,) = [i for i in inbox_for(user=world["sw"]) if i.kind == "action_due"]
        assert item.due_date < clock.today()  # overdue now
    audits.action_complete(action=action, evidence_note="Plan updated", actor=world["sw"])
    note.refresh_from_db()
    assert note.read_at is not None
    assert not [i for i in inbox_for(user=world["sw"]) if i.kind == "action_due"]


def test_the_proposer_is_told_of_a_return_with_the_comment(world, submitted):
    decisions.proposal_decide(
        proposal=submitted, decision="return", actor=world["tm"], comment="Add the contact plan"
    )
    (note,) = _notes(world["sw"], kind="proposal_decided")
    assert "returned" in note.title and "Add the contact plan" in note.title
    assert not _notes(world["tm"], read_at__isnull=True)


def test_nobody_is_told_of_their_own_act(world, submitted):
    assert not _notes(world["sw"])  # the proposer submitted it
    decisions.proposal_decide(proposal=submitted, decision="approve", actor=world["tm"])
    assert not _notes(world["tm"], read_at__isnull=True)


def test_a_notification_that_fails_never_undoes_the_work(world, monkeypatch, caplog):
    from assure.decisions.models import Status
    from assure.inbox import rules

    def broken(event):
        raise RuntimeError("the rule is broken")

    monkeypatch.setitem(rules.RULES, "proposal_submitted", broken)
    proposal = decisions.proposal_create(
        child=world["child"],
        decision_type="sgo_care_plan",
        proposed_plan="SGO to her aunt",
        rationale="Settled",
        actor=world["sw"],
    )
    submitted = decisions.proposal_submit(proposal=proposal, actor=world["sw"])
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    assert not Notification.objects.exists()
    assert "Could not write the notifications" in caplog.text
    # The work is still on the team manager's list: it is read from the proposal itself.
    assert [i.kind for i in inbox_for(user=world["tm"])] == ["proposal_decision"]


def _restricted_proposal(world, *, approvers: int):
    """A proposal for a restricted child of the North team, with `approvers` team managers
    of North on its access list and as many again who are not."""
    from assure.children.models import ChildAccess
    from assure.people.roles import Role
    from tests.factories import ChildFactory, EpisodeFactory, UserFactory

    child = ChildFactory(child_id="HIDDEN1", team=world["north"], restricted=True)
    EpisodeFactory(child=child)
    ChildAccess.objects.create(child=child, user=world["sw"])
    ChildAccess.objects.create(child=child, user=world["tm"])
    for n in range(approvers):
        for listed in (True, False):
            name = f"tm_{'listed' if listed else 'unlisted'}_{n}"
            person = UserFactory(username=name, roles=[Role.TEAM_MANAGER], teams=[world["north"]])
            if listed:
                ChildAccess.objects.create(child=child, user=person)
    proposal = decisions.proposal_create(
        child=child,
        decision_type="sgo_care_plan",
        proposed_plan="SGO to her aunt",
        rationale="Settled",
        actor=world["sw"],
    )
    return decisions.proposal_submit(proposal=proposal, actor=world["sw"])


@pytest.mark.parametrize("approvers", [1, 4])
def test_the_next_approvers_are_those_who_may_see_the_child_asked_in_one_query(world, approvers):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from assure.inbox.rules import next_approvers

    proposal = _restricted_proposal(world, approvers=approvers)
    told = {n.user.username for n in Notification.objects.filter(kind="proposal_decision")}
    listed = {f"tm_listed_{n}" for n in range(approvers)}
    # On the access list and over the child's team; not the unlisted managers of the same
    # team, nor the managers over other teams.
    assert told == {"tm", *listed}
    with CaptureQueriesContext(connection) as queries:
        people = next_approvers(proposal)
    assert {p.username for p in people} == {"tm", *listed}
    about_children = [q for q in queries if 'FROM "children_child"' in q["sql"]]
    assert len(about_children) == 1
