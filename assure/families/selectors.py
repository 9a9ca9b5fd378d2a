"""Reads of families, always through the access policy: a family shows only the children the
user may see, and a family with none of them answers 404 exactly like one that does not exist.
Nothing here counts, names or hints at a child the user may not see."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet, Subquery
from django.http import Http404

from assure.children.care.periods import current_episode_subquery, looked_after_exists
from assure.children.care.plans import plan_at_subquery
from assure.children.models import SGOAssessment
from assure.core import access, clock

from . import chronology
from .models import Family, FamilyMember


def _visible_members(user: Any) -> QuerySet[FamilyMember]:
    return FamilyMember.objects.filter(access.child_visibility_q(user, prefix="child__"))


def families_for(*, user: Any, search: str = "") -> QuerySet[Family]:
    """Families with at least one child the user may see, each with `visible_members`."""
    visible = _visible_members(user)
    families = Family.objects.filter(pk__in=visible.values("family_id"))
    term = search.strip()
    if term:
        by_child = visible.filter(child__child_id__iexact=term).values("family_id")
        families = families.filter(
            Q(family_id__icontains=term) | Q(name__icontains=term) | Q(pk__in=by_child)
        )
    return families.prefetch_related(
        Prefetch(
            "members",
            queryset=visible.select_related("child").order_by("child__child_id"),
            to_attr="visible_members",
        )
    ).order_by("family_id")


def _latest_episode(value: str, on: dt.date) -> Subquery:
    """A field of the episode that says where the member stands on `on` (care.periods)."""
    return current_episode_subquery(on, value, "child_id")


def family_get_for_user(*, user: Any, family_id: str) -> tuple[Family, list[FamilyMember]]:
    """The family and its visible members, each annotated with the child's legal status,
    placement, care status and permanence plan today. 404 when none is visible."""
    today = clock.today()
    members = list(
        _visible_members(user)
        .filter(family__family_id=family_id)
        .select_related("family", "child", "child__team")
        .annotate(
            legal_status=_latest_episode("legal_status", today),
            placement_type=_latest_episode("placement_type", today),
            episode_end=_latest_episode("end_date", today),
            reason_ceased=_latest_episode("reason_ceased", today),
            looked_after=looked_after_exists(today, "child_id"),
            plan=plan_at_subquery(today, "plan", "child_id"),
            parallel_plan=plan_at_subquery(today, "parallel_plan", "child_id"),
            plan_agreed=plan_at_subquery(today, "agreed_date", "child_id"),
        )
        .order_by("child__child_id")
    )
    if not members:
        raise Http404("No family with that identifier")
    return members[0].family, members


def family_record_access(
    *, user: Any, family: Family, children: Sequence[Any], via: str, where: str
) -> None:
    """Log one read of each child's record, in one query whatever the family's size."""
    access.record_accesses(
        user=user,
        child_pks=[child.pk for child in children],
        via=via,
        where=where,
        detail={"family_id": family.family_id},
    )


@dataclass(frozen=True)
class ChronologyFilter:
    child_id: str = ""
    kinds: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def family_chronology(
    *,
    children: Sequence[Any],
    user: Any = None,
    filters: ChronologyFilter = ChronologyFilter(),
) -> list[chronology.ChronologyEvent]:
    """The merged chronology of these (visible) children, from the sources this user may
    read (without a user, only the sources anyone who sees the children may read). A child
    filter naming a child who is not among them matches nothing."""
    child_pk = None
    if filters.child_id:
        child_pk = next((c.pk for c in children if c.child_id == filters.child_id), -1)
    return chronology.build(
        children=children,
        user=user,
        child_pk=child_pk,
        kinds_wanted=filters.kinds,
        date_from=filters.date_from,
        date_to=filters.date_to,
    )


@dataclass
class Carer:
    """A prospective special guardian or carer and the assessments of them for the visible
    children of a family. Assessments with the same carer ID are one person; an assessment
    without a carer ID is its own carer, known by name only."""

    carer_id: str
    name: str
    relationship: str
    other_names: list[str]
    assessments: list[SGOAssessment]  # each with `.child` one of the visible children

    @property
    def children(self) -> list[Any]:
        seen: dict[int, Any] = {}
        for assessment in self.assessments:
            seen.setdefault(assessment.child_id, assessment.child)
        return list(seen.values())


def family_carers(*, children: Sequence[Any]) -> list[Carer]:
    """The people assessed as prospective special guardians for these (visible) children, in
    one query whatever their number. Only these children's assessments are read, so a
    restricted sibling's assessments of the same person leave no trace."""
    by_pk = {c.pk: c for c in children}
    if not by_pk:
        return []
    assessments = SGOAssessment.objects.filter(child_id__in=by_pk).order_by(
        F("start_date").asc(nulls_last=True), "pk"
    )
    groups: dict[tuple[str, Any], list[SGOAssessment]] = {}
    for assessment in assessments:
        assessment.child = by_pk[assessment.child_id]
        key = ("id", assessment.carer_id) if assessment.carer_id else ("one", assessment.pk)
        groups.setdefault(key, []).append(assessment)
    carers = []
    for items in groups.values():
        latest = items[-1]
        names = list(dict.fromkeys(a.carer_name for a in reversed(items)))
        carers.append(
            Carer(
                carer_id=latest.carer_id,
                name=latest.carer_name,
                relationship=latest.get_relationship_display(),
                other_names=names[1:],
                assessments=items,
            )
        )
    return sorted(carers, key=lambda c: (c.name.lower(), c.carer_id, c.assessments[0].pk))


def memberships_for_child(*, child: Any) -> list[FamilyMember]:
    """The families of a child already shown to the user (the child's own page)."""
    return list(
        FamilyMember.objects.filter(child=child)
        .select_related("family")
        .order_by("family__family_id")
    )


def children_of(members: Iterable[FamilyMember]) -> list[Any]:
    return [m.child for m in members]
