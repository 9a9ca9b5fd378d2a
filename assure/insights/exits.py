"""Were exits from care safe? The exits analysis over 903 episodes (DOMAIN.md section 5).

Pure computation over plain rows, so that the page, the API, the reports and the tests share
one definition. Every fact about a child's care comes from the care-history rules
(`assure.children.care`), the same the child's page and the tracker use:

- an **exit** is an episode that ends a period of care (`periods.ends_period`), its **route**
  from the reason (`exits.route_of`), and the **period of care** it ends starts where the
  chain of X1 episodes leading into it starts (`periods.period_start_of`);
- a **re-entry** is the child starting a new period of care strictly after the exit and
  within 12 (or 24) calendar months (`exits.reentered`); an exit whose months have not run
  by the day the analysis is made is **still in the window**: it is left out of the rate
  and counted apart, so that recent rates do not read low;
- **looked after at a month end** means an episode open that day (`periods.is_open_on`), as
  the 903 counts "looked after at 31 March";
- a **broken-down SGO** (P2) counts when the period of care it belongs to starts
  (`sgo.period_after_order`).
"""

from __future__ import annotations

import bisect
import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from assure.children.care import dates as care_dates
from assure.children.care import exits as care_exits
from assure.children.care import periods, sgo

ROUTES = care_exits.ROUTES
ROUTE_LABELS = care_exits.ROUTE_LABELS
route_of = care_exits.route_of
INTERVALS = ("month", "quarter")


class EpisodeRow(NamedTuple):
    """The columns of an episode the analysis needs (a named tuple: cheap to build from
    hundreds of thousands of database rows), with the models' field names."""

    pk: int
    child: int
    start_date: dt.date
    end_date: dt.date | None
    reason_new_episode: str
    reason_ceased: str
    legal_status: str = ""


@dataclass(frozen=True)
class Exit:
    child: int
    date: dt.date
    route: str
    period_start: dt.date
    age: int | None = None  # on the day of the exit; None without a date of birth
    legal_status: str = ""  # of the episode that ended the period
    earlier_periods: int = 0  # periods of care the child had before this one

    @property
    def days_in_care(self) -> int:
        return (self.date - self.period_start).days

    @property
    def kind(self) -> str:
        """`decision`, `adulthood` or `other` (care_exits.exit_kind)."""
        return care_exits.exit_kind(self.route, self.age)

    @property
    def decision(self) -> bool:
        return self.kind == "decision"


@dataclass
class ChildHistory:
    episodes: list[EpisodeRow] = field(default_factory=list)
    date_of_birth: dt.date | None = None
    _starts: list[dt.date] | None = None

    def period_starts(self) -> list[dt.date]:
        """The dates on which the child started to be looked after (each period's start)."""
        if self._starts is None:
            self._starts = periods.period_starts(self.episodes)
        return self._starts


def histories(
    rows: Iterable[EpisodeRow], dobs: dict[int, dt.date | None] | None = None
) -> dict[int, ChildHistory]:
    by_child: dict[int, ChildHistory] = defaultdict(ChildHistory)
    for row in rows:
        by_child[row.child].episodes.append(row)
    for child, dob in (dobs or {}).items():
        if child in by_child:
            by_child[child].date_of_birth = dob
    return by_child


def exits_in(
    by_child: dict[int, ChildHistory], *, date_from: dt.date, date_to: dt.date
) -> list[Exit]:
    """Every exit with its date in [date_from, date_to], oldest first."""
    found = []
    for child, history in by_child.items():
        for x in periods.exits_of(history.episodes):
            if not date_from <= x.date <= date_to:
                continue
            starts = history.period_starts()
            found.append(
                Exit(
                    child=child,
                    date=x.date,
                    route=route_of(x.reason),
                    period_start=x.period_start,
                    age=care_dates.age_on(history.date_of_birth, x.date),
                    legal_status=getattr(x.episode, "legal_status", ""),
                    earlier_periods=bisect.bisect_left(starts, x.period_start),
                )
            )
    return sorted(found, key=lambda x: (x.date, x.child))


# Periods -----------------------------------------------------------------------------------


