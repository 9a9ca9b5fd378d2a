"""Reads for insights, already filtered by the one access policy (ARCHITECTURE rule 1)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from assure.audits.models import OverallGrade, Status
from assure.children.models import Episode, PreviousPermanenceRecord, SGOAssessment
from assure.core.access import visible_children
from assure.core.gc_pause import gc_paused

from .exits import Analysis, EpisodeRow, analyse


@gc_paused()  # every episode of every visible child: see core.gc_pause
def exits_analysis(
    *, user: Any, date_from: dt.date, date_to: dt.date, interval: str = "month"
) -> Analysis:
    """The exits analysis over the children this user may see: two queries whatever the
    number of children (the few columns of every episode of the visible children active in
    or after the range, and those children with previous permanence P2)."""
    # Children whose every episode ended before the range add nothing to any measure (no
    # exit, no month end, no period starting in it), so they are not fetched.
    active = Episode.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=date_from))
    visible = visible_children(user).filter(pk__in=active.values("child_id")).values("pk")
    rows = [
        EpisodeRow._make(values)
        for values in Episode.objects.filter(child__in=visible)
        .values_list(
            "pk", "child_id", "start_date", "end_date", "reason_new_episode", "reason_ceased"
        )
        .order_by()
    ]
    p2 = (
        PreviousPermanenceRecord.objects.filter(child__in=visible, previous_permanence="P2")
        .values_list("child_id", flat=True)
        .order_by()
    )
    return analyse(
        rows, date_from=date_from, date_to=date_to, interval=interval, p2_children=set(p2)
    )


AUDIT_WINDOW_DAYS = 365


@dataclass(frozen=True)
class GradedAudit:
    child: int
    closed: dt.date
    label: str
    position: int
    below_good: bool


def exit_audit_grades(*, user: Any, analysis: Analysis) -> dict[tuple[int, dt.date], GradedAudit]:
    """For each exit (child, exit date), the current overall grade of the child's audit
    closed nearest the exit within a year either side: the audit of that exit decision. One
    query."""
    if not analysis.exits:
        return {}
    window = dt.timedelta(days=AUDIT_WINDOW_DAYS)
    # Bounded by dates, not by a list of children, so the query stays small at any scale.
    rows = (
        OverallGrade.objects.filter(
            is_current=True,
            audit__status=Status.CLOSED,
            audit__closed_at__date__gte=analysis.date_from - window,
            audit__closed_at__date__lte=analysis.date_to + window,
            audit__child__in=visible_children(user).values("pk"),
        )
        .values_list(
            "audit__child_id",
            "audit__closed_at",
            "grade__label",
            "grade__position",
            "grade__below_good",
        )
        .order_by()
    )
    by_child: dict[int, list[GradedAudit]] = {}
    for child, closed_at, label, position, below_good in rows:
        by_child.setdefault(child, []).append(
            GradedAudit(child, closed_at.date(), label, position, below_good)
        )
    found = {}
    for exit_ in analysis.exits:
        near = [
            a
            for a in by_child.get(exit_.child, [])
            if abs((a.closed - exit_.date).days) <= AUDIT_WINDOW_DAYS
        ]
        if near:
            found[(exit_.child, exit_.date)] = min(
                near, key=lambda a: abs((a.closed - exit_.date).days)
            )
    return found


def sgo_assessment_starts(*, user: Any, analysis: Analysis) -> dict[int, list[dt.date]]:
    """Start dates of the SGO assessments of the visible children, for the time from an
    assessment starting to the order. One query."""
    if not any(x.route == "sgo" for x in analysis.exits):
        return {}
    rows = (
        SGOAssessment.objects.filter(
            child__in=visible_children(user).values("pk"),
            start_date__isnull=False,
            start_date__lte=analysis.date_to,
        )
        .values_list("child_id", "start_date")
        .order_by()
    )
    starts: dict[int, list[dt.date]] = {}
    for child, start in rows:
        starts.setdefault(child, []).append(start)
    return starts
