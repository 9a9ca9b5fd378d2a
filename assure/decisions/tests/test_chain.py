"""The whole sgo_care_plan chain: each step by the right person, every refusal, each gate,
and the child's plan changing at the end."""

import pytest
from django.core.exceptions import PermissionDenied

from assure.children.models import PermanencePlan
from assure.children.selectors import child_history
from assure.core.models import DomainEvent
from assure.decisions import services
from assure.decisions.models import Decision, Status
from tests.factories import UserFactory

from .conftest import close_audit, panel_support


def _raise(world, **kw):
    proposal = services.proposal_create(
        child=world["child"],
        decision_type="sgo_care_plan",
        actor=world["sw"],
        proposed_plan="SGO to the maternal grandmother",
        rationale="Settled there two years",
        checklist={"full_assessment": "Completed 1 May, positive"},
        **kw,
    )
    return services.proposal_submit(proposal=proposal, actor=world["sw"])


def test_default_sgo_scheme(db):
    from assure.decisions.models import SchemeVersion

    scheme = SchemeVersion.objects.get(decision_type__slug="sgo_care_plan")
    assert scheme.chain == ["team_manager", "service_manager", "head_of_service"]
    assert scheme.gates == ["audit", "panel"]
    assert set(scheme.gate_panels) == {"permanence-panel", "sgo-discharge-panel"}
    assert SchemeVersion.objects.filter(version=1).count() == 5


def test_whole_chain(world):
    proposal = _raise(world)
    assert [s["status"] for s in services.steps(proposal)] == ["waiting", "pending", "pending"]

    # Step 1: the team manager. Refused: the proposer, a wrong role, another team's manager.
    for who in ("sw", "sm", "hos", "tm_south", "lead"):
        with pytest.raises(PermissionDenied):
            services.proposal_decide(proposal=proposal, decision="approve", actor=world[who])
    proposal = services.proposal_decide(proposal=proposal, decision="approve", actor=world["both"])
    assert proposal.status == Status.SUBMITTED

    # Step 2: the same person may not take a second step. Approving again reads as a repeat
    # of their first decision (409); any other decision is not theirs to make (403).
    with pytest.raises(services.TransitionRefused, match="Already decided.*two steps"):
        services.proposal_decide(proposal=proposal, decision="approve", actor=world["both"])
    with pytest.raises(PermissionDenied, match="two steps"):
        services.proposal_decide(
            proposal=proposal, decision="return", actor=world["both"], comment="Not ready."
        )
    for who in ("tm", "hos"):
        with pytest.raises(PermissionDenied):
            services.proposal_decide(proposal=proposal, decision="approve", actor=world[who])
    proposal = services.proposal_decide(proposal=proposal, decision="approve", actor=world["sm"])

    # Step 3: gates. Neither met, then one, then both.
    with pytest.raises(PermissionDenied):
        services.proposal_decide(proposal=proposal, decision="approve", actor=world["hos_south"])
    with pytest.raises(services.TransitionRefused, match="Already decided"):
        services.proposal_decide(proposal=proposal, decision="approve", actor=world["sm"])
    with pytest.raises(services.GatesUnmet) as refused:
        services.proposal_decide(proposal=proposal, decision="approve", actor=world["hos"])
    assert refused.value.gates == ["audit", "panel"]
    close_audit(child=world["child"], auditor=world["auditor"])
    with pytest.raises(services.GatesUnmet) as refused:
        services.proposal_decide(proposal=proposal, decision="approve", actor=world["hos"])
    assert refused.value.gates == ["panel"]
    panel_support(proposal=proposal, lead=world["lead"])
    assert not PermanencePlan.objects.filter(child=world["child"]).exists()
    # Due diligence not recorded: the last approval needs a confirmation with a reason.
    with pytest.raises(services.ChecksNotRecorded, match="Not recorded: Viability"):
        services.proposal_decide(proposal=proposal, decision="approve", actor=world["hos"])
    with pytest.raises(services.ChecksNotRecorded):
        services.proposal_decide(
            proposal=proposal, decision="approve", actor=world["hos"], confirm_unrecorded=True
        )
    proposal = services.proposal_decide(
        proposal=proposal,
        decision="approve",
        actor=world["hos"],
        comment="Due diligence done",
        confirm_unrecorded=True,
        unrecorded_reason="Each seen in the court bundle",
    )
    assert proposal.status == Status.APPROVED and proposal.decided_at is not None
    plan = PermanencePlan.objects.get(child=world["child"])
    assert plan.plan == "sgo" and plan.source == PermanencePlan.Source.PROPOSAL

    # Every decision is on the child's history with who and why.
    history = DomainEvent.objects.filter(child=world["child"]).order_by("id")
    verbs = list(history.values_list("verb", "actor__username"))
    assert ("proposal_approved", "both") in verbs
    assert ("proposal_approved", "sm") in verbs
    assert ("proposal_approved", "hos") in verbs
    assert ("permanence_plan_set", "hos") in verbs
    shown = [(e["who"], e["what"]) for e in child_history(child=world["child"])]
    assert (
        world["hos"].display_name,
        "Approved by the head of service: Due diligence done. Approved with 7 due-diligence "
        "items not recorded, because: Each seen in the court bundle",
    ) in shown
    last = history.filter(verb="proposal_approved").last()
    assert last.data["comment"] == "Due diligence done" and last.data["to"] == "approved"
    assert len(last.data["unrecorded_checks"]) == 7
    assert last.data["unrecorded_reason"] == "Each seen in the court bundle"

    # Final: nothing more may happen to it.
    with pytest.raises(services.TransitionRefused):
        services.proposal_decide(
            proposal=proposal, decision="reject", actor=world["hos"], comment="x"
        )


