"""The priority queue for SGO audits at a date D (issue 5 item 2; DOMAIN.md section 4).

The order is where each child stands on the way to an SGO at D, by the care-history rules
(`children.care.sgo.sgo_stage`), which the tracker works out for every child on it:
- tier 1: looked after at D, with an SGO application before the court, or open proceedings
  and a plan (or parallel plan) that includes an SGO; next hearing on or after D, soonest
  first (none listed: last);
- tier 2: looked after, a full SGO assessment completed on or before D with a positive
  recommendation; earliest completion first;
- tier 3: looked after, a full SGO assessment in progress at D; earliest start first;
- tier 4: looked after, the plan or parallel plan in force at D includes an SGO; by the date
  it was agreed;
- tier 5, whether or not looked after: left care through an SGO (REC E43 to E48) after the
  same calendar date a year before D and on or before D; the latest such exit.

Ties break by child ID. Left out: a child with an audit that is not closed, and one whose last
audit closed within the last N days (AuditSettings.recent_closure_days, 90 by default):
closed on a day after D - N.

The queue reads the tracker's snapshot at D (`tracker/snapshot.py`), so it is one query over
the access policy whatever the number of children, and can never disagree with the tracker.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, overload
from urllib.parse import urlencode

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery

from assure.children.care import proceedings as court
from assure.children.care.periods import looked_after_exists, open_on_q
from assure.children.care.plans import plan_at_subquery
from assure.children.care.sgo import STAGE_REASONS
from assure.children.models import Child, Episode, Proceedings, SGOAssessment
from assure.core import access
from assure.core.gc_pause import gc_paused

from .models import Audit, AuditSettings, Status

TIER_REASONS = dict(STAGE_REASONS)
TIER_MODES = {1: "paper", 2: "collaborative", 3: "collaborative", 4: "paper", 5: "paper"}
TIER_TEMPLATES = {
    1: "sgo-before-court",
    2: "sgo-before-court",
    3: "sgo-before-court",
    4: "permanence-planning",
    5: "sgo-support-review",
}


@dataclass(frozen=True)
class QueueItem:
    """A child's place in the queue. `child` (with team and worker) is filled in only for
    the items shown or acted on (`with_children`): a country's queue is 11,000 children."""

    child_pk: int
    child_id: str
    tier: int
    key_date: dt.date | None
    child: Child | None = None

    @property
    def reason(self) -> str:
        return TIER_REASONS[self.tier]

    @property
    def suggested_mode(self) -> str:
        return TIER_MODES[self.tier]

    @property
    def suggested_template(self) -> str:
        return TIER_TEMPLATES[self.tier]


def _busy(on: dt.date, recent_days: int, outer: str = "pk") -> Exists:
    """An audit of the child as things stood at D: made by D, and open then (not closed, or
    closed after D) or closed within the recent days before it. An audit made after D does
    not take a child off D's queue."""
    cutoff = on - dt.timedelta(days=recent_days)
    return Exists(
        Audit.objects.filter(child=OuterRef(outer), created_at__date__lte=on).filter(
            ~Q(status=Status.CLOSED) | Q(closed_at__date__gt=cutoff)
        )
    )


def _recent_days(recent_days: int | None) -> int:
    if recent_days is None:
        return AuditSettings.objects.get_or_create(pk=1)[0].recent_closure_days
    return recent_days


def queue_entries(
    *, user: Any, on: dt.date, recent_days: int | None = None, tier: int | None = None
) -> list[QueueItem]:
    """The queue at D, in priority order, over the children this user may see, without the
    children's records (one query over the tracker's snapshot, whatever its length)."""
    from assure.tracker.models import SnapshotRow
    from assure.tracker.snapshot import snapshot_for

    snapshot = snapshot_for(on)
    rows = (
        SnapshotRow.objects.filter(snapshot=snapshot, sgo_stage__isnull=False)
        .filter(access.child_visibility_q(user, "child__"))
        .exclude(_busy(on, _recent_days(recent_days), "child_id"))
        .order_by("sgo_stage", F("sgo_stage_date").asc(nulls_last=True), "child__child_id")
    )
    if tier is not None:
        rows = rows.filter(sgo_stage=tier)
    return [
        QueueItem(child_pk=pk, child_id=child_id, tier=stage, key_date=key)
        for pk, child_id, stage, key in rows.values_list(
            "child_id", "child__child_id", "sgo_stage", "sgo_stage_date"
        )
    ]


