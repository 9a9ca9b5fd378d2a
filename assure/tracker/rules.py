"""The tracker's rules: who is on it at a date, their period of care, and the flags.

Everything here is plain Python over plain values, so each rule can be tested at both sides
of its threshold without a database. Thresholds come from the versioned rule set
(`models.RuleSet`) through `Thresholds`.

Choices made where the statute or the issue leaves room (shown in the user guide too):
- review dates count working days in England: weekends and bank holidays are skipped
  (core.working_days);
- a record is stale when nothing dated about it (the child's own update time, a permanence
  plan being recorded, and the dates of its episodes, reviews, proceedings, hearings, SGO
  assessments and support plans) falls within the threshold; only children in care are
  checked, because a child who left care is expected to go quiet;
- the SGO breakdown flag uses the 903 PrevPerm table, which the return keeps for the child's
  latest period of care: any P2 record raises it.
"""

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from assure.core import working_days

RED, AMBER, GREEN = "red", "amber", "green"
SEVERITY = {GREEN: 0, AMBER: 1, RED: 2}
CONTINUES = "X1"  # REC: the episode ended but the child stays looked after


class EpisodeLike(Protocol):
    start_date: dt.date
    end_date: dt.date | None
    reason_ceased: str


@dataclass(frozen=True)
class Thresholds:
    plo_overdue_days: int = 182
    plo_warning_days: int = 140
    plan_amber_months: int = 4
    plan_red_months: int = 6
    sgo_assessment_weeks: int = 12
    sgo_support_plan_weeks: int = 4
    stale_days: int = 90

    @classmethod
    def of(cls, rule_set: Any) -> "Thresholds":
        return cls(**{name: getattr(rule_set, name) for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Flag:
    code: str
    level: str
    message: str


# Flag codes with a short title, for filters and the user guide.
FLAG_TITLES: dict[str, str] = {
    "plo_overdue": "Proceedings past 26 weeks",
    "plo_week_20": "Proceedings at week 20 or later",
    "no_permanence_plan": "No permanence plan",
    "review_overdue": "Looked-after review overdue",
    "sgo_assessment_late": "No full SGO assessment before the final hearing",
    "sgo_no_support_plan": "No SGO support plan before the final hearing",
    "sgo_breakdown": "Entered care after an SGO broke down",
    "stale_record": "Record not updated",
}


# Dates -------------------------------------------------------------------------------------


def fmt(day: dt.date) -> str:
    """3 Jan 2026: the GOV.UK style for dates in tables and messages."""
    return f"{day.day} {day:%b %Y}"


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day of the month `months` later, or the month's last day when it has no
    such day (31 Aug + 6 months is 28 or 29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, _days_in_month(year, month)))


def _days_in_month(year: int, month: int) -> int:
    # Not calendar.monthrange, which also works out the weekday: a third of the time of a
    # national tracker's rules went on that.
    if month == 2:
        return 29 if calendar.isleap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def one_year_before(day: dt.date) -> dt.date:
    """The same calendar date a year earlier; 29 Feb goes to 28 Feb."""
    return add_months(day, -12)


def add_working_days(day: dt.date, days: int) -> dt.date:
    """`days` working days after `day`, skipping weekends and England's bank holidays."""
    return working_days.add_working_days(day, days)


def age_on(date_of_birth: dt.date | None, on: dt.date) -> int | None:
    if date_of_birth is None:
        return None
    before_birthday = (on.month, on.day) < (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - before_birthday


def proceedings_week(issue_date: dt.date, on: dt.date) -> int:
    """The week of proceedings `on` falls in: days 0 to 6 after issue are week 1."""
    return (on - issue_date).days // 7 + 1


# Membership and the period of care ---------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """Where a child stands on the tracker at a date."""

    looked_after: bool
    period_start: dt.date
    episode: Any  # the episode open on the date, or the last one of the period that ended
    ceased_date: dt.date | None
    reason_ceased: str


def periods_of_care(episodes: Sequence[EpisodeLike]) -> list[list[EpisodeLike]]:
    """Episodes joined into periods of care: the next episode continues a period when the
    previous ended with X1 on the day it starts."""
    periods: list[list[EpisodeLike]] = []
    for episode in sorted(episodes, key=lambda e: e.start_date):
        last = periods[-1][-1] if periods else None
        if (
            last is not None
            and last.reason_ceased == CONTINUES
            and last.end_date == episode.start_date
        ):
            periods[-1].append(episode)
        else:
            periods.append([episode])
    return periods


def is_open_on(episode: EpisodeLike, on: dt.date) -> bool:
    return episode.start_date <= on and (episode.end_date is None or episode.end_date > on)


def ceased_care(episode: EpisodeLike) -> bool:
    return episode.end_date is not None and episode.reason_ceased != CONTINUES


def period_start_of(episode: EpisodeLike, episodes: Sequence[EpisodeLike]) -> dt.date:
    """The start of the period of care an episode belongs to: back through each episode that
    ended with X1 on the day the next began. Matching dates rather than neighbours in date
    order keeps a period whole when a stray overlapping episode sits inside it (903 files
    have them); where two could lead in, the earlier-starting one is taken."""
    ending_on: dict[dt.date, list[EpisodeLike]] = {}
    for e in episodes:
        if e.end_date is not None and e.reason_ceased == CONTINUES:
            ending_on.setdefault(e.end_date, []).append(e)
    start, seen = episode.start_date, {episode.start_date}
    while ending_on.get(start):
        start = min(e.start_date for e in ending_on[start])
        if start in seen:  # a loop in bad data: stop rather than spin
            break
        seen.add(start)
    return start


def standing_on(episodes: Sequence[EpisodeLike], on: dt.date) -> Standing | None:
    """The child's standing at `on`, or None when they are not on the tracker: neither looked
    after on the date nor ceasing to be (a reason other than X1) after the same date a year
    before and on or before it. Episodes starting after the date are not yet known."""
    known = sorted((e for e in episodes if e.start_date <= on), key=lambda e: e.start_date)
    open_now = [e for e in known if is_open_on(e, on)]
    if open_now:
        current = open_now[-1]
        return Standing(True, period_start_of(current, known), current, None, "")
    window_start = one_year_before(on)
    ceased = [
        e
        for e in known
        if ceased_care(e) and window_start < e.end_date <= on  # type: ignore[operator]
    ]
    if ceased:
        last = max(ceased, key=lambda e: (e.end_date, e.start_date))
        return Standing(
            False, period_start_of(last, known), last, last.end_date, last.reason_ceased
        )
    return None


# Looked-after reviews ----------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewDue:
    due: dt.date
    reason: str


def next_review_due(period_start: dt.date, reviews: Iterable[dt.date]) -> ReviewDue:
    """Reg 33 of the 2010 Regulations: the first review within 20 working days of entering
    care, the second within 3 months of the first, then every 6 months."""
    held = sorted(reviews)
    if not held:
        return ReviewDue(
            add_working_days(period_start, 20), "the first review, 20 working days after entry"
        )
    if len(held) == 1:
        return ReviewDue(add_months(held[0], 3), "the second review, 3 months after the first")
    return ReviewDue(add_months(held[-1], 6), "6 months after the last review")


# Flags -------------------------------------------------------------------------------------


@dataclass
class Facts:
    """What the rules need to know about one child at one date."""

    on: dt.date
    looked_after: bool
    period_start: dt.date
    plan: str | None = None
    proceedings_issued: dt.date | None = None  # earliest issue date of open proceedings
    final_hearing: dt.date | None = None  # next final hearing on or after the date
    full_assessment_started: bool = False
    support_plan_agreed: bool = False
    reviews: list[dt.date] = field(default_factory=list)  # in this period, on or before
    previous_permanence: set[str] = field(default_factory=set)
    last_update: dt.date | None = None


def _weeks_days(days: int) -> str:
    weeks, rest = divmod(days, 7)
    parts = [f"{weeks} week{'s' * (weeks != 1)}"] if weeks else []
    if rest or not parts:
        parts.append(f"{rest} day{'s' * (rest != 1)}")
    return " and ".join(parts)


def plo_flags(facts: Facts, t: Thresholds) -> list[Flag]:
    issued = facts.proceedings_issued
    if issued is None:
        return []
    days = (facts.on - issued).days
    week = proceedings_week(issued, facts.on)
    limit = issued + dt.timedelta(days=t.plo_overdue_days)
    if days > t.plo_overdue_days:
        return [
            Flag(
                "plo_overdue",
                RED,
                f"Proceedings are in week {week}: past the {t.plo_overdue_days // 7}-week limit "
                f"(issued {fmt(issued)}, limit {fmt(limit)}).",
            )
        ]
    if days >= t.plo_warning_days:
        return [
            Flag(
                "plo_week_20",
                AMBER,
                f"Proceedings are in week {week}: {(limit - facts.on).days} days to the "
                f"{t.plo_overdue_days // 7}-week limit on {fmt(limit)} (issued {fmt(issued)}).",
            )
        ]
    return []


def permanence_plan_flags(facts: Facts, t: Thresholds) -> list[Flag]:
    if not facts.looked_after or facts.plan:
        return []
    days = (facts.on - facts.period_start).days
    for months, level in ((t.plan_red_months, RED), (t.plan_amber_months, AMBER)):
        if facts.on > add_months(facts.period_start, months):
            return [
                Flag(
                    "no_permanence_plan",
                    level,
                    f"In care for {days} days (since {fmt(facts.period_start)}), more than "
                    f"{months} months, with no permanence plan agreed.",
                )
            ]
    return []


def review_flags(facts: Facts, t: Thresholds) -> list[Flag]:
    if not facts.looked_after:
        return []
    due = next_review_due(facts.period_start, facts.reviews)
    if facts.on <= due.due:
        return []
    late = (facts.on - due.due).days
    return [
        Flag(
            "review_overdue",
            RED,
            f"The looked-after review was due on {fmt(due.due)} ({due.reason}): "
            f"{late} day{'s' * (late != 1)} overdue.",
        )
    ]


def sgo_flags(facts: Facts, t: Thresholds) -> list[Flag]:
    if facts.plan != "sgo" or facts.final_hearing is None:
        return []
    days = (facts.final_hearing - facts.on).days
    if days < 0:
        return []
    flags = []
    when = f"The final hearing on {fmt(facts.final_hearing)} is in {_weeks_days(days)}"
    if days <= t.sgo_assessment_weeks * 7 and not facts.full_assessment_started:
        flags.append(
            Flag(
                "sgo_assessment_late",
                RED,
                f"{when} (within {t.sgo_assessment_weeks} weeks) and no full SGO assessment "
                "has started.",
            )
        )
    if days <= t.sgo_support_plan_weeks * 7 and not facts.support_plan_agreed:
        flags.append(
            Flag(
                "sgo_no_support_plan",
                AMBER,
                f"{when} (within {t.sgo_support_plan_weeks} weeks) and no SGO support plan "
                "is agreed.",
            )
        )
    return flags


def breakdown_flags(facts: Facts, t: Thresholds) -> list[Flag]:
    if "P2" not in facts.previous_permanence:
        return []
    return [
        Flag(
            "sgo_breakdown",
            RED,
            f"Entered care on {fmt(facts.period_start)} after a special guardianship order "
            "broke down (previous permanence P2).",
        )
    ]


def stale_flags(facts: Facts, t: Thresholds) -> list[Flag]:
    if not facts.looked_after:
        return []
    last = facts.last_update
    if last is not None and (facts.on - last).days <= t.stale_days:
        return []
    since = f"since {fmt(last)} ({(facts.on - last).days} days)" if last else "ever"
    return [
        Flag(
            "stale_record",
            AMBER,
            f"Nothing about the child has been updated {since}: more than {t.stale_days} days.",
        )
    ]


RULES = (
    plo_flags,
    permanence_plan_flags,
    review_flags,
    sgo_flags,
    breakdown_flags,
    stale_flags,
)


def evaluate(facts: Facts, thresholds: Thresholds) -> list[Flag]:
    """Every flag for one child, worst first."""
    flags = [flag for rule in RULES for flag in rule(facts, thresholds)]
    return sorted(flags, key=lambda f: -SEVERITY[f.level])


def rag_of(flags: Iterable[Flag]) -> str:
    """The worst flag's level; green when there is none."""
    return max((f.level for f in flags), key=SEVERITY.__getitem__, default=GREEN)
