"""Court proceedings at a date, and the 26-week limit.

- Proceedings are **open on** a date when they were issued on or before it (or the issue
  date is not recorded: the court has them, we only lack the date) and were still open then:
  status open, or concluded or withdrawn after the date.
- **The 26-week limit** (Children Act 1989 s32(1)(a)(ii), since 22 April 2014) applies to
  applications for a care or a supervision order (s31) only. It counts "26 weeks beginning
  with the day on which the application was issued": the issue day is day 0 and the first day
  of week 1, week N runs from day 7(N-1) to day 7N-1, the last day inside the limit is day 181
  (issue + 181 days) and proceedings are past it from day 182. The court may extend the
  timetable (s32(5), up to eight weeks at a time); a recorded `extended_to` date is the last
  day inside the limit instead.
- The child's proceedings, for the record and the tracker: the earliest-issued open care or
  supervision application (its 26-week timescale is the one that matters), or, when none is
  open, the earliest-issued open proceedings of any kind.
- The **next hearing** at a date is the earliest hearing on or after it in proceedings open
  on it; the next final hearing likewise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from .dates import AddDays

TWENTY_SIX_WEEK_TYPES = frozenset({"care", "supervision"})
LIMIT_WEEKS = 26
LAST_DAY = 7 * LIMIT_WEEKS - 1  # day 181: the last day inside the limit
WEEK_20_FIRST_DAY = 7 * 19  # day 133
OPEN = "open"
FINAL = "final"


class ProceedingsLike(Protocol):
    application_type: str
    issue_date: dt.date | None
    status: str
    concluded_date: dt.date | None
    extended_to: dt.date | None


class HearingLike(Protocol):
    hearing_date: dt.date
    hearing_type: str


# Pure forms --------------------------------------------------------------------------------


def is_open_on(proceedings: ProceedingsLike, on: dt.date) -> bool:
    if proceedings.issue_date is not None and proceedings.issue_date > on:
        return False
    if proceedings.status == OPEN:
        return True
    return proceedings.concluded_date is not None and proceedings.concluded_date > on


def carries_26_weeks(application_type: str) -> bool:
    return application_type in TWENTY_SIX_WEEK_TYPES


def day_of(issue_date: dt.date, on: dt.date) -> int:
    """Days since issue: the issue day is day 0."""
    return (on - issue_date).days


def week_of(issue_date: dt.date, on: dt.date) -> int:
    """The week of proceedings `on` falls in: days 0 to 6 are week 1."""
    return day_of(issue_date, on) // 7 + 1


def statutory_limit(issue_date: dt.date) -> dt.date:
    """The last day inside 26 weeks beginning with the day of issue."""
    return issue_date + dt.timedelta(days=LAST_DAY)


def limit_date(issue_date: dt.date, extended_to: dt.date | None = None) -> dt.date:
    """The last day inside the limit, extended where the court has extended it."""
    return extended_to or statutory_limit(issue_date)


@dataclass(frozen=True)
class Timescale:
    """Where a care or supervision application stands against its limit at a date."""

    issue_date: dt.date
    on: dt.date
    extended_to: dt.date | None

    @property
    def day(self) -> int:
        return day_of(self.issue_date, self.on)

    @property
    def week(self) -> int:
        return week_of(self.issue_date, self.on)

    @property
    def limit(self) -> dt.date:
        return limit_date(self.issue_date, self.extended_to)

    @property
    def overdue(self) -> bool:
        return self.on > self.limit

    @property
    def days_left(self) -> int:
        """Days from `on` to the last day inside the limit (0 on that day)."""
        return (self.limit - self.on).days

    @property
    def label(self) -> str:
        """ "Week 12 of 26", "Week 28 of 26 (extended to 5 Jun 2026)"."""
        text = f"Week {self.week} of {LIMIT_WEEKS}"
        if self.extended_to:
            text += f" (extended to {self.extended_to.day} {self.extended_to:%b %Y})"
        return text


def open_on(proceedings: Iterable[ProceedingsLike], on: dt.date) -> list[Any]:
    """The proceedings open on `on`, earliest issued first (no issue date last)."""
    found = [p for p in proceedings if is_open_on(p, on)]
    return sorted(found, key=lambda p: (p.issue_date is None, p.issue_date or dt.date.min))


def with_timescale(open_proceedings: Iterable[ProceedingsLike]) -> Any:
    """The earliest-issued open care or supervision application with an issue date, or
    None: the proceedings whose 26-week timescale the child's record shows."""
    return next(
        (
            p
            for p in open_proceedings
            if carries_26_weeks(p.application_type) and p.issue_date is not None
        ),
        None,
    )


def timescale_of(open_proceedings: Iterable[ProceedingsLike], on: dt.date) -> Timescale | None:
    """The 26-week timescale of the earliest-issued open care or supervision application."""
    p = with_timescale(open_proceedings)
    return Timescale(p.issue_date, on, p.extended_to) if p is not None else None


# Two hearings listed for one day (an issues resolution hearing that may become the final
# hearing): the later stage is the day's hearing, whatever order the records come in.
STAGE_ORDER = {"final": 0, "irh": 1, "fcmh": 2, "cmh": 3}


def next_hearing(hearings: Iterable[HearingLike], on: dt.date, kind: str = "") -> Any:
    """The earliest hearing on or after `on` (of one kind, if given), or None; of two on one
    day, the later stage."""
    upcoming = [
        h for h in hearings if h.hearing_date >= on and (not kind or h.hearing_type == kind)
    ]
    return min(
        upcoming,
        key=lambda h: (h.hearing_date, STAGE_ORDER.get(h.hearing_type, len(STAGE_ORDER))),
        default=None,
    )


# SQL forms ---------------------------------------------------------------------------------


def open_on_q(on: dt.date, prefix: str = "") -> Q:
    """Over Proceedings (or through `prefix`, e.g. "proceedings__"): open on `on`."""
    return (Q(**{f"{prefix}issue_date__isnull": True}) | Q(**{f"{prefix}issue_date__lte": on})) & (
        Q(**{f"{prefix}status": OPEN}) | Q(**{f"{prefix}concluded_date__gt": on})
    )


def carries_26_weeks_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}application_type__in": sorted(TWENTY_SIX_WEEK_TYPES)})


def limit_date_expression(prefix: str = "") -> Coalesce:
    """`limit_date` as an annotation over Proceedings."""
    return Coalesce(F(f"{prefix}extended_to"), AddDays(F(f"{prefix}issue_date"), LAST_DAY))


def open_exists(on: dt.date, outer: str = "pk", **filters: Any) -> Exists:
    """Over Child: the child has proceedings open on `on` (narrowed by `filters`)."""
    from assure.children.models import Proceedings

    return Exists(Proceedings.objects.filter(open_on_q(on), children=OuterRef(outer), **filters))


def next_hearing_subquery(on: dt.date, outer: str = "pk", kind: str = "") -> Subquery:
    """Over Child: the date of `next_hearing` in the child's proceedings open on `on`."""
    from assure.children.models import Hearing, Proceedings

    open_ids = Proceedings.objects.filter(open_on_q(on), children=OuterRef(OuterRef(outer)))
    hearings = Hearing.objects.filter(proceedings__in=open_ids.values("pk"), hearing_date__gte=on)
    if kind:
        hearings = hearings.filter(hearing_type=kind)
    return Subquery(hearings.order_by("hearing_date").values("hearing_date")[:1])