def with_children(items: list[QueueItem]) -> list[QueueItem]:
    """The same items with their children's records (team and worker): one query."""
    children = Child.objects.select_related("team", "worker").in_bulk([i.child_pk for i in items])
    return [replace(i, child=children[i.child_pk]) for i in items if i.child_pk in children]


def priority_queue(*, user: Any, on: dt.date, recent_days: int | None = None) -> list[QueueItem]:
    """The whole queue at D with the children's records."""
    return with_children(queue_entries(user=user, on=on, recent_days=recent_days))


# --- further areas, after the SGO priority order (DOMAIN.md section 4, "later areas") -----

FURTHER_AREAS = {
    6: ("Placed with parents", "placement-with-parents", "paper"),
    7: ("Revocation of the care order planned", "permanence-planning", "paper"),
}
TIER_REASONS.update({tier: reason for tier, (reason, _, _) in FURTHER_AREAS.items()})
TIER_TEMPLATES.update({tier: template for tier, (_, template, _) in FURTHER_AREAS.items()})
TIER_MODES.update({tier: mode for tier, (_, _, mode) in FURTHER_AREAS.items()})


def further_area(
    *, user: Any, on: dt.date, area: int, recent_days: int | None = None
) -> list[QueueItem]:
    """Children for a later strand at D, oldest key date first, ties by child ID, leaving out
    the same children the queue does:
    - 6: looked after at D in a placement with parents (PLACE P1); key date: that episode's
      start;
    - 7: looked after at D with a current plan to revoke the care order; key date: the date
      the plan was agreed."""
    if area not in FURTHER_AREAS:
        raise ValueError(f"Unknown further area {area}")
    recent_days = _recent_days(recent_days)
    open_episode = Episode.objects.filter(open_on_q(on), child=OuterRef("pk"))
    children = (
        access.visible_children(user)
        .annotate(busy=_busy(on, recent_days))
        .filter(busy=False)
        .select_related("team", "worker")
    )
    if area == 6:
        children = children.annotate(
            key=Subquery(
                open_episode.filter(placement_type="P1")
                .order_by("-start_date")
                .values("start_date")[:1]
            )
        )
    else:
        children = children.annotate(
            la=looked_after_exists(on),
            plan=plan_at_subquery(on, "plan"),
            key=plan_at_subquery(on, "agreed_date"),
        ).filter(la=True, plan="revocation")
    return [
        QueueItem(child_pk=c.pk, child_id=c.child_id, tier=area, key_date=c.key, child=c)
        for c in children.filter(key__isnull=False).order_by("key", "child_id")
    ]


# --- siblings audited together -------------------------------------------------------------


@dataclass
class QueueGroup:
    """Children in the queue shown together: siblings who share open proceedings or a
    prospective special guardian (a group of one is a child on their own)."""

    items: list[QueueItem]
    proceedings: list[str]
    shared_carer: bool = False

    @property
    def is_group(self) -> bool:
        return len(self.items) > 1

    @property
    def reason(self) -> str:
        """Why these children are together, as "share proceedings X and a prospective
        special guardian"."""
        parts = []
        if self.proceedings:
            parts.append("share proceedings " + ", ".join(self.proceedings))
        if self.shared_carer:
            parts.append(
                "share a prospective special guardian"
                if not parts
                else "a prospective special guardian"
            )
        return " and ".join(parts)

    @property
    def children(self) -> list[Child]:
        return [i.child for i in self.items if i.child is not None]

    @property
    def allocate_query(self) -> str:
        """The query string that starts a family audit of this group."""
        return urlencode(
            {"children": [i.child_id for i in self.items], "reason": self.reason}, doseq=True
        )


def groups_with_children(groups: list[QueueGroup]) -> list[QueueGroup]:
    """The groups with their children's records, in one query for them all."""
    items = with_children([i for g in groups for i in g.items])
    by_pk = {i.child_pk: i for i in items}
    return [
        replace(g, items=[by_pk[i.child_pk] for i in g.items if i.child_pk in by_pk])
        for g in groups
    ]


