"""The quorum check, computed from attendance and the terms the meeting used."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from .models import PanelMember, PanelRole, TermsOfReference


@dataclass(frozen=True)
class Quorum:
    quorate: bool
    missing: list[str] = field(default_factory=list)
    present: dict[int, set[str]] = field(default_factory=dict)  # user pk -> panel roles

    @property
    def legal_adviser_present(self) -> bool:
        return any(PanelRole.LEGAL_ADVISER in roles for roles in self.present.values())


def quorum_for(
    *,
    terms: TermsOfReference,
    members: Iterable[PanelMember],
    attendee_ids: Iterable[int],
    on: dt.date,
) -> Quorum:
    """Whether the attendees make a quorum under `terms` on the day `on`. Only people who
    were members of the panel that day count; a person counts once, whatever their roles."""
    attending = set(attendee_ids)
    present: dict[int, set[str]] = {}
    for member in members:
        if member.user_id in attending and member.active_on(on):
            present.setdefault(member.user_id, set()).add(member.panel_role)
    missing: list[str] = []
    counted: set[int] = set()
    if terms.quorum_requires_chair:
        chair = _first_with(present, PanelRole.CHAIR, exclude=counted)
        if chair is None:
            missing.append("the chair")
        else:
            counted.add(chair)
    if terms.quorum_requires_legal_adviser:
        adviser = _first_with(present, PanelRole.LEGAL_ADVISER, exclude=counted)
        if adviser is None:
            missing.append("a legal adviser")
        else:
            counted.add(adviser)
    others = len(set(present) - counted)
    if others < terms.quorum_other_members:
        short = terms.quorum_other_members - others
        missing.append(f"{short} more member{'s' if short > 1 else ''}")
    return Quorum(quorate=not missing, missing=missing, present=present)


def _first_with(present: dict[int, set[str]], role: str, *, exclude: set[int]) -> int | None:
    for user_id in sorted(present):
        if user_id not in exclude and role in present[user_id]:
            return user_id
    return None