@pytest.mark.parametrize(
    ("grade", "days_ago", "met"),
    [
        ("good", 90, True),
        ("good", 91, False),
        ("inadequate", 5, False),
        ("requires_improvement", 1, True),
    ],
)
def test_audit_gate_edges(world, grade, days_ago, met):
    from assure.decisions.gates import audit_gate_met

    proposal = _raise(world)
    close_audit(child=world["child"], auditor=world["auditor"], grade=grade, days_ago=days_ago)
    assert audit_gate_met(proposal=proposal) is met


def test_panel_gate_needs_support_at_a_gate_panel(world):
    from assure.decisions.gates import panel_gate_met

    proposal = _raise(world)
    panel_support(proposal=proposal, lead=world["lead"], slug="legal-gateway")
    assert not panel_gate_met(proposal=proposal)
    panel_support(proposal=proposal, lead=world["lead"], recommendation="defer")
    assert not panel_gate_met(proposal=proposal)
    panel_support(proposal=proposal, lead=world["lead"], slug="sgo-discharge-panel")
    assert panel_gate_met(proposal=proposal)


def _to_last_step(world):
    proposal = _raise(world)
    proposal = services.proposal_decide(proposal=proposal, decision="approve", actor=world["tm"])
    return services.proposal_decide(proposal=proposal, decision="approve", actor=world["sm"])


def test_material_change_after_approval_restarts_the_chain(world):
    proposal = _to_last_step(world)
    proposal = services.proposal_update(
        proposal=proposal, actor=world["sw"], rationale="New information from the carers"
    )
    assert proposal.round == 2
    assert [s["status"] for s in services.steps(proposal)] == ["waiting", "pending", "pending"]
    assert Decision.objects.filter(proposal=proposal).count() == 2  # kept as history
    event = DomainEvent.objects.get(verb="proposal_changed")
    assert event.data["chain_restarted"] is True
    # The earlier approvers may approve again in the new round.
    services.proposal_decide(proposal=proposal, decision="approve", actor=world["tm"])


def test_return_and_resubmit_goes_through_the_chain_again(world):
    proposal = _to_last_step(world)
    with pytest.raises(Exception, match="comment"):
        services.proposal_decide(proposal=proposal, decision="return", actor=world["hos"])
    proposal = services.proposal_decide(
        proposal=proposal, decision="return", actor=world["hos"], comment="Contact plan missing"
    )
    assert proposal.status == Status.RETURNED
    with pytest.raises(services.TransitionRefused):
        services.proposal_decide(proposal=proposal, decision="approve", actor=world["tm"])
    with pytest.raises(PermissionDenied):
        services.proposal_submit(proposal=proposal, actor=world["tm"])
    proposal = services.proposal_submit(proposal=proposal, actor=world["sw"])
    assert proposal.status == Status.SUBMITTED and proposal.round == 2
    assert services.next_step(proposal) == (0, "team_manager")


def test_reject_is_final_and_a_new_proposal_supersedes(world):
    proposal = _raise(world)
    proposal = services.proposal_decide(
        proposal=proposal, decision="reject", actor=world["tm"], comment="No assessment"
    )
    assert proposal.status == Status.REJECTED
    with pytest.raises(services.TransitionRefused):
        services.proposal_submit(proposal=proposal, actor=world["sw"])
    with pytest.raises(services.TransitionRefused):
        services.proposal_update(proposal=proposal, actor=world["sw"], rationale="x")
    newer = services.proposal_create(
        child=world["child"],
        decision_type="sgo_care_plan",
        actor=world["sw"],
        proposed_plan="SGO",
        rationale="Assessment now done",
        supersedes=proposal,
    )
    assert newer.supersedes == proposal


def test_transition_table_refusals(world):
    draft = services.proposal_create(
        child=world["child"],
        decision_type="sgo_care_plan",
        actor=world["sw"],
        proposed_plan="SGO",
        rationale="r",
    )
    for decision in ("approve", "return", "reject"):
        with pytest.raises(services.TransitionRefused):
            services.proposal_decide(
                proposal=draft, decision=decision, actor=world["tm"], comment="c"
            )
    submitted = services.proposal_submit(proposal=draft, actor=world["sw"])
    with pytest.raises(services.TransitionRefused):
        services.proposal_submit(proposal=submitted, actor=world["sw"])


def test_unknown_checklist_item_and_unseen_child(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.proposal_create(
            child=world["child"],
            decision_type="sgo_care_plan",
            actor=world["sw"],
            proposed_plan="SGO",
            rationale="r",
            checklist={"made_up": "x"},
        )
    with pytest.raises(PermissionDenied):
        services.proposal_create(
            child=world["child"],
            decision_type="sgo_care_plan",
            actor=world["tm_south"],
            proposed_plan="SGO",
            rationale="r",
        )


def test_used_scheme_version_never_changes(world):
    from django.core.exceptions import ValidationError

    proposal = _raise(world)
    scheme = proposal.scheme
    scheme.chain = ["team_manager"]
    with pytest.raises(ValidationError):
        scheme.save()
    director = UserFactory(username="dir", roles=["director"])
    revised = services.scheme_revise(
        decision_type=scheme.decision_type,
        actor=director,
        chain=["team_manager", "head_of_service"],
        checklist=scheme.checklist,
        gates=["audit"],
    )
    assert revised.version == 2
    newer = _raise(world)
    assert newer.scheme == revised
    proposal.refresh_from_db()
    assert proposal.scheme.version == 1
    with pytest.raises(PermissionDenied):
        services.scheme_revise(
            decision_type=scheme.decision_type,
            actor=world["tm"],
            chain=["team_manager"],
            checklist=[],
            gates=[],
        )
