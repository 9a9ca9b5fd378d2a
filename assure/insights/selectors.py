"""Reads for insights, already filtered by the one access policy (ARCHITECTURE rule 1)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from assure.audits.models import OverallGrade, Status
from assure.children.models import Episode, PreviousPermanenceRecord, SGOAssessment
from assure.core import clock
from assure.core.access import visible_children
from assure.core.gc_pause import gc_paused

from .exits import Analysis, EpisodeRow, analyse
from .models import LimitRebase, MeasureTarget


@gc_paused()  # every episode of every visible child: see core.gc_pause
def exits_analysis(
    *, user: Any, date_from: dt.date, date_to: dt.date, interval: str = "month"
) -> Analysis:
    """The exits analysis over the children this user may see: three queries whatever the
    number of children (the few columns of every episode of the visible children active in
    or after the range, with the child's date of birth; those children with previous
    permanence P2; and whether imports brought the records)."""
    # Children whose every episode ended before the range add nothing to any measure (no
    # exit, no month end, no period starting in it), so they are not fetched.
    active = Episode.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=date_from))
    visible = visible_children(user).filter(pk__in=active.values("child_id")).values("pk")
    rows, dobs = [], {}
    for values in (
        Episode.objects.filter(child__in=visible)
        .values_list(
            "pk",
            "child_id",
            "start_date",
            "end_date",
            "reason_new_episode",
            "reason_ceased",
            "legal_status",
            "child__date_of_birth",
        )
        .order_by()
    ):
        rows.append(EpisodeRow._make(values[:-1]))
        dobs[values[1]] = values[-1]
    p2 = (
        PreviousPermanenceRecord.objects.filter(child__in=visible, previous_permanence="P2")
        .values_list("child_id", "date_of_permanence")
        .order_by()
    )
    return analyse(
        rows,
        date_from=date_from,
        date_to=date_to,
        today=clock.today(),
        interval=interval,
        p2_records=list(p2),
        dobs=dobs,
        records_to=records_run_to(rows),
    )


def records_run_to(rows: list[EpisodeRow]) -> dt.date | None:
    """How far the care records run when they come from imports: the latest episode start
    or end among the rows read, the children this person may see (a return read in June may
    hold nothing after March). None when no import has brought care records: they are taken
    as up to date. Only what the access policy lets this person read: for one team, its own
    records' last day, a shorter and so safe claim of quiet time."""
    from assure.imports.selectors import care_records_imported

    if not care_records_imported():
        return None
    days = [day for row in rows for day in (row.start_date, row.end_date) if day is not None]
    return max(days, default=None)


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


def rebases_by_measure() -> dict[str, list[dt.date]]:
    """The rebases recorded and not withdrawn, by measure: one query."""
    found: dict[str, list[dt.date]] = {}
    rows = LimitRebase.objects.filter(withdrawn_at__isnull=True).values_list("measure", "start")
    for measure, start in rows.order_by("start"):
        found.setdefault(measure, []).append(start)
    return found


def targets_by_measure() -> dict[str, float]:
    """The council's targets, by measure, in the measure's unit: one query."""
    return {m: float(v) for m, v in MeasureTarget.objects.values_list("measure", "value")}


OUTCOME_KINDS = ("referral", "section_47", "child_protection")


def events_after_exit(
    *, user: Any, analysis: Analysis
) -> dict[int, list[tuple[str, dt.date]]] | None:
    """Referrals, section 47 enquiries and child protection plans (Ofsted Annex A lists 3,
    5 and 7) of the visible children with an exit decision in the range, starting after the
    range began: (kind, start date) by child. One query (none before the children app holds
    social care events). None when none of these events is held for the children this
    person may see, so the page says the lists have not been loaded rather than show zeros."""
    from django.apps import apps

    try:
        model = apps.get_model("children", "SocialCareEvent")
    except LookupError:
        return None
    children = {x.child for x in analysis.exits if x.decision}
    rows = (
        model.objects.filter(
            child__in=visible_children(user).values("pk"),
            kind__in=OUTCOME_KINDS,
            start_date__gt=analysis.date_from,
        )
        .values_list("child_id", "kind", "start_date")
        .order_by()
    )
    found: dict[int, list[tuple[str, dt.date]]] = {}
    held = False
    for child, kind, start in rows:
        held = True
        if child in children:
            found.setdefault(child, []).append((kind, start))
    return found if held else None
