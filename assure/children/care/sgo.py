"""Special guardianship: the assessment, the support plan, a broken-down order, and where a
child stands on the way to an order.

- **The assessment rule.** A full assessment counts for a plan when it is of the carer the
  plan names (the same carer ID, or else the same name, ignoring case and spacing); a plan
  that names no carer is met by an assessment of anyone. It is **in progress** on a date when
  started on or before it, not completed by it, and not closed with a negative or withdrawn
  recommendation; it **supports the plan** once completed on or before the date with a
  positive recommendation. A negative or withdrawn assessment, or one of another carer,
  never does.
- **The SGO report** is the completed positive full assessment (it becomes the report to
  court). The Public Law Working Group's special guardianship guidance (June 2021) expects
  the SGO support plan filed with it: a support plan counts when agreed on or before the date.
- **A broken-down SGO** (903 PrevPerm P2) belongs to the period of care that starts after the
  order's date (DATE_PERM; parts may be unknown, `zz`, and then the earliest date it could be
  is used). With no date at all, it belongs to the child's latest period.
- **Previous permanence by period.** Every PrevPerm record describes the period of care it
  was returned for. A record of an order (P1 to P3) belongs to a period by the rule above;
  "none" (Z1) and "not known" (P4), which the 903 returns without a date, belong to the latest
  period that no order belongs to, and to none when every period has one.
- **Where a child stands on the way to an SGO** at a date (the audit queue's order, DOMAIN.md
  section 4), for a child looked after then: 1, an SGO application before the court, or open
  proceedings with a plan that includes an SGO; 2, a full assessment completed with a
  positive recommendation; 3, a full assessment in progress; 4, a plan that includes an SGO.
  Whether looked after or not: 5, left care through an SGO in the year before the date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

FULL = "full"
POSITIVE = "positive"
CLOSED_RECOMMENDATIONS = frozenset({"negative", "withdrawn"})


def _name_key(name: str) -> str:
    return " ".join(name.lower().split())


def is_of_planned_carer(assessment: Any, plan: Any) -> bool:
    """The assessment is of the carer the plan names (any carer when it names none)."""
    carer_id = getattr(plan, "carer_id", "") or ""
    carer_name = getattr(plan, "carer_name", "") or ""
    if not carer_id and not carer_name:
        return True
    if carer_id and assessment.carer_id:
        return carer_id == assessment.carer_id
    return bool(carer_name) and _name_key(carer_name) == _name_key(assessment.carer_name or "")


def known_on(assessment: Any, on: dt.date) -> bool:
    """The assessment had started by `on` (or, with no start date, was completed by it)."""
    if assessment.start_date is not None:
        return assessment.start_date <= on
    return assessment.completed_date is not None and assessment.completed_date <= on


def full_in_progress(assessment: Any, on: dt.date) -> bool:
    if assessment.stage != FULL or assessment.start_date is None or assessment.start_date > on:
        return False
    if assessment.completed_date is not None:
        return assessment.completed_date > on
    return assessment.recommendation not in CLOSED_RECOMMENDATIONS


def full_completed_positive(assessment: Any, on: dt.date) -> bool:
    return (
        assessment.stage == FULL
        and assessment.completed_date is not None
        and assessment.completed_date <= on
        and assessment.recommendation == POSITIVE
    )


@dataclass(frozen=True)
class AssessmentStanding:
    """The full assessments that bear on a plan at a date."""

    report: Any  # the earliest completed positive full assessment of the planned carer
    in_progress: Any  # the earliest-started full assessment of the planned carer under way
    closed: Any  # the latest negative or withdrawn full assessment of the planned carer

    @property
    def satisfied(self) -> bool:
        return self.report is not None


def assessment_standing(assessments: Iterable[Any], plan: Any, on: dt.date) -> AssessmentStanding:
    ofcarer = [a for a in assessments if a.stage == FULL and is_of_planned_carer(a, plan)]
    reports = [a for a in ofcarer if full_completed_positive(a, on)]
    under_way = [a for a in ofcarer if full_in_progress(a, on)]
    closed = [
        a
        for a in ofcarer
        if a.recommendation in CLOSED_RECOMMENDATIONS
        and (a.completed_date is None or a.completed_date <= on)
        and a.start_date is not None
        and a.start_date <= on
    ]
    return AssessmentStanding(
        report=min(reports, key=lambda a: a.completed_date, default=None),
        in_progress=min(under_way, key=lambda a: a.start_date, default=None),
        closed=max(closed, key=lambda a: a.start_date, default=None),
    )


def support_plan_agreed(agreed_dates: Iterable[dt.date | None], on: dt.date) -> bool:
    return any(d is not None and d <= on for d in agreed_dates)


# Broken-down orders ------------------------------------------------------------------------

_PARTIAL = re.compile(r"^(\d{2}|zz)/(\d{2}|zz)/(\d{4}|zzzz)$", re.IGNORECASE)


def permanence_after(date_of_permanence: str) -> dt.date | None:
    """The day after which the period of care a PrevPerm record describes must start: the
    order's date, or the day before the earliest date a partly unknown one could be. None
    when the year is not known."""
    match = _PARTIAL.match((date_of_permanence or "").strip())
    if not match:
        return None
    day, month, year = match.groups()
    if not year.isdigit():
        return None
    if day.isdigit() and month.isdigit():
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError:
            return None
    earliest = dt.date(int(year), int(month) if month.isdigit() else 1, 1)
    return earliest - dt.timedelta(days=1)


def period_after_order(period_starts: Sequence[dt.date], date_of_permanence: str) -> dt.date | None:
    """The start of the period of care a PrevPerm record belongs to, or None."""
    if not period_starts:
        return None
    after = permanence_after(date_of_permanence)
    if after is None:
        return max(period_starts)
    return min((s for s in period_starts if s > after), default=None)


def breakdown_in_period(
    previous: Iterable[tuple[str, str]], period_starts: Sequence[dt.date], period_start: dt.date
) -> bool:
    """A P2 record (an SGO that broke down) belongs to the period starting `period_start`.
    `previous` holds (PREV_PERM, DATE_PERM) pairs."""
    return any(
        code == "P2" and period_after_order(period_starts, when) == period_start
        for code, when in previous
    )


# The 903 returns "none" (Z1) and "not known" (P4) without a date: they say what came before
# a period that no order came before.
UNDATED_CODES = frozenset({"Z1", "P4"})


def previous_permanence_by_period(
    previous: Iterable[tuple[str, str]], period_starts: Sequence[dt.date]
) -> dict[dt.date, list[tuple[str, str]]]:
    """The (PREV_PERM, DATE_PERM) records each period of care has, by its start, oldest
    period first (see the module's notes). Periods with none are left out."""
    records = list(previous)
    placed: dict[dt.date, list[tuple[str, str]]] = {}
    for code, when in records:
        start = None if code in UNDATED_CODES else period_after_order(period_starts, when)
        if start is not None:
            placed.setdefault(start, []).append((code, when))
    free = [s for s in period_starts if s not in placed]
    for code, when in records:
        if code in UNDATED_CODES and free:
            placed.setdefault(max(free), []).append((code, when))
    return dict(sorted(placed.items()))


# On the way to an order --------------------------------------------------------------------

STAGE_REASONS = {
    1: "SGO application before the court",
    2: "Full SGO assessment completed with a positive recommendation",
    3: "Full SGO assessment in progress",
    4: "Permanence plan includes an SGO",
    5: "Left care through an SGO in the last 12 months",
}


@dataclass(frozen=True)
class SGOStage:
    stage: int
    key_date: dt.date | None  # what orders children within the stage


def sgo_stage(
    *,
    looked_after: bool,
    sgo_application_open: bool,
    proceedings_open: bool,
    plan_includes_sgo: bool,
    plan_agreed: dt.date | None,
    next_hearing: dt.date | None,
    assessments: Iterable[Any],
    last_sgo_exit: dt.date | None,
    on: dt.date,
) -> SGOStage | None:
    """Where the child stands on the way to an SGO at `on` (see the module's notes)."""
    if looked_after:
        if sgo_application_open or (proceedings_open and plan_includes_sgo):
            return SGOStage(1, next_hearing)
        full = list(assessments)
        completed = [a.completed_date for a in full if full_completed_positive(a, on)]
        if completed:
            return SGOStage(2, min(completed))
        started = [a.start_date for a in full if full_in_progress(a, on)]
        if started:
            return SGOStage(3, min(started))
        if plan_includes_sgo:
            return SGOStage(4, plan_agreed)
    if last_sgo_exit is not None:
        return SGOStage(5, last_sgo_exit)
    return None
