"""Which review schedule applies to a looked-after child, and when the next review is due.

Three schedules, chosen by the episode open on the date:

- **Short breaks** (legal status V3 or V4): the Care Planning, Placement and Case Review
  (England) Regulations 2010, reg 48, as modified for short breaks: the first review within
  three months of the start of the first short break, then at intervals of not more than six
  months. Counted from the start of the period of care.
- **Placed for adoption** (placement A3 to A6): the Adoption Agencies Regulations 2005,
  reg 36: the first review not more than four weeks after the child is placed for adoption,
  the second not more than three months after the first, then not more than six months after
  the previous one. Counted from the first day of the adoption placement (the start of the
  unbroken run of A3 to A6 episodes that leads to the current one); only reviews on or after
  that day count.
- **Every other looked-after child**: the 2010 Regulations, reg 33: the first review within
  20 working days of becoming looked after, the second not more than three months after the
  first, then not more than six months after the previous one. Counted from the start of the
  period of care. Working days skip weekends and England's bank holidays (reg 2).

Only the last two reviews matter to any of these rules (none, one, or more), so callers may
pass just those: the tracker reads no more.

**When the reviews before the last are not known** (Ofsted's Annex A gives only the date of
the latest review) one review can be the first or a later one. Held by the day the first
review was due, it is the first: the next, the second, is due three months later. Held after
that, the record cannot say, and it is taken as a later one (the second or after): the
second review has been held, and the next is due six months after it. A first review held
late is then not flagged as such; the full 903 history shows it.

The **second review** is when the plan for permanence is expected (statutory guidance,
Children Act 1989 guidance and regulations volume 2, para 2.43): by then a child should have
one. Its date is the second review held, or when it falls due.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .dates import add_days, add_months, add_working_days

SHORT_BREAK_STATUSES = frozenset({"V3", "V4"})
ADOPTION_PLACEMENTS = frozenset({"A3", "A4", "A5", "A6"})


@dataclass(frozen=True)
class Schedule:
    key: str
    title: str
    source: str
    first: str  # how the first review is counted, in words
    second_months: int
    then_months: int

    def first_due(self, anchor: dt.date) -> dt.date:
        if self.key == "ordinary":
            return add_working_days(anchor, 20)
        if self.key == "adoption":
            return add_days(anchor, 28)
        return add_months(anchor, 3)


ORDINARY = Schedule(
    "ordinary",
    "Looked-after reviews",
    "Care Planning, Placement and Case Review (England) Regulations 2010, reg 33",
    "20 working days after entering care",
    3,
    6,
)
SHORT_BREAKS = Schedule(
    "short_breaks",
    "Short breaks",
    "Care Planning, Placement and Case Review (England) Regulations 2010, reg 48",
    "3 months after the first short break",
    6,
    6,
)
ADOPTION = Schedule(
    "adoption",
    "Placed for adoption",
    "Adoption Agencies Regulations 2005, reg 36",
    "4 weeks after placement for adoption",
    3,
    6,
)
SCHEDULES = {s.key: s for s in (ORDINARY, SHORT_BREAKS, ADOPTION)}


@dataclass(frozen=True)
class ScheduleInUse:
    schedule: Schedule
    anchor: dt.date  # the day the schedule counts from


def schedule_for(
    current: Any, period_episodes: Sequence[Any], period_start: dt.date
) -> ScheduleInUse:
    """The schedule for a child whose open episode is `current`, in a period of care
    starting `period_start` whose episodes (in start order) are `period_episodes`."""
    if current.legal_status in SHORT_BREAK_STATUSES:
        return ScheduleInUse(SHORT_BREAKS, period_start)
    if current.placement_type in ADOPTION_PLACEMENTS:
        return ScheduleInUse(ADOPTION, _adoption_placement_start(current, period_episodes))
    return ScheduleInUse(ORDINARY, period_start)


def _adoption_placement_start(current: Any, period_episodes: Sequence[Any]) -> dt.date:
    """Back from the current episode through the adoption placements that lead to it."""
    start = current.start_date
    for episode in reversed([e for e in period_episodes if e.start_date < current.start_date]):
        if episode.placement_type not in ADOPTION_PLACEMENTS or episode.end_date != start:
            break
        start = episode.start_date
    return start


@dataclass(frozen=True)
class ReviewDue:
    due: dt.date
    reason: str
    schedule: Schedule


def reviews_counted(in_use: ScheduleInUse, reviews: Sequence[dt.date]) -> list[dt.date]:
    """The reviews this schedule counts: on or after the day it counts from, oldest first."""
    return sorted(r for r in reviews if r >= in_use.anchor)


def next_review_due(
    in_use: ScheduleInUse, reviews: Sequence[dt.date], *, earlier_unknown: bool = False
) -> ReviewDue:
    """When the next review is due, given the reviews held (any order; only the last two
    count). `earlier_unknown`: the reviews before the last one held are not known (see the
    module's notes)."""
    s, held = in_use.schedule, reviews_counted(in_use, reviews)
    if not held:
        return ReviewDue(s.first_due(in_use.anchor), f"the first review, {s.first}", s)
    if len(held) == 1 and _later_one(in_use, held, earlier_unknown):
        return ReviewDue(
            add_months(held[0], s.then_months),
            f"{s.then_months} months after the last review (the reviews before it are not known)",
            s,
        )
    if len(held) == 1:
        return ReviewDue(
            add_months(held[0], s.second_months),
            f"the second review, {s.second_months} months after the first",
            s,
        )
    return ReviewDue(
        add_months(held[-1], s.then_months), f"{s.then_months} months after the last review", s
    )


def _later_one(in_use: ScheduleInUse, held: Sequence[dt.date], earlier_unknown: bool) -> bool:
    """One review, the ones before it not known, held after the first review was due: taken
    as the second or a later review (see the module's notes)."""
    return earlier_unknown and held[-1] > in_use.schedule.first_due(in_use.anchor)


@dataclass(frozen=True)
class SecondReview:
    held: bool
    due: dt.date | None  # when it falls due, while it has not been held


def second_review(
    in_use: ScheduleInUse, reviews: Sequence[dt.date], *, earlier_unknown: bool = False
) -> SecondReview:
    s, held = in_use.schedule, reviews_counted(in_use, reviews)
    if len(held) >= 2 or (len(held) == 1 and _later_one(in_use, held, earlier_unknown)):
        return SecondReview(True, None)
    first = held[0] if held else s.first_due(in_use.anchor)
    return SecondReview(False, add_months(first, s.second_months))
