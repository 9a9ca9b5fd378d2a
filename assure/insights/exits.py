"""Were exits from care safe? The exits analysis over 903 episodes (DOMAIN.md section 5).

Pure computation over plain rows, so that the page, the API, the reports and the tests share
one definition:

- an **exit** is an episode that ends a period of care: an end date and a reason other than
  X1 (the episode ended but the child stayed in care);
- its **route** comes from the reason (`route_of`);
- the **period of care** it ends starts where the chain of X1 episodes leading into it starts;
- a **re-entry** is the child starting to be looked after again strictly after the exit date
  and within N days: an episode that begins a new period (RNE S, or one not continuing from an
  X1 episode that ended that day);
- **looked after at a month end** means an episode that started on or before that day and
  had not ended by it (end date blank or later), as the 903 counts "looked after at 31 March".
"""

from __future__ import annotations

import bisect
import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

ROUTES: tuple[str, ...] = (
    "sgo",
    "cao",
    "return_home_planned",
    "return_home_unplanned",
    "adoption",
    "other",
)
ROUTE_LABELS: dict[str, str] = {
    "sgo": "Special guardianship order",
    "cao": "Child arrangements order",
    "return_home_planned": "Returned home as part of the care plan",
    "return_home_unplanned": "Returned home not as part of the care plan",
    "adoption": "Adoption",
    "other": "Other reasons",
}
_ROUTE_BY_REASON = {
    **{code: "sgo" for code in ("E43", "E44", "E45", "E46", "E47", "E48")},
    "E41": "cao",
    "E4A": "return_home_planned",
    "E4B": "return_home_unplanned",
    "E11": "adoption",
    "E12": "adoption",
}
INTERVALS = ("month", "quarter")


def route_of(reason_ceased: str) -> str:
    """The exit route of a leaving reason; every reason not named is `other`."""
    return _ROUTE_BY_REASON.get(reason_ceased, "other")


class EpisodeRow(NamedTuple):
    """The columns of an episode the analysis needs (a named tuple: cheap to build from
    hundreds of thousands of database rows)."""

    pk: int
    child: int
    start: dt.date
    end: dt.date | None
    rne: str
    rec: str

    @property
    def is_exit(self) -> bool:
        return self.end is not None and self.rec != "X1"


@dataclass(frozen=True)
class Exit:
    child: int
    date: dt.date
    route: str
    period_start: dt.date

    @property
    def days_in_care(self) -> int:
        return (self.date - self.period_start).days


@dataclass
class ChildHistory:
    episodes: list[EpisodeRow] = field(default_factory=list)

    def period_start_of(self, episode: EpisodeRow) -> dt.date:
        """Back through the X1 episodes that lead into this one."""
        start, seen = episode.start, set()
        while start not in seen:
            seen.add(start)
            before = [e.start for e in self.episodes if e.end == start and e.rec == "X1"]
            if not before:
                break
            start = min(before)
        return start

    def period_starts(self) -> list[dt.date]:
        """The dates on which the child started to be looked after (each period's start)."""
        x1_ends = {e.end for e in self.episodes if e.rec == "X1" and e.end is not None}
        return sorted({e.start for e in self.episodes if e.rne == "S" or e.start not in x1_ends})


def histories(rows: Iterable[EpisodeRow]) -> dict[int, ChildHistory]:
    by_child: dict[int, ChildHistory] = defaultdict(ChildHistory)
    for row in rows:
        by_child[row.child].episodes.append(row)
    return by_child


def exits_in(
    by_child: dict[int, ChildHistory], *, date_from: dt.date, date_to: dt.date
) -> list[Exit]:
    """Every exit with its date in [date_from, date_to], oldest first."""
    found = [
        Exit(
            child=child,
            date=episode.end,
            route=route_of(episode.rec),
            period_start=history.period_start_of(episode),
        )
        for child, history in by_child.items()
        for episode in history.episodes
        if episode.is_exit and episode.end is not None and date_from <= episode.end <= date_to
    ]
    return sorted(found, key=lambda x: (x.date, x.child))


def reentered(history: ChildHistory, exit_: Exit, *, within_days: int) -> bool:
    last = exit_.date + dt.timedelta(days=within_days)
    return any(exit_.date < start <= last for start in history.period_starts())


# Periods -----------------------------------------------------------------------------------


def period_start(day: dt.date, interval: str) -> dt.date:
    if interval == "quarter":
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    return dt.date(day.year + year, month + 1, 1)


def periods_between(date_from: dt.date, date_to: dt.date, interval: str) -> list[dt.date]:
    """The start of every month or quarter that overlaps [date_from, date_to]."""
    step = 3 if interval == "quarter" else 1
    current, found = period_start(date_from, interval), []
    while current <= date_to:
        found.append(current)
        current = add_months(current, step)
    return found


def month_ends_between(date_from: dt.date, date_to: dt.date) -> list[dt.date]:
    ends = []
    for first in periods_between(date_from, date_to, "month"):
        end = add_months(first, 1) - dt.timedelta(days=1)
        if date_from <= end <= date_to:
            ends.append(end)
    return ends


def period_label(start: dt.date, interval: str) -> str:
    if interval == "quarter":
        return f"{start.strftime('%b')} to {add_months(start, 2).strftime('%b %Y')}"
    return start.strftime("%B %Y")


# The measures ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RouteReentry:
    route: str
    exits: int
    reentered: int

    @property
    def rate(self) -> float | None:
        return round(self.reentered / self.exits, 4) if self.exits else None


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
    p2_children: frozenset[int]
    _exit_counts: dict[tuple[dt.date, str], int] | None = field(default=None, repr=False)

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

    def reentry(self, *, within_days: int) -> list[RouteReentry]:
        tally = {r: [0, 0] for r in ROUTES}
        for exit_ in self.exits:
            tally[exit_.route][0] += 1
            if reentered(self.by_child[exit_.child], exit_, within_days=within_days):
                tally[exit_.route][1] += 1
        return [RouteReentry(route=r, exits=e, reentered=n) for r, (e, n) in tally.items()]

    def looked_after(self) -> list[tuple[dt.date, int]]:
        """Children looked after at each month end in the range. Each episode covers the
        month ends from its start up to (not including) its end, found by bisection, so the
        cost grows with the episodes, not episodes times months."""
        ends = month_ends_between(self.date_from, self.date_to)
        counts = [0] * len(ends)
        for history in self.by_child.values():
            covered: set[int] = set()
            for e in history.episodes:
                first = bisect.bisect_left(ends, e.start)
                last = len(ends) if e.end is None else bisect.bisect_left(ends, e.end)
                covered.update(range(first, last))
            for index in covered:
                counts[index] += 1
        return list(zip(ends, counts, strict=True))

    def p2_entries(self) -> list[int]:
        """Children whose latest period of care (the one PREV_PERM describes) started in each
        period, with previous permanence P2: an SGO that broke down."""
        counts = dict.fromkeys(self.periods, 0)
        for child in self.p2_children:
            starts = self.by_child[child].period_starts() if child in self.by_child else []
            if starts and self.date_from <= starts[-1] <= self.date_to:
                counts[period_start(starts[-1], self.interval)] += 1
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
    interval: str = "month",
    p2_children: Iterable[int] = (),
) -> Analysis:
    by_child = histories(rows)
    return Analysis(
        date_from=date_from,
        date_to=date_to,
        interval=interval,
        periods=periods_between(date_from, date_to, interval),
        exits=exits_in(by_child, date_from=date_from, date_to=date_to),
        by_child=by_child,
        p2_children=frozenset(p2_children),
    )
