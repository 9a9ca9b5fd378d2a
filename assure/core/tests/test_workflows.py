"""Every workflow has the one shape (core/workflow.py): each (state, action) pair is either a
move in its table or refused with a 409, in the house's words; who may is a line of the
permission table or a named person; a guard's refusal is the workflow's own kind."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assure.audits import services as audit_services
from assure.core.errors import NotNow
from assure.core.workflow import Move, Workflow
from assure.decisions import services as decisions
from assure.decisions import workflow as proposals
from assure.decisions.models import Status as ProposalStatus
from assure.families import review_services
from tests.factories import ChildFactory, EpisodeFactory, TeamFactory, UserFactory

WORKFLOWS = {
    "audit": audit_services.WORKFLOW,
    "proposal": proposals.WORKFLOW,
    "practice review": review_services.WORKFLOW,
}


@pytest.mark.parametrize("name", sorted(WORKFLOWS))
def test_every_pair_not_in_the_table_is_a_409_before_anyone_is_asked(name):
    workflow = WORKFLOWS[name]
    nobody = object()  # a refusal of the pair must come before any question about the person
    for state in workflow.states:
        for action in workflow.actions:
            if workflow.find(state=state, action=action):
                continue
            with pytest.raises(NotNow, match="cannot be") as refused:
                workflow.check(state=state, action=action, record=None, user=nobody)
            assert isinstance(refused.value, workflow.refused)


@pytest.mark.parametrize("name", sorted(WORKFLOWS))
def test_each_move_says_who_and_each_refusal_has_its_status(name):
    from assure.core import access

    workflow = WORKFLOWS[name]
    for move in workflow.moves:
        assert move.who in access.PERMISSIONS or move.may or move.why_not, move
        assert move.who_words()
    assert issubclass(workflow.refused, NotNow)
    assert issubclass(workflow.forbidden, PermissionDenied)
    assert issubclass(workflow.guard_error, NotNow | ValidationError)


def test_a_table_with_an_unknown_state_or_two_moves_for_one_pair_is_refused_at_import():
    states = {"a": "A", "b": "B"}
    with pytest.raises(ValueError, match="unknown states"):
        Workflow(noun="thing", states=states, moves=(Move("a", "go", "c", "x", lambda u, r: 1),))
    with pytest.raises(ValueError, match="two moves"):
        Workflow(
            noun="thing",
            states=states,
            moves=(Move("a", "go", "b", "x", lambda u, r: 1), Move("a", "go", "a", "y")),
        )


def test_a_guard_refuses_with_its_words_and_a_move_names_who_may():
    workflow = Workflow(
        noun="item",
        states={"open": "Open", "shut": "Shut"},
        moves=(
            Move(
                "open",
                "shut",
                "shut",
                "the item's owner",
                lambda user, record: user == "owner",
                (lambda record, params: "" if params.get("why") else "Say why.",),
            ),
        ),
    )
    with pytest.raises(PermissionDenied, match="Only the item's owner may move this item to shut"):
        workflow.check(state="open", action="shut", record=None, user="someone")
    with pytest.raises(NotNow, match="Say why"):
        workflow.check(state="open", action="shut", record=None, user="owner")
    move = workflow.check(
        state="open", action="shut", record=None, user="owner", params={"why": "done"}
    )
    assert move.target == "shut"
    with pytest.raises(NotNow, match="An item that is shut cannot be moved to shut"):
        workflow.check(state="shut", action="shut", record=None, user="owner")


def _take(proposal, action: str, actor):
    if action == proposals.SUBMIT:
        return decisions.proposal_submit(proposal=proposal, actor=actor)
    return decisions.proposal_decide(
        proposal=proposal, decision=action, actor=actor, comment="Why."
    )


@pytest.mark.django_db
def test_every_proposal_state_and_action_through_the_services():
    """The proposal's services follow the table for every pair: a pair not in it is a 409
    whoever asks, and the proposer's and approver's moves are theirs alone."""
    north = TeamFactory(name="North")
    child = ChildFactory(child_id="P1", team=north)
    EpisodeFactory(child=child, start_date=dt.date(2024, 1, 1))
    sw = UserFactory(username="sw", roles=["practitioner"], teams=[north])
    tm = UserFactory(username="tm", roles=["team_manager"], teams=[north])
    proposal = decisions.proposal_create(
        child=child,
        decision_type="sgo_care_plan",
        proposed_plan="SGO to the aunt",
        rationale="Settled",
        actor=sw,
    )
    for state in ProposalStatus.values:
        proposal.status = state
        proposal.save(update_fields=["status"])
        for action in proposals.WORKFLOW.actions:
            in_table = proposals.WORKFLOW.find(state=state, action=action) is not None
            right, wrong = (sw, tm) if action == proposals.SUBMIT else (tm, sw)
            if not in_table:
                with pytest.raises(decisions.TransitionRefused):
                    _take(proposal, action, right)
                continue
            with pytest.raises(PermissionDenied):
                _take(proposal, action, wrong)