def period_start(day: dt.date, interval: str) -> dt.date:
    if interval == "quarter":
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return day.replace(day=1)


def month_start_after(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after the month `day` is in."""
    year, month = divmod(day.month - 1 + months, 12)
    return dt.date(day.year + year, month + 1, 1)


def periods_between(date_from: dt.date, date_to: dt.date, interval: str) -> list[dt.date]:
    """The start of every month or quarter that overlaps [date_from, date_to]."""
    step = 3 if interval == "quarter" else 1
    current, found = period_start(date_from, interval), []
    while current <= date_to:
        found.append(current)
        current = month_start_after(current, step)
    return found


def month_ends_between(date_from: dt.date, date_to: dt.date) -> list[dt.date]:
    ends = []
    for first in periods_between(date_from, date_to, "month"):
        end = month_start_after(first, 1) - dt.timedelta(days=1)
        if date_from <= end <= date_to:
            ends.append(end)
    return ends


def period_label(start: dt.date, interval: str) -> str:
    if interval == "quarter":
        return f"{start.strftime('%b')} to {month_start_after(start, 2).strftime('%b %Y')}"
    return start.strftime("%B %Y")


# The measures ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RouteReentry:
    """Re-entry after one route's exits: `exits` in the range, of which `followed_up` have
    had their whole window and `in_window` have not; the rate is over those followed up."""

    route: str
    exits: int
    followed_up: int
    reentered: int

    @property
    def in_window(self) -> int:
        return self.exits - self.followed_up

    @property
    def rate(self) -> float | None:
        return round(self.reentered / self.followed_up, 4) if self.followed_up else None


@dataclass(frozen=True)
class RouteTime:
    route: str
    exits: int
    median_days: float | None


@dataclass
class Analysis:
    date_from: dt.date
    date_to: dt.date
    interval: str
    periods: list[dt.date]
    exits: list[Exit]
    by_child: dict[int, ChildHistory]
    p2_records: tuple[tuple[int, str], ...]
    today: dt.date
    # How far imported care records run (the latest episode start or end), when they come
    # from imports: quiet time after it is not known to be quiet. None: up to date.
    records_to: dt.date | None = None
    _exit_counts: dict[tuple[dt.date, str], int] | None = field(default=None, repr=False)
    _looked_after: dict[dt.date, int] = field(default_factory=dict, repr=False)
    _entries: list[dt.date] | None = field(default=None, repr=False)

    def exit_counts(self) -> dict[tuple[dt.date, str], int]:
        if self._exit_counts is None:
            self._exit_counts = self._count_exits()
        return dict(self._exit_counts)

    def _count_exits(self) -> dict[tuple[dt.date, str], int]:
        counts = {(p, r): 0 for p in self.periods for r in ROUTES}
        for exit_ in self.exits:
            counts[(period_start(exit_.date, self.interval), exit_.route)] += 1
        return counts

    def series(self) -> list[dict[str, object]]:
        """Every period and route, zeros included, in period then route order."""
        return [
            {"period_start": p, "route": r, "count": n} for (p, r), n in self.exit_counts().items()
        ]

    def totals_by_period(self) -> list[int]:
        counts = self.exit_counts()
        return [sum(counts[(p, r)] for r in ROUTES) for p in self.periods]

    def route_by_period(self, route: str) -> list[int]:
        counts = self.exit_counts()
        return [counts[(p, route)] for p in self.periods]

    def reentry(self, *, months: int = 12) -> list[RouteReentry]:
        """By route: exits, those whose `months` have run by the analysis's day, and of
        those the children who came back within them."""
        tally = {r: [0, 0, 0] for r in ROUTES}
        for exit_ in self.exits:
            counts = tally[exit_.route]
            counts[0] += 1
            if not care_exits.follow_up_complete(exit_.date, self.today, months):
                continue
            counts[1] += 1
            starts = self.by_child[exit_.child].period_starts()
            if care_exits.reentered(exit_.date, starts, months):
                counts[2] += 1
        return [
            RouteReentry(route=r, exits=e, followed_up=f, reentered=n)
            for r, (e, f, n) in tally.items()
        ]

    def count_by_period(self, exits: Iterable[Exit]) -> list[int]:
        """How many of these exits fall in each period of the analysis."""
        counts = dict.fromkeys(self.periods, 0)
        for exit_ in exits:
            counts[period_start(exit_.date, self.interval)] += 1
        return list(counts.values())

    def entries(self) -> list[dt.date]:
        """The start of every period of care in the range (each child's, oldest first);
        worked out once, as the chart, the time series and the disclosure check all ask."""
        if self._entries is None:
            self._entries = sorted(
                start
                for history in self.by_child.values()
                for start in history.period_starts()
                if self.date_from <= start <= self.date_to
            )
        return list(self._entries)

    def entries_by_period(self) -> list[int]:
        counts = dict.fromkeys(self.periods, 0)
        for start in self.entries():
            counts[period_start(start, self.interval)] += 1
        return list(counts.values())

    def looked_after(self) -> list[tuple[dt.date, int]]:
        """Children looked after at each month end in the range."""
        ends = month_ends_between(self.date_from, self.date_to)
        return list(zip(ends, self.looked_after_on(ends), strict=True))

    def looked_after_on(self, days: Sequence[dt.date]) -> list[int]:
        """Children looked after on each of these days. Each day is counted once per
        analysis: the charts, the interrupted time series and the disclosure check ask for
        the same month ends and starts."""
        missing = sorted(set(days) - self._looked_after.keys())
        if missing:
            self._looked_after.update(zip(missing, self._count_looked_after(missing), strict=True))
        return [self._looked_after[day] for day in days]

    def _count_looked_after(self, days: Sequence[dt.date]) -> list[int]:
        """Children looked after on each of these days (ascending). Each episode covers the
        days from its start up to (not including) its end, found by bisection, so the cost
        grows with the episodes, not episodes times days."""
        ends = list(days)
        counts = [0] * len(ends)
        for history in self.by_child.values():
            covered: set[int] = set()
            for e in history.episodes:
                first = bisect.bisect_left(ends, e.start_date)
                last = len(ends) if e.end_date is None else bisect.bisect_left(ends, e.end_date)
                covered.update(range(first, last))
            for index in covered:
                counts[index] += 1
        return counts

    def p2_entries(self) -> list[int]:
        """Periods of care starting in each period after an SGO broke down (P2): each P2
        record counts when the period it belongs to starts (`sgo.period_after_order`)."""
        counts = dict.fromkeys(self.periods, 0)
        for child, when in self.p2_records:
            history = self.by_child.get(child)
            if history is None:
                continue
            start = sgo.period_after_order(history.period_starts(), when)
            if start is not None and self.date_from <= start <= self.date_to:
                counts[period_start(start, self.interval)] += 1
        return list(counts.values())

    def time_in_care(self) -> list[RouteTime]:
        days: dict[str, list[int]] = {r: [] for r in ROUTES}
        for exit_ in self.exits:
            days[exit_.route].append(exit_.days_in_care)
        return [
            RouteTime(route=r, exits=len(d), median_days=statistics.median(d) if d else None)
            for r, d in days.items()
        ]


def analyse(
    rows: Sequence[EpisodeRow],
    *,
    date_from: dt.date,
    date_to: dt.date,
    today: dt.date,
    interval: str = "month",
    p2_records: Iterable[tuple[int, str]] = (),
    dobs: dict[int, dt.date | None] | None = None,
    records_to: dt.date | None = None,
) -> Analysis:
    """The analysis of these episodes; `p2_records` are (child, DATE_PERM) of P2 records,
    `today` the day re-entry windows are judged at, `dobs` the children's dates of birth,
    `records_to` how far imported records run (None: taken as up to date)."""
    by_child = histories(rows, dobs)
    return Analysis(
        date_from=date_from,
        date_to=date_to,
        interval=interval,
        periods=periods_between(date_from, date_to, interval),
        exits=exits_in(by_child, date_from=date_from, date_to=date_to),
        by_child=by_child,
        p2_records=tuple(p2_records),
        today=today,
        records_to=records_to,
    )
