"""The tracker's flags: what needs attention about a child at a date.

The facts come from the care-history rules (`assure.children.care`): period of care, plan,
proceedings and their 26-week limit, the review schedule, SGO assessments. Here they are
turned into flags, each with a level and a message in words. Everything is plain Python over
plain values, so each flag can be tested at both sides of its threshold without a database.
Thresholds that are the council's to set come from the versioned rule set (`models.RuleSet`)
through `Thresholds`; statutory limits (26 weeks, review schedules) are the law's and live in
the care rules. The user guide (docs/user-guide/tracker.md) gives each flag's source.

Choices made where the law leaves room:
- the week-20 warning is a threshold (`plo_warning_days`, from day 133: the first day of
  week 20); the 26-week limit itself is the statute's, extended when the court extends it;
- a child on short breaks (V3, V4) is not flagged for a permanence plan: reg 48 of the 2010
  Regulations replaces their care plan with a short-break care plan, as they live at home;
- a record is stale when nothing dated about it (the child's own update time, a permanence
  plan being recorded, and the dates of its episodes, reviews, proceedings, hearings, SGO
  assessments and support plans) falls within the threshold; only children in care are
  checked, because a child who left care is expected to go quiet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from assure.children import codes
from assure.children.care import proceedings as court
from assure.children.care.history import CareFacts

RED, AMBER, GREEN = "red", "amber", "green"
SEVERITY = {GREEN: 0, AMBER: 1, RED: 2}


@dataclass(frozen=True)
class Thresholds:
    plo_warning_days: int = 133
    plan_warning_weeks: int = 4
    sgo_assessment_weeks: int = 12
    sgo_report_weeks: int = 4
    sgo_support_plan_weeks: int = 4
    sgo_final_hearing_week: int = 25
    stale_days: int = 90

    @classmethod
    def of(cls, rule_set: Any) -> Thresholds:
        return cls(**{name: getattr(rule_set, name) for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Flag:
    code: str
    level: str
    message: str


# Flag codes with a short title, for filters, the user guide and the snapshot's bits (the
# order is the bit order: add new flags at the end).
FLAG_TITLES: dict[str, str] = {
    "plo_overdue": "Proceedings past 26 weeks",
    "plo_week_20": "Proceedings at week 20 or later",
    "no_permanence_plan": "No permanence plan by the second review",
    "review_overdue": "Looked-after review overdue",
    "sgo_assessment_late": "No full SGO assessment of the planned carer",
    "sgo_no_support_plan": "No SGO support plan with the SGO report",
    "sgo_breakdown": "Entered care after an SGO broke down",
    "stale_record": "Record not updated",
    "sgo_assessment_incomplete": "SGO assessment not complete before the final hearing",
    "sgo_no_final_hearing": "SGO plan at week 25 with no final hearing listed",
    "proceedings_no_issue_date": "Care proceedings open with no issue date",
}
FLAG_BITS: dict[str, int] = {code: 1 << n for n, code in enumerate(FLAG_TITLES)}
FLAG_LEVELS: dict[str, tuple[str, ...]] = {
    "plo_overdue": (RED,),
    "plo_week_20": (AMBER,),
    "no_permanence_plan": (AMBER, RED),
    "review_overdue": (RED,),
    "sgo_assessment_late": (RED,),
    "sgo_no_support_plan": (AMBER,),
    "sgo_breakdown": (RED,),
    "stale_record": (AMBER,),
    "sgo_assessment_incomplete": (RED,),
    "sgo_no_final_hearing": (AMBER,),
    "proceedings_no_issue_date": (AMBER,),
}


def fmt(day: dt.date) -> str:
    """3 Jan 2026: the GOV.UK style for dates in tables and messages."""
    return f"{day.day} {day:%b %Y}"


def _days(n: int) -> str:
    return f"{n} day{'s' * (n != 1)}"


def _weeks_days(days: int) -> str:
    weeks, rest = divmod(days, 7)
    parts = [f"{weeks} week{'s' * (weeks != 1)}"] if weeks else []
    if rest or not parts:
        parts.append(_days(rest))
    return " and ".join(parts)


@dataclass
class Facts:
    """What the flags read about one child at one date: the care facts and the date the
    record last changed."""

    care: CareFacts
    last_update: dt.date | None = None

    @property
    def on(self) -> dt.date:
        return self.care.on


# The flags ---------------------------------------------------------------------------------


def plo_flags(facts: Facts, t: Thresholds) -> list[Flag]:
    """Care and supervision applications only (s32(1)(a)); extensions move the limit."""
    scale = facts.care.timescale
    if scale is None:
        return _no_issue_date(facts)
    issued = f"issued {fmt(scale.issue_date)}"
    if scale.extended_to:
        issued += f", extended to {fmt(scale.extended_to)}"
    if scale.overdue:
        late = (facts.on - scale.limit).days
        return [
            Flag(
                "plo_overdue",
                RED,
                f"Proceedings are in week {scale.week} of {court.LIMIT_WEEKS}: {_days(late)} past "
                f"the limit on {fmt(scale.limit)} ({issued}).",
            )
        ]
    if scale.day >= t.plo_warning_days:
        return [
            Flag(
                "plo_week_20",
                AMBER,
                f"Proceedings are in week {scale.week} of {court.LIMIT_WEEKS}: "
                f"{_days(scale.days_left)} to the limit on {fmt(scale.limit)} ({issued}).",
            )
        ]
    return []


def _no_issue_date(facts: Facts) -> list[Flag]:
    """Care or supervision proceedings open with no issue date: the 26-week limit cannot be
    worked out, so nothing would warn of it (stale data, flagged like a record not updated)."""
    undated = [
        p
        for p in facts.care.open_proceedings
        if court.carries_26_weeks(p.application_type) and p.issue_date is None
    ]
    if not undated:
        return []
    care = any(p.application_type == codes.ApplicationType.CARE for p in undated)
    kind = "Care" if care else "Supervision"
    return [
        Flag(
            "proceedings_no_issue_date",
            AMBER,
            f"{kind} proceedings are open with no issue date recorded: record it, so that the "
            f"26-week limit can be checked.",
        )
    ]


def permanence_plan_flags(facts: Facts, t: Thresholds) -> list[Flag]:
    """A plan for permanence by the second looked-after review: amber from `plan_warning_weeks`
    before it falls due, red once it has been held or its due date has passed."""
    care = facts.care
    if not care.looked_after or care.plan is not None or care.second_review is None:
        return []
    if care.schedule is not None and care.schedule.schedule.key == "short_breaks":
        return []
    second = care.second_review
    if second.held:
        message = "The second looked-after review has been held and no permanence plan is agreed."
        return [Flag("no_permanence_plan", RED, message)]
    assert second.due is not None
    if facts.on > second.due:
        late = (facts.on - second.due).days
        return [
            Flag(
                "no_permanence_plan",
                RED,
                f"No permanence plan is agreed, and the second looked-after review was due on "
                f"{fmt(second.due)} ({_days(late)} ago).",
            )
        ]
    if (second.due - facts.on).days <= t.plan_warning_weeks * 7:
        return [
            Flag(
                "no_permanence_plan",
                AMBER,
                f"No permanence plan is agreed, and the second looked-after review is due on "
                f"{fmt(second.due)} (in {_days((second.due - facts.on).days)}).",
            )
        ]
    return []


def review_flags(facts: Facts, t: Thresholds) -> list[Flag]:
    due = facts.care.next_review
    if due is None or facts.on <= due.due:
        return []
    late = (facts.on - due.due).days
    return [
        Flag(
            "review_overdue",
            RED,
            f"The looked-after review was due on {fmt(due.due)} ({due.reason}; "
            f"{due.schedule.title.lower()}): {_days(late)} overdue.",
        )
    ]


def _carer(care: CareFacts) -> str:
    return _name(getattr(care.plan, "carer_name", "")) or "the planned carer"


def _name(name: str | None) -> str:
    """A carer's name as words: the spaces of a hand-typed or imported name collapsed, so that
    the message reads the same in the API, the export and the page."""
    return " ".join((name or "").split())


def sgo_flags(facts: Facts, t: Thresholds) -> list[Flag]:
    """For a plan (or parallel plan) of special guardianship."""
    care = facts.care
    if not care.plan_includes_sgo:
        return []
    standing = care.assessment
    flags: list[Flag] = []
    final = care.next_final_hearing
    if final is not None:
        days = (final.hearing_date - facts.on).days
        when = f"The final hearing on {fmt(final.hearing_date)} is in {_weeks_days(days)}"
        if standing is not None and not standing.satisfied:
            if standing.in_progress is None and days <= t.sgo_assessment_weeks * 7:
                flags.append(Flag("sgo_assessment_late", RED, f"{when}: {_no_assessment(care)}"))
            elif standing.in_progress is not None and days <= t.sgo_report_weeks * 7:
                flags.append(
                    Flag(
                        "sgo_assessment_incomplete",
                        RED,
                        f"{when} (within {t.sgo_report_weeks} weeks) and the full assessment of "
                        f"{_name(standing.in_progress.carer_name)} is not complete.",
                    )
                )
        if days <= t.sgo_support_plan_weeks * 7 and not care.support_plan_agreed:
            flags.append(
                Flag(
                    "sgo_no_support_plan",
                    AMBER,
                    f"{when} (within {t.sgo_support_plan_weeks} weeks) and no SGO support plan "
                    "is agreed.",
                )
            )
    if (
        standing is not None
        and standing.report is not None
        and not care.support_plan_agreed
        and not any(f.code == "sgo_no_support_plan" for f in flags)
    ):
        flags.append(
            Flag(
                "sgo_no_support_plan",
                AMBER,
                f"The SGO assessment of {_name(standing.report.carer_name)} was completed on "
                f"{fmt(standing.report.completed_date)} without an SGO support plan; none is "
                "agreed yet.",
            )
        )
    scale = care.timescale
    if final is None and scale is not None and scale.week >= t.sgo_final_hearing_week:
        flags.append(
            Flag(
                "sgo_no_final_hearing",
                AMBER,
                f"The plan includes special guardianship, proceedings are in week {scale.week} "
                f"of {court.LIMIT_WEEKS} and no final hearing is listed.",
            )
        )
    return flags


def _no_assessment(care: CareFacts) -> str:
    standing = care.assessment
    if standing is not None and standing.closed is not None:
        closed = standing.closed
        return (
            f"the full assessment of {_name(closed.carer_name)} ended "
            f"{closed.get_recommendation_display().lower()}, and no other full assessment of "
            f"{_carer(care)} is under way."
        )
    return f"no full SGO assessment of {_carer(care)} has started."


def breakdown_flags(facts: Facts, t: Thresholds) -> list[Flag]:
    care = facts.care
    if not care.sgo_breakdown or care.period_start is None:
        return []
    return [
        Flag(
            "sgo_breakdown",
            RED,
            f"Entered care on {fmt(care.period_start)} after a special guardianship order "
            "broke down (previous permanence P2).",
        )
    ]


def stale_flags(facts: Facts, t: Thresholds) -> list[Flag]:
    if not facts.care.looked_after:
        return []
    last = facts.last_update
    if last is not None and (facts.on - last).days <= t.stale_days:
        return []
    since = f"since {fmt(last)} ({_days((facts.on - last).days)})" if last else "ever"
    return [
        Flag(
            "stale_record",
            AMBER,
            f"Nothing about the child has been updated {since}: more than {t.stale_days} days.",
        )
    ]


RULES: tuple[Callable[[Facts, Thresholds], list[Flag]], ...] = (
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


def bits_of(flags: Iterable[Flag]) -> int:
    bits = 0
    for flag in flags:
        bits |= FLAG_BITS[flag.code]
    return bits
