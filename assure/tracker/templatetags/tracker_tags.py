"""`{% child_tracker_flags record as tracker %}`: the child's standing on the tracker today,
for the child's page: the page's own care facts (`children.selectors.child_record`) through
the tracker's rules and thresholds, so the page and the tracker say the same."""

from dataclasses import dataclass
from typing import Any

from django import template

from assure.children.care import plans
from assure.tracker import rows, rules
from assure.tracker.snapshot import current_rule_set

register = template.Library()


@dataclass(frozen=True)
class ChildStanding:
    rag: str
    flags: list[rules.Flag]


@register.simple_tag
def child_tracker_flags(record: Any) -> ChildStanding | None:
    """The flags of a child the page has already fetched through the access policy, or None
    when they are not on the tracker today."""
    care = record.facts
    if not care.on_tracker:
        return None
    updated = rows.last_update(
        care=care,
        updated_at=record.child.updated_at,
        plans=[p for p in record.plans if plans.in_force_from(p) <= care.on],
        episodes=[e for e in record.episodes if e.start_date <= care.on],
        reviews=[r.review_date for r in record.reviews],
        assessments=record.assessments,
        support_plan_dates=[s.agreed_date for s in record.support_plans],
    )
    flags = rules.evaluate(rules.Facts(care, updated), rules.Thresholds.of(current_rule_set()))
    return ChildStanding(rules.rag_of(flags), flags)


# A few words for each flag, for the compact tracker row where a person scans down a column;
# the flag's full message (what is late and by how much) is on the child's page, in print and
# in the exports. Words only: what raises a flag is rules.py's.
SHORT_TITLES: dict[str, str] = {
    "plo_overdue": "Past 26 weeks",
    "plo_week_20": "Week 20 or later",
    "no_permanence_plan": "No plan",
    "review_overdue": "Review overdue",
    "sgo_assessment_late": "SGO assessment late",
    "sgo_no_support_plan": "No SGO support plan",
    "sgo_breakdown": "After an SGO broke down",
    "stale_record": "Not updated",
    "sgo_assessment_incomplete": "SGO assessment incomplete",
    "sgo_no_final_hearing": "No final hearing listed",
    "proceedings_no_issue_date": "No issue date",
}


@register.filter
def flag_short(flag: rules.Flag) -> str:
    return SHORT_TITLES.get(flag.code) or rules.FLAG_TITLES.get(flag.code, flag.code)