class SiblingGroups(Sequence[QueueGroup]):
    """The queue's groups in order, each made only when asked for: a country's queue is 8,000
    groups, a page shows 100, and the count and paging need only where each group starts."""

    def __init__(
        self,
        *,
        items: list[QueueItem],
        members: dict[int, list[int]],
        proceedings_of: dict[int, set[str]],
        carer_shared: set[int],
    ) -> None:
        self._items = items
        self._members = members  # a group's first position -> every position in it
        self._proceedings_of = proceedings_of  # by position
        self._carer_shared = carer_shared  # positions
        later = {n for positions in members.values() for n in positions[1:]}
        self._starts = [n for n in range(len(items)) if n not in later]

    def __len__(self) -> int:
        return len(self._starts)

    @overload
    def __getitem__(self, index: int) -> QueueGroup: ...

    @overload
    def __getitem__(self, index: slice) -> list[QueueGroup]: ...

    def __getitem__(self, index: int | slice) -> QueueGroup | list[QueueGroup]:
        if isinstance(index, slice):
            return [self._group(n) for n in self._starts[index]]
        return self._group(self._starts[index])

    def _group(self, start: int) -> QueueGroup:
        positions = self._members.get(start)
        if positions is None:
            return QueueGroup(items=[self._items[start]], proceedings=[])
        return QueueGroup(
            items=[self._items[n] for n in positions],
            proceedings=sorted(set().union(*(self._proceedings_of.get(n, ()) for n in positions))),
            shared_carer=any(n in self._carer_shared for n in positions),
        )


def _shared(links: Iterable[tuple[str, int]], position: dict[int, int]) -> dict[str, list[int]]:
    """Each key (proceedings or carer ID) that two or more queued children share, with their
    positions in the queue, in order."""
    by_key: dict[str, set[int]] = {}
    for key, child_pk in links:
        n = position.get(child_pk)
        if n is not None:
            by_key.setdefault(key, set()).add(n)
    return {key: sorted(ns) for key, ns in by_key.items() if len(ns) > 1}


def _queue_links(*, on: dt.date) -> tuple[QuerySet, QuerySet]:
    """(proceedings ID, child) for proceedings open at D and (carer ID, child) for SGO
    assessments with a carer ID, read only for the children any queue at D is drawn from
    (those with an SGO stage on the tracker's snapshot at D): every child's links cost more
    than the queue itself at a country's scale. The caller keeps only the queue's children."""
    from assure.tracker.models import SnapshotRow
    from assure.tracker.snapshot import snapshot_for

    drawn_from = SnapshotRow.objects.filter(
        snapshot=snapshot_for(on), sgo_stage__isnull=False
    ).values("child_id")
    proceedings = (
        Proceedings.children.through.objects.filter(
            court.open_on_q(on, "proceedings__"), child_id__in=drawn_from
        )
        .order_by()
        .values_list("proceedings__proceedings_id", "child_id")
    )
    carers = (
        SGOAssessment.objects.exclude(carer_id="")
        .filter(child_id__in=drawn_from)
        .order_by()
        .values_list("carer_id", "child_id")
    )
    return proceedings, carers


def _joined(shared: Iterable[list[int]]) -> dict[int, list[int]]:
    """Positions joined into groups wherever two lists share one: each group of two or more by
    its first position, with its positions in order."""
    parent: dict[int, int] = {}

    def root(n: int) -> int:
        while parent.setdefault(n, n) != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for ns in shared:
        first = root(ns[0])
        for n in ns[1:]:
            parent[root(n)] = first
    members: dict[int, list[int]] = {}
    for n in sorted(parent):
        members.setdefault(root(n), []).append(n)
    return {ns[0]: ns for ns in members.values()}


@gc_paused()  # tens of thousands of links, no cycles: see core.gc_pause
def sibling_groups(*, items: list[QueueItem], on: dt.date) -> SiblingGroups:
    """The queue at D (`queue_entries`, a user's) with siblings together: children who share
    open proceedings at D, or who have SGO assessments of the same prospective special
    guardian (the same non-blank carer ID). Groups are joined when they overlap; each group
    takes the place of its most urgent child, its children in queue order. Only children in
    the queue (so only children its user may see) are ever grouped or named. The same few
    queries whatever its length; the groups themselves are made as they are read."""
    if not items:
        return SiblingGroups(items=[], members={}, proceedings_of={}, carer_shared=set())
    position = {item.child_pk: n for n, item in enumerate(items)}
    proceedings_links, carer_links = _queue_links(on=on)
    shared_proceedings = _shared(proceedings_links, position)
    shared_carers = _shared(carer_links, position)
    proceedings_of: dict[int, set[str]] = {}
    for key, ns in shared_proceedings.items():
        for n in ns:
            proceedings_of.setdefault(n, set()).add(key)
    return SiblingGroups(
        items=items,
        members=_joined([*shared_proceedings.values(), *shared_carers.values()]),
        proceedings_of=proceedings_of,
        carer_shared=set().union(*shared_carers.values()),
    )
