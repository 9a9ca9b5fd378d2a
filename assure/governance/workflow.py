"""The deletion proposal's state machine: the one table of states, actions, who may take
them and the guards (core/workflow.py gives it its shape and its refusals).

| from     | action  | to       | who                                    | guards                 |
| -------- | ------- | -------- | -------------------------------------- | ---------------------- |
| proposed | approve | approved | `approve_deletion`, not the proposer   | no hold; still past it |
| proposed | reject  | rejected | `approve_deletion`, or the proposer    | (a reason: service)    |
| approved | delete  | deleted  | `approve_deletion`                     | no hold; still past it |
| approved | reject  | rejected | `approve_deletion`, or the proposer    | (a reason: service)    |

deleted and rejected are final: records still past their period are proposed again. Nothing
is deleted without an approval, and the approver is never the person who proposed. The
guards are asked again at deletion, inside its transaction: a hold placed, or a record or
rule changed, after the approval stops it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from assure.core import access, clock
from assure.core.errors import NotNow
from assure.core.workflow import Move, Workflow

from . import retention, selectors
from .models import DeletionItem, DeletionProposal

PROPOSED = DeletionProposal.Status.PROPOSED
APPROVED = DeletionProposal.Status.APPROVED
DELETED = DeletionProposal.Status.DELETED
REJECTED = DeletionProposal.Status.REJECTED
APPROVE, REJECT, DELETE = "approve", "reject", "delete"


class Refused(NotNow, ValidationError):
    """Not now (409): the move is not in the table, a child is held, or a record is no longer
    past its period. Shown on the page like any refusal."""


def _approver_refusal(user: Any, proposal: DeletionProposal) -> str:
    if not access.can(user, "approve_deletion"):
        return f"Only {access.who_may('approve_deletion')} may approve a deletion."
    if proposal is not None and user.pk == proposal.proposed_by_id:
        return "Nobody approves their own proposal: another person must approve it."
    return ""


def _may_reject(user: Any, proposal: DeletionProposal) -> bool:
    return access.can(user, "approve_deletion") or (
        proposal is not None and user.pk == proposal.proposed_by_id
    )


def no_hold(proposal: DeletionProposal, params: dict[str, Any]) -> str:
    """No child on the proposal is under a legal hold (the access log and import records
    leave out held children's entries when they are deleted)."""
    if proposal.kind not in retention.CHILD_KINDS:
        return ""
    held = selectors.proposal_held_count(proposal)
    if not held:
        return ""
    children = "child on this proposal is" if held == 1 else "children on this proposal are"
    return (
        f"{held} {children} under a legal hold: nothing may be deleted while it stands. "
        "Reject the proposal, or wait until the hold is lifted."
    )


def still_due(proposal: DeletionProposal, params: dict[str, Any]) -> str:
    """Every record on the proposal is still past its period under the rules in force today
    (a record may have changed, or a rule been lengthened, since it was proposed)."""
    today = clock.today()
    years = selectors.years_of(selectors.current_rules())
    if proposal.kind in retention.CHILD_KINDS:
        items = DeletionItem.objects.filter(proposal=proposal)
        pks = list(items.values_list("child_id", flat=True))
        due = {c.pk for c in selectors.children_past_retention(on=today, years=years, pks=pks)}
        late = len(set(pks) - due)
        if late:
            records = "record on this proposal is" if late == 1 else "records on this proposal are"
            return (
                f"{late} {records} no longer past the retention period (the record or the "
                "rule has changed): reject the proposal and propose again."
            )
        return ""
    if proposal.cutoff and proposal.cutoff > retention.cutoff(years[proposal.kind].years, today):
        return (
            "The retention rule has been lengthened since this was proposed: reject the "
            "proposal and propose again."
        )
    return ""


WORKFLOW = Workflow(
    noun="deletion proposal",
    states=dict(DeletionProposal.Status.choices),
    moves=(
        Move(
            PROPOSED,
            APPROVE,
            APPROVED,
            "approve_deletion",
            why_not=_approver_refusal,
            guards=(no_hold, still_due),
        ),
        Move(
            PROPOSED,
            REJECT,
            REJECTED,
            "the proposer or whoever may approve a deletion",
            may=_may_reject,
        ),
        Move(APPROVED, DELETE, DELETED, "approve_deletion", guards=(no_hold, still_due)),
        Move(
            APPROVED,
            REJECT,
            REJECTED,
            "the proposer or whoever may approve a deletion",
            may=_may_reject,
        ),
    ),
    refused=Refused,
    guard_error=Refused,
)


def offered(*, user: Any, proposal: DeletionProposal) -> set[str]:
    """The moves of this proposal the workflow's table offers this person now (its guards
    are checked when a move is made): the page's buttons and the home page's work."""
    return {m.action for m in WORKFLOW.allowed(state=proposal.status, record=proposal, user=user)}
