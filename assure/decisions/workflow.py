"""The proposal state machine: the one table of states, actions, who may take them and the
guards (core/workflow.py gives it its shape and its refusals).

| from      | action  | to                                 | who       | guards             |
| --------- | ------- | ---------------------------------- | --------- | ------------------ |
| draft     | submit  | submitted                          | proposer  |                    |
| returned  | submit  | submitted (the chain starts again) | proposer  |                    |
| submitted | approve | submitted; approved at last step   | approver  | last step: gates,  |
|           |         |                                    |           | due diligence      |
| submitted | return  | returned                           | approver  | a comment says why |
| submitted | reject  | rejected                           | approver  | a comment says why |

The approver is the next approver with authority: one who holds, under the scheme of
delegation, the role the waiting step names over the child's team (core/access.authority_of),
and is neither the proposer nor an approver of an earlier step of this round. The last
approval needs the gates met, and every due-diligence item recorded or, for those that are
not, the approver's explicit confirmation with a reason (recorded). approved and
rejected are final: a new proposal supersedes. Anything else is refused (409).
"""

from typing import Any

from django.core.exceptions import ValidationError

from assure.core import access
from assure.core.errors import NotNow
from assure.core.workflow import Move, Workflow

from .models import Decision, Proposal, Status

SUBMIT, APPROVE, RETURN, REJECT = "submit", "approve", "return", "reject"

FINAL = frozenset({Status.APPROVED, Status.REJECTED})
EDITABLE = frozenset({Status.DRAFT, Status.SUBMITTED, Status.RETURNED})
MATERIAL_FIELDS = ("proposed_plan", "rationale", "checklist", "documents")


class TransitionRefused(NotNow, ValidationError):
    """The transition table does not allow this now (409)."""


class GatesUnmet(NotNow, ValidationError):
    """A gate does not hold yet (409, with the gates)."""

    def __init__(self, gates: list[str]) -> None:
        self.gates = gates
        super().__init__(
            f"Not yet: {', '.join(gates)} gate{'s' if len(gates) > 1 else ''} unmet.",
            unmet_gates=gates,
        )


def current_decisions(proposal: Proposal) -> list[Decision]:
    """This round's decisions, from prefetched `decisions` when they are there."""
    return sorted(
        (d for d in proposal.decisions.all() if d.round == proposal.round), key=lambda d: d.step
    )


def next_step(proposal: Proposal) -> tuple[int, str] | None:
    """The step waiting for a decision, if the proposal is with the approvers."""
    if proposal.status != Status.SUBMITTED:
        return None
    done = len([d for d in current_decisions(proposal) if d.decision == Decision.Kind.APPROVE])
    chain = proposal.scheme.chain
    return (done, chain[done]) if done < len(chain) else None


def at_last_step(proposal: Proposal) -> bool:
    waiting = next_step(proposal)
    return waiting is not None and waiting[0] == len(proposal.scheme.chain) - 1


def refusal_for(
    *, proposal: Proposal, actor: Any, authority: access.Authority | None = None
) -> str | None:
    """Why this person may not decide the waiting step, or None if they may (`authority`:
    theirs, when already worked out for a list)."""
    waiting = next_step(proposal)
    if waiting is None:
        return "No step is waiting for a decision."
    index, role = waiting
    if actor.pk == proposal.proposer_id:
        return "Nobody approves their own proposal."
    if any(d.by_id == actor.pk for d in current_decisions(proposal)):
        return "Nobody decides two steps of one chain."
    authority = authority or access.authority_of(actor)
    if not authority.covers(role=role, team_id=proposal.child.team_id):
        return f"This step needs a {role.replace('_', ' ')} over the child's team."
    return None


def _is_proposer(user: Any, proposal: Proposal) -> str:
    return "" if user.pk == proposal.proposer_id else "Only the proposer submits a proposal."


def _next_approver(user: Any, proposal: Proposal) -> str:
    return refusal_for(proposal=proposal, actor=user) or ""


def _says_why(proposal: Proposal, params: dict[str, Any]) -> str:
    if (params.get("comment") or "").strip():
        return ""
    return "Say why in a comment when you return or reject."


def _gates_met_at_last_step(proposal: Proposal, params: dict[str, Any]) -> str:
    from .gates import unmet_gates

    if at_last_step(proposal):
        unmet = unmet_gates(proposal=proposal)
        if unmet:
            raise GatesUnmet(unmet)
    return ""


class ChecksNotRecorded(ValidationError):
    """A last approval with due-diligence items not recorded, not confirmed with a reason
    (422, with the items)."""

    def __init__(self, items: list[dict[str, str]]) -> None:
        self.items = items
        labels = "; ".join(item["label"] for item in items)
        super().__init__(
            f"Not recorded: {labels}. To approve without "
            f"{'it' if len(items) == 1 else 'them'}, confirm it and say why."
        )


def _checks_recorded_or_confirmed(proposal: Proposal, params: dict[str, Any]) -> str:
    from .gates import unrecorded_checks

    if not at_last_step(proposal):
        return ""
    missing = unrecorded_checks(proposal)
    if missing and not (
        params.get("confirm_unrecorded") and (params.get("unrecorded_reason") or "").strip()
    ):
        raise ChecksNotRecorded(missing)
    return ""


PROPOSER = "the proposer"
APPROVER = "the next approver with authority over the child's team"

WORKFLOW = Workflow(
    noun="proposal",
    states=dict(Status.choices),
    moves=(
        Move(Status.DRAFT, SUBMIT, Status.SUBMITTED, PROPOSER, why_not=_is_proposer),
        Move(Status.RETURNED, SUBMIT, Status.SUBMITTED, PROPOSER, why_not=_is_proposer),
        Move(
            Status.SUBMITTED,
            APPROVE,
            Status.SUBMITTED,  # APPROVED at the last step
            APPROVER,
            why_not=_next_approver,
            guards=(_gates_met_at_last_step, _checks_recorded_or_confirmed),
        ),
        Move(
            Status.SUBMITTED,
            RETURN,
            Status.RETURNED,
            APPROVER,
            why_not=_next_approver,
            guards=(_says_why,),
        ),
        Move(
            Status.SUBMITTED,
            REJECT,
            Status.REJECTED,
            APPROVER,
            why_not=_next_approver,
            guards=(_says_why,),
        ),
    ),
    refused=TransitionRefused,
    guard_error=ValidationError,
)


def next_status(current: str, action: str) -> str | None:
    move = WORKFLOW.find(state=current, action=action)
    return move.target if move else None
