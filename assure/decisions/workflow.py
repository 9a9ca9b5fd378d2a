"""The proposal state machine: the one table of states, actions and who may take them.

| from      | action  | to                               | who                                |
| --------- | ------- | -------------------------------- | ---------------------------------- |
| draft     | submit  | submitted                        | the proposer                       |
| returned  | submit  | submitted (the chain starts again) | the proposer                     |
| submitted | approve | submitted, or approved at the last step | the next approver with authority |
| submitted | return  | returned                         | the next approver with authority   |
| submitted | reject  | rejected                         | the next approver with authority   |

approved and rejected are final: a new proposal supersedes. Anything else is refused.
"""

from .models import Status

SUBMIT, APPROVE, RETURN, REJECT = "submit", "approve", "return", "reject"

TRANSITIONS: dict[tuple[str, str], str] = {
    (Status.DRAFT, SUBMIT): Status.SUBMITTED,
    (Status.RETURNED, SUBMIT): Status.SUBMITTED,
    (Status.SUBMITTED, APPROVE): Status.SUBMITTED,  # APPROVED when it is the last step
    (Status.SUBMITTED, RETURN): Status.RETURNED,
    (Status.SUBMITTED, REJECT): Status.REJECTED,
}

FINAL = frozenset({Status.APPROVED, Status.REJECTED})
EDITABLE = frozenset({Status.DRAFT, Status.SUBMITTED, Status.RETURNED})
MATERIAL_FIELDS = ("proposed_plan", "rationale", "checklist", "documents")


def next_status(current: str, action: str) -> str | None:
    return TRANSITIONS.get((current, action))
