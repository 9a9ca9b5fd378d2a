"""One shape for every workflow (audits, proposals, practice reviews, uploads): a table of
moves, each from a state by an action to a state, with who may make it and the guards it
must pass. A service asks its workflow for the move and gets one of the house's refusals
(core/errors.py), in the same words everywhere:

- a move the table does not have from this state: `NotNow` (409);
- a person the move is not for: `PermissionDenied` (403), naming who may;
- a guard that fails: the workflow's `guard_error` (409 for "not yet", 422 for missing
  input), with the guard's words. A guard may also raise its own refusal (a proposal's
  unmet gates, with the gates listed).

`who` is either a line of the permission table (core/access.PERMISSIONS), so that changing
the table changes the workflow, or words naming a person tied to the record ("the audit's
auditor"), checked by `may`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied

from . import access
from .errors import NotNow

Guard = Callable[[Any, dict[str, Any]], str]


@dataclass(frozen=True)
class Move:
    source: str
    action: str
    target: str
    who: str
    may: Callable[[Any, Any], bool] | None = None  # (user, record); None: `who`'s permission
    guards: tuple[Guard, ...] = ()
    # (user, record) -> why this person may not ("" if they may), for refusals that say more
    # than who may (a proposal's approver: "Nobody approves their own proposal.").
    why_not: Callable[[Any, Any], str] | None = None

    def allows(self, user: Any, record: Any) -> bool:
        if self.why_not is not None:
            return not self.why_not(user, record)
        if self.may is not None:
            return self.may(user, record)
        return access.can(user, self.who)

    def who_words(self) -> str:
        return access.who_may(self.who) if self.who in access.PERMISSIONS else self.who


@dataclass(frozen=True)
class Workflow:
    noun: str  # "audit", "proposal": for the refusals' words
    states: dict[str, str]  # state -> its label
    moves: tuple[Move, ...]
    refused: type[Exception] = NotNow
    forbidden: type[Exception] = PermissionDenied
    guard_error: type[Exception] = NotNow
    _by_pair: dict[tuple[str, str], Move] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        pairs: dict[tuple[str, str], Move] = {}
        for move in self.moves:
            unknown = {move.source, move.target} - set(self.states)
            if unknown:
                raise ValueError(f"{self.noun} workflow: unknown states {sorted(unknown)}")
            if (move.source, move.action) in pairs:
                raise ValueError(
                    f"{self.noun} workflow: two moves {move.action} from {move.source}"
                )
            pairs[(move.source, move.action)] = move
        object.__setattr__(self, "_by_pair", pairs)

    @property
    def actions(self) -> list[str]:
        return sorted({move.action for move in self.moves})

    def label(self, state: str) -> str:
        return self.states.get(state, repr(state)).lower()

    def find(self, *, state: str, action: str) -> Move | None:
        return self._by_pair.get((state, action))

    def allowed(self, *, state: str, record: Any, user: Any) -> list[Move]:
        """The moves this user may make from this state (guards not yet checked)."""
        return [m for m in self.moves if m.source == state and m.allows(user, record)]

    def check(
        self,
        *,
        state: str,
        action: str,
        record: Any,
        user: Any,
        params: dict[str, Any] | None = None,
        unknown: str = "",
    ) -> Move:
        """The move, or the refusal: not from this state, not this person, a guard failed."""
        move = self.find(state=state, action=action)
        if move is None:
            raise self.refused(
                unknown
                or f"{self._a()} that is {self.label(state)} cannot be {self._done(action)}."
            )
        refusal = self.refusal(move, user=user, record=record)
        if refusal:
            raise self.forbidden(refusal)
        for guard in move.guards:
            problem = guard(record, params or {})
            if problem:
                raise self.guard_error(problem)
        return move

    def refusal(self, move: Move, *, user: Any, record: Any) -> str:
        """Why this user may not make this move ("" if they may)."""
        if move.why_not is not None:
            return move.why_not(user, record)
        if move.allows(user, record):
            return ""
        return f"Only {move.who_words()} may {self._doing(move.action)}."

    def _a(self) -> str:
        return f"{'An' if self.noun[0] in 'aeiou' else 'A'} {self.noun}"

    def _doing(self, action: str) -> str:
        if action in self.states:
            return f"move this {self.noun} to {self.label(action)}"
        return f"{action} this {self.noun}"

    def _done(self, action: str) -> str:
        """An action's words after "cannot be": the target's label when the action is named
        by its target state (audits), else the action's own past ("submitted")."""
        if action in self.states:
            return f"moved to {self.label(action)}"
        return PAST.get(action, f"moved by {action!r}")


# The past of the actions workflows use, for refusals.
PAST = {
    "submit": "submitted",
    "approve": "approved",
    "return": "returned",
    "reject": "rejected",
    "conclude": "concluded",
    "reopen": "reopened",
    "check": "checked",
    "apply": "applied",
    "fail": "marked failed",
}
