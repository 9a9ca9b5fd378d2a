"""How children leave care (903 REC codes), and coming back.

- **SGO exits**: E45 to E48 since 2018/19, E43 and E44 before (historic files carry them);
  E43, E45 and E46 are to a former foster carer.
- **Adoption**: E11 (application unopposed) and E12 (consent dispensed with).
- **Child arrangements order**: E41. **Returned home**: E4A as part of the care plan, E4B not,
  and E13, to live with parents, relatives or others without parental responsibility (the
  903's guidance: a return to family, not an "other" reason).
- **Reached adulthood**: E5 and E6 (independent living), E7 (adult social care), E15 (age
  assessed as 18 or over) and E17 (staying put with carers at 18). These end care because the
  young person is grown up, not because someone decided a child was safe to leave, so
  `exit_kind` reports them apart from **exit decisions** (SGO, child arrangements order,
  adoption and the three returns home), as it does any exit on or after the 18th birthday
  whatever its code. Everything else (died, moved to another council, custody, remand ended,
  moved abroad, E8, blank) is **other**.
- A **re-entry** is the child starting a new period of care strictly after leaving and
  within 12 calendar months: on or before the same date a year later (`add_months`).
- An exit's 12 months **have run** at a date when that date is on or after the same date a
  year after the exit; until then it is **still in the window**: a re-entry may yet come, so
  the exit is left out of re-entry rates and counted apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Case, CharField, Value, When

from .dates import add_months

# The collection year (by the year it ends) whose return first split the SGO exit into
# four codes: E43/E44 to 2017/18, E45 to E48 from 2018/19.
SGO_CODES_SPLIT_YEAR = 2019
HISTORIC_SGO_EXIT_CODES = frozenset({"E43", "E44"})  # before 2018/19
CURRENT_SGO_EXIT_CODES = frozenset({"E45", "E46", "E47", "E48"})  # since 2018/19
SGO_EXIT_CODES = HISTORIC_SGO_EXIT_CODES | CURRENT_SGO_EXIT_CODES
FORMER_FOSTER_CARER_SGO_CODES = frozenset({"E43", "E45", "E46"})
ADOPTION_EXIT_CODES = frozenset({"E11", "E12"})
CAO_EXIT_CODES = frozenset({"E41"})
RETURN_HOME_PLANNED_CODES = frozenset({"E4A"})
RETURN_HOME_UNPLANNED_CODES = frozenset({"E4B"})
RETURN_HOME_WITHOUT_PR_CODES = frozenset({"E13"})
ADULTHOOD_EXIT_CODES = frozenset({"E5", "E6", "E7", "E15", "E17"})
ADULT_AGE = 18

REENTRY_MONTHS = 12

ROUTES: tuple[str, ...] = (
    "sgo",
    "cao",
    "return_home_planned",
    "return_home_unplanned",
    "return_home_without_pr",
    "adoption",
    "adulthood",
    "other",
)
ROUTE_LABELS: dict[str, str] = {
    "sgo": "Special guardianship order",
    "cao": "Child arrangements order",
    "return_home_planned": "Returned home as part of the care plan",
    "return_home_unplanned": "Returned home not as part of the care plan",
    "return_home_without_pr": "Went to live with family without parental responsibility",
    "adoption": "Adoption",
    "adulthood": "Reached adulthood (E5, E6, E7, E15, E17)",
    "other": "Other reasons",
}
RETURN_HOME_ROUTES = frozenset(
    {"return_home_planned", "return_home_unplanned", "return_home_without_pr"}
)
# The routes by which someone decided a child could safely leave care.
DECISION_ROUTES = frozenset({"sgo", "cao", "adoption"}) | RETURN_HOME_ROUTES
EXIT_KINDS = ("decision", "adulthood", "other")
_ROUTE_CODES: dict[str, frozenset[str]] = {
    "sgo": SGO_EXIT_CODES,
    "cao": CAO_EXIT_CODES,
    "return_home_planned": RETURN_HOME_PLANNED_CODES,
    "return_home_unplanned": RETURN_HOME_UNPLANNED_CODES,
    "return_home_without_pr": RETURN_HOME_WITHOUT_PR_CODES,
    "adoption": ADOPTION_EXIT_CODES,
    "adulthood": ADULTHOOD_EXIT_CODES,
}
_ROUTE_BY_REASON = {code: route for route, codes in _ROUTE_CODES.items() for code in codes}


def route_of(reason_ceased: str) -> str:
    """The exit route of a leaving reason; every reason not named is `other`."""
    return _ROUTE_BY_REASON.get(reason_ceased, "other")


def exit_kind(route: str, age_at_exit: int | None) -> str:
    """`decision`, `adulthood` or `other` (see the module's notes): an exit on or after the
    18th birthday is adulthood whatever its route; with no date of birth, the route alone."""
    if route == "adulthood" or (age_at_exit is not None and age_at_exit >= ADULT_AGE):
        return "adulthood"
    return "decision" if route in DECISION_ROUTES else "other"


def is_sgo_exit(reason_ceased: str) -> bool:
    return reason_ceased in SGO_EXIT_CODES


def reentry_deadline(exit_date: dt.date, months: int = REENTRY_MONTHS) -> dt.date:
    """The last day on which a new period of care counts as a re-entry."""
    return add_months(exit_date, months)


def reentered(
    exit_date: dt.date, period_starts: Iterable[dt.date], months: int = REENTRY_MONTHS
) -> bool:
    """A new period of care began after the exit and within `months` calendar months."""
    last = reentry_deadline(exit_date, months)
    return any(exit_date < start <= last for start in period_starts)


def follow_up_complete(exit_date: dt.date, on: dt.date, months: int = REENTRY_MONTHS) -> bool:
    """The exit's months have run by `on`, so whether the child came back is known."""
    return on >= reentry_deadline(exit_date, months)


# SQL forms ---------------------------------------------------------------------------------


def route_case(field: str = "reason_ceased") -> Case:
    """`route_of` as an annotation over a reason-ceased column."""
    return Case(
        *[
            When(**{f"{field}__in": sorted(codes)}, then=Value(route))
            for route, codes in _ROUTE_CODES.items()
        ],
        default=Value("other"),
        output_field=CharField(),
    )
