"""The header's search: a child by name or ID, a family by name or ID, a proposal by its
number, all through the one access policy (a record the person may not see is simply not
found, exactly as one that does not exist).

Each child a result shows (a child found, the children of a family found, the child of a
proposal found) counts as a read of that child's record and is logged like any other read,
with the words searched for, in one bulk insert whatever the number of results.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q

from assure.core import access

# Enough to find someone; a search that matches more wants more letters.
MAX_CHILDREN = 25
MAX_FAMILIES = 10
MAX_PROPOSALS = 10
MAX_TERM = 100


@dataclass
class SearchResults:
    children: list[Any] = field(default_factory=list)
    families: list[Any] = field(default_factory=list)
    proposals: list[Any] = field(default_factory=list)
    more_children: bool = False

    @property
    def count(self) -> int:
        return len(self.children) + len(self.families) + len(self.proposals)


def _children(user: Any, term: str) -> list[Any]:
    """By ID (exactly or its start) or by name: every word must be in the first or last
    name, so "amelia hart" finds Amelia Hart."""
    words = term.split()
    by_name = Q()
    for word in words:
        by_name &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    by_id = Q(child_id__iexact=term) | Q(child_id__istartswith=term)
    return list(
        access.visible_children(user)
        .filter(by_id | by_name)
        .select_related("team")
        .order_by("last_name", "first_name", "child_id")[: MAX_CHILDREN + 1]
    )


def _families(user: Any, term: str) -> list[Any]:
    from assure.families.models import Family, FamilyMember

    visible = FamilyMember.objects.filter(access.child_visibility_q(user, prefix="child__"))
    families = Family.objects.filter(pk__in=visible.values("family_id")).filter(
        Q(family_id__iexact=term) | Q(family_id__istartswith=term) | Q(name__icontains=term)
    )
    return list(
        families.prefetch_related(
            Prefetch(
                "members",
                queryset=visible.select_related("child").order_by("child__child_id"),
                to_attr="visible_members",
            )
        ).order_by("family_id")[:MAX_FAMILIES]
    )


def _proposals(user: Any, term: str) -> list[Any]:
    """A proposal by its number ("12", "P12" or "#12")."""
    from assure.decisions.models import Proposal

    number = term.lstrip("#").removeprefix("P").removeprefix("p").strip()
    if not number.isdigit() or len(number) > 12:
        return []
    return list(
        Proposal.objects.filter(access.child_visibility_q(user, "child__"), pk=int(number))
        .select_related("scheme__decision_type", "child")
        .order_by("pk")[:MAX_PROPOSALS]
    )


def search_for(*, user: Any, term: str, via: str, where: str) -> SearchResults:
    """What this person may see that matches, with every child shown logged as read."""
    term = term.strip()[:MAX_TERM]
    if not term:
        return SearchResults()
    children = _children(user, term)
    results = SearchResults(
        children=children[:MAX_CHILDREN],
        more_children=len(children) > MAX_CHILDREN,
        families=_families(user, term),
        proposals=_proposals(user, term),
    )
    shown = {child.pk for child in results.children}
    shown |= {m.child_id for family in results.families for m in family.visible_members}
    shown |= {proposal.child_id for proposal in results.proposals}
    access.record_accesses(
        user=user, child_pks=sorted(shown), via=via, where=where, detail={"search": term}
    )
    return results
