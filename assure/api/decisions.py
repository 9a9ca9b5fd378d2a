"""Proposal routes (issue 6 item 7): thin, over the decisions services and selectors.
403: this person may not; 404: no such proposal or child, or one they may not see; 409: not
allowed from the proposal's state, or a gate is unmet (with `unmet_gates`); 422: bad input."""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from assure.children import selectors as child_selectors
from assure.core.models import AccessEvent
from assure.decisions import gates, selectors, services
from assure.decisions.models import Proposal

from .schemas import Error

router = Router(tags=["proposals"])


class ProposalIn(Schema):
    child_id: str = Field(max_length=50)
    decision_type: str = Field(max_length=60)
    proposed_plan: str = Field(max_length=5000)
    rationale: str = Field(max_length=20000)
    checklist: dict[str, str] = Field(default_factory=dict)


class DecisionIn(Schema):
    decision: Literal["approve", "return", "reject"]
    comment: str = Field("", max_length=5000)
    confirm_unrecorded_checks: bool = Field(
        False,
        description="At the last approval: go ahead although due-diligence items are not "
        "recorded (needs `unrecorded_reason`; both are kept on the decision).",
    )
    unrecorded_reason: str = Field("", max_length=5000)


class StepOut(Schema):
    role: str
    status: str
    by: str | None = None
    at: dt.datetime | None = None


class GateOut(Schema):
    gate: str = Field(description="audit or panel")
    label: str
    met: bool


class CheckOut(Schema):
    key: str
    label: str
    recorded: bool


class ProposalOut(Schema):
    id: int
    child_id: str
    decision_type: str
    scheme_version: int
    status: str
    proposed_plan: str
    rationale: str
    proposer: str
    steps: list[StepOut]
    next_role: str | None
    gates: list[GateOut] | None = Field(
        None, description="Each gate as it stands for this child (one proposal's answers only)."
    )
    due_diligence: list[CheckOut] | None = Field(
        None, description="Each due-diligence item, recorded or not (one proposal's answers only)."
    )


class GateError(Schema):
    detail: str
    unmet_gates: list[str] = Field(
        default_factory=list, description="Gates that do not hold yet: audit, panel."
    )


def _out(proposal: Proposal) -> dict[str, Any]:
    waiting = services.next_step(proposal)
    return {
        "id": proposal.pk,
        "child_id": proposal.child.child_id,
        "decision_type": proposal.scheme.decision_type.slug,
        "scheme_version": proposal.scheme.version,
        "status": proposal.status,
        "proposed_plan": proposal.proposed_plan,
        "rationale": proposal.rationale,
        "proposer": proposal.proposer.username,
        "steps": [
            {
                "role": s["role"],
                "status": s["status"],
                "by": s["decision"].by.username if s["decision"] else None,
                "at": s["decision"].at if s["decision"] else None,
            }
            for s in services.steps(proposal)
        ],
        "next_role": waiting[1] if waiting else None,
    }


def _reload(request: HttpRequest, pk: int) -> dict[str, Any]:
    """One proposal with where its gates and due diligence stand, as its page shows them."""
    proposal = selectors.proposal_get_for_user(
        user=request.user, pk=pk, via=AccessEvent.Via.API, where=request.path
    )
    missing = {item["key"] for item in gates.unrecorded_checks(proposal)}
    return {
        **_out(proposal),
        "gates": [
            {"gate": g.gate, "label": g.label, "met": g.met}
            for g in gates.gate_standings(proposal=proposal)
        ],
        "due_diligence": [
            {"key": item["key"], "label": item["label"], "recorded": item["key"] not in missing}
            for item in proposal.scheme.checklist
        ],
    }


@router.post(
    "/proposals",
    response={201: ProposalOut, 403: Error, 404: Error, 409: Error, 422: Error},
    summary="Raise a proposal for a child",
)
def create_proposal(request: HttpRequest, payload: ProposalIn) -> Any:
    child = child_selectors.child_get_for_user(
        user=request.user, child_id=payload.child_id, via=AccessEvent.Via.API, where=request.path
    )
    proposal = services.proposal_create(
        child=child,
        decision_type=payload.decision_type,
        actor=request.user,
        proposed_plan=payload.proposed_plan,
        rationale=payload.rationale,
        checklist=payload.checklist,
    )
    return 201, _reload(request, proposal.pk)


class ProposalList(Schema):
    count: int
    items: list[ProposalOut]


class ProposalQuery(Schema):
    status: Literal["draft", "submitted", "approved", "rejected", "returned"] | None = None
    waiting_on_me: bool = Field(False, description="Only proposals whose next step you may take.")


@router.get(
    "/proposals",
    response={200: ProposalList},
    summary="Proposals about children you may see (at most 500, newest first)",
)
def list_proposals(request: HttpRequest, filters: Query[ProposalQuery]) -> Any:
    if filters.waiting_on_me:
        proposals = selectors.waiting_on(user=request.user)
    else:
        queryset = selectors.proposals_visible_to(request.user)
        if filters.status:
            queryset = queryset.filter(status=filters.status)
        proposals = list(queryset[:500])
    return {"count": len(proposals), "items": [_out(p) for p in proposals]}


@router.get(
    "/proposals/{proposal_id}", response={200: ProposalOut, 404: Error}, summary="One proposal"
)
def get_proposal(request: HttpRequest, proposal_id: int) -> Any:
    return _reload(request, proposal_id)


@router.post(
    "/proposals/{proposal_id}/submit",
    response={200: ProposalOut, 403: Error, 404: Error, 409: Error, 422: Error},
    summary="Submit a draft or returned proposal to its approvers",
)
def submit_proposal(request: HttpRequest, proposal_id: int) -> Any:
    proposal = selectors.proposal_get_for_user(
        user=request.user, pk=proposal_id, via=AccessEvent.Via.API, where=request.path
    )
    services.proposal_submit(proposal=proposal, actor=request.user)
    return 200, _reload(request, proposal_id)


@router.post(
    "/proposals/{proposal_id}/decisions",
    response={200: ProposalOut, 403: Error, 404: Error, 409: GateError, 422: Error},
    summary="Approve, return or reject the step waiting on you (the last approval with "
    "due-diligence items not recorded needs confirm_unrecorded_checks and a reason: 422 "
    "otherwise)",
)
def decide_proposal(request: HttpRequest, proposal_id: int, payload: DecisionIn) -> Any:
    proposal = selectors.proposal_get_for_user(
        user=request.user, pk=proposal_id, via=AccessEvent.Via.API, where=request.path
    )
    services.proposal_decide(
        proposal=proposal,
        decision=payload.decision,
        comment=payload.comment,
        confirm_unrecorded=payload.confirm_unrecorded_checks,
        unrecorded_reason=payload.unrecorded_reason,
        actor=request.user,
    )
    return 200, _reload(request, proposal_id)
