"""The priority queue for SGO audits at a date D (issue 5 item 2; DOMAIN.md section 4).

Over children looked after at D:
- tier 1: open proceedings where the application is for an SGO or the current permanence
  plan is `sgo`; next hearing on or after D, soonest first (none listed: last);
- tier 2: a full SGO assessment completed on or before D with a positive recommendation;
  earliest completion first;
- tier 3: a full SGO assessment started on or before D and not completed by D; earliest start
  first;
- tier 4: current (latest agreed on or before D) plan or parallel plan `sgo`; by date agreed.
Whether or not looked after at D:
- tier 5: ceased care through an SGO (REC E43 to E48) after the same calendar date a year
  before D and on or before D; earliest exit first.

Each child takes the first tier it meets. Ties break by child ID. Left out: a child with an
audit that is not closed, and one whose last audit closed within the last N days
(AuditSettings.recent_closure_days, 90 by default): closed on a day after D - N.

Proceedings are open at D when issued on or before D (or issue date not recorded) and either
still open or concluded after D.

The whole queue is one annotated query over the access policy.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)

from assure.children.codes import SGO_EXIT_CODES
from assure.children.models import (
    Child,
    Episode,
    Hearing,
    PermanencePlan,
    Proceedings,
    SGOAssessment,
)
from assure.children.selectors import looked_after_on
from assure.core import access

from .models import Audit, AuditSettings, Status

TIER_REASONS = {
    1: "SGO application before the court",
    2: "Full SGO assessment completed with a positive recommendation",
    3: "Full SGO assessment in progress",
    4: "Permanence plan includes an SGO",
    5: "Left care through an SGO in the last 12 months",
}
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
    child: Child
    tier: int
    key_date: dt.date | None

    @property
    def reason(self) -> str:
        return TIER_REASONS[self.tier]

    @property
    def suggested_mode(self) -> str:
        return TIER_MODES[self.tier]

    @property
    def suggested_template(self) -> str:
        return TIER_TEMPLATES[self.tier]


def year_before(day: dt.date) -> dt.date:
    """The same calendar date a year earlier (29 February falls back to the 28th)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _open_proceedings(on: dt.date) -> QuerySet:
    return (
        Proceedings.objects.filter(children=OuterRef("pk"))
        .filter(Q(issue_date__isnull=True) | Q(issue_date__lte=on))
        .filter(Q(status="open") | Q(concluded_date__gt=on))
    )


def _current_plan(on: dt.date, field: str) -> Subquery:
    return Subquery(
        PermanencePlan.objects.filter(child=OuterRef("pk"), agreed_date__lte=on)
        .order_by("-agreed_date", "-id")
        .values(field)[:1]
    )


def _aggregate(qs: QuerySet, agg: Any, field: str) -> Subquery:
    return Subquery(
        qs.order_by().annotate(_g=F("child_id")).values("_g").annotate(v=agg(field)).values("v")[:1]
    )


def _hearing_subquery(on: dt.date) -> Subquery:
    open_ids = Proceedings.objects.filter(
        Q(issue_date__isnull=True) | Q(issue_date__lte=on),
        Q(status="open") | Q(concluded_date__gt=on),
        children=OuterRef(OuterRef("pk")),
    ).values("pk")
    return Subquery(
        Hearing.objects.filter(proceedings__in=open_ids, hearing_date__gte=on)
        .order_by("hearing_date")
        .values("hearing_date")[:1]
    )


def _busy(on: dt.date, recent_days: int) -> Exists:
    cutoff = on - dt.timedelta(days=recent_days)
    return Exists(
        Audit.objects.filter(child=OuterRef("pk")).filter(
            ~Q(status=Status.CLOSED) | Q(closed_at__date__gt=cutoff)
        )
    )


def queue_candidates(*, user: Any, on: dt.date, recent_days: int) -> QuerySet[Child]:
    full = SGOAssessment.objects.filter(child=OuterRef("pk"), stage="full")
    exits = Episode.objects.filter(
        child=OuterRef("pk"),
        reason_ceased__in=sorted(SGO_EXIT_CODES),
        end_date__gt=year_before(on),
        end_date__lte=on,
    )
    return (
        access.visible_children(user)
        .annotate(
            la=looked_after_on(on),
            sgo_exit=_aggregate(exits, Max, "end_date"),
        )
        .filter(Q(la=True) | Q(sgo_exit__isnull=False))
        .annotate(
            busy=_busy(on, recent_days),
        )
        .filter(busy=False)
        .annotate(
            open_sgo_app=Exists(_open_proceedings(on).filter(application_type="sgo")),
            open_any=Exists(_open_proceedings(on)),
            next_hearing=_hearing_subquery(on),
            completed_positive=_aggregate(
                full.filter(completed_date__lte=on, recommendation="positive"),
                Min,
                "completed_date",
            ),
            in_progress_start=_aggregate(
                full.filter(start_date__lte=on).filter(
                    Q(completed_date__isnull=True) | Q(completed_date__gt=on)
                ),
                Min,
                "start_date",
            ),
            plan=_current_plan(on, "plan"),
            parallel=_current_plan(on, "parallel_plan"),
            plan_agreed=_current_plan(on, "agreed_date"),
        )
        .select_related("team", "worker")
    )


def _tier(child: Child) -> tuple[int, dt.date | None] | None:
    plan_sgo = child.plan == "sgo"
    if child.la:
        if child.open_sgo_app or (child.open_any and plan_sgo):
            return 1, child.next_hearing
        if child.completed_positive:
            return 2, child.completed_positive
        if child.in_progress_start:
            return 3, child.in_progress_start
        if plan_sgo or child.parallel == "sgo":
            return 4, child.plan_agreed
    if child.sgo_exit:
        return 5, child.sgo_exit
    return None


def priority_queue(*, user: Any, on: dt.date, recent_days: int | None = None) -> list[QueueItem]:
    """The queue at D, in priority order, over the children this user may see."""
    if recent_days is None:
        recent_days = AuditSettings.objects.get_or_create(pk=1)[0].recent_closure_days
    items = []
    for child in queue_candidates(user=user, on=on, recent_days=recent_days):
        found = _tier(child)
        if found:
            items.append(QueueItem(child=child, tier=found[0], key_date=found[1]))
    items.sort(
        key=lambda i: (i.tier, i.key_date is None, i.key_date or dt.date.min, i.child.child_id)
    )
    return items


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
    if recent_days is None:
        recent_days = AuditSettings.objects.get_or_create(pk=1)[0].recent_closure_days
    open_episode = Episode.objects.filter(child=OuterRef("pk"), start_date__lte=on).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=on)
    )
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
            la=looked_after_on(on),
            plan=_current_plan(on, "plan"),
            key=_current_plan(on, "agreed_date"),
        ).filter(la=True, plan="revocation")
    return [
        QueueItem(child=c, tier=area, key_date=c.key)
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
        return [i.child for i in self.items]

    @property
    def allocate_query(self) -> str:
        """The query string that starts a family audit of this group."""
        return urlencode(
            {"children": [c.child_id for c in self.children], "reason": self.reason}, doseq=True
        )


def _open_at(on: dt.date, prefix: str = "") -> Q:
    return (Q(**{f"{prefix}issue_date__isnull": True}) | Q(**{f"{prefix}issue_date__lte": on})) & (
        Q(**{f"{prefix}status": "open"}) | Q(**{f"{prefix}concluded_date__gt": on})
    )


def sibling_groups(*, user: Any, items: list[QueueItem], on: dt.date) -> list[QueueGroup]:
    """The queue with siblings together, in two queries whatever its length: children who
    share open proceedings at D, or who have SGO assessments of the same prospective special
    guardian (the same non-blank carer ID). Groups are joined when they overlap; each group
    takes the place of its most urgent child, its children in queue order. Only children in
    the queue (so only children this user may see) are ever grouped or named."""
    if not items:
        return []
    position = {item.child.pk: n for n, item in enumerate(items)}
    visible = access.visible_children(user).values("pk")
    parent = {pk: pk for pk in position}

    def root(pk: int) -> int:
        while parent[pk] != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    def join(pks: list[int]) -> None:
        first = root(pks[0])
        for pk in pks[1:]:
            parent[root(pk)] = first

    links = Proceedings.children.through.objects.filter(
        _open_at(on, "proceedings__"), child_id__in=visible
    ).values_list("proceedings__proceedings_id", "child_id")
    by_proceedings: dict[str, list[int]] = {}
    for proceedings_id, child_pk in links:
        if child_pk in position:
            by_proceedings.setdefault(proceedings_id, []).append(child_pk)
    shared_carers = (
        SGOAssessment.objects.exclude(carer_id="")
        .values("carer_id")
        .annotate(n=Count("child_id", distinct=True))
        .filter(n__gt=1)
        .values("carer_id")
    )
    by_carer: dict[str, set[int]] = {}
    for carer_id, child_pk in SGOAssessment.objects.filter(
        child_id__in=visible, carer_id__in=shared_carers
    ).values_list("carer_id", "child_id"):
        if child_pk in position:
            by_carer.setdefault(carer_id, set()).add(child_pk)
    proceedings_of: dict[int, set[str]] = {}
    for proceedings_id, pks in by_proceedings.items():
        if len(set(pks)) > 1:
            join(pks)
            for pk in pks:
                proceedings_of.setdefault(pk, set()).add(proceedings_id)
    carer_shared: set[int] = set()
    for pks in by_carer.values():
        if len(pks) > 1:
            join(sorted(pks))
            carer_shared |= pks
    members: dict[int, list[QueueItem]] = {}
    for item in items:
        members.setdefault(root(item.child.pk), []).append(item)
    groups = []
    for group_items in members.values():
        pks = [i.child.pk for i in group_items]
        groups.append(
            QueueGroup(
                items=group_items,
                proceedings=sorted(set().union(*(proceedings_of.get(pk, set()) for pk in pks))),
                shared_carer=len(pks) > 1 and bool(carer_shared & set(pks)),
            )
        )
    groups.sort(key=lambda g: position[g.items[0].child.pk])
    return groups
