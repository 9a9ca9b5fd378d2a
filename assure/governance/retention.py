"""When a record's retention period ends: the rules as pure functions, with the database
filter beside them that finds the children who may be past it.

A child's record (and everything Assure holds that hangs off it: audits, proposals, panel
items, family links, import checks) is kept until every rule that applies to the child
allows it to go:

- **looked after** (any episode of care): until the 75th birthday, or, if the child died
  before 18, for 15 years from the date of death (the Care Planning, Placement and Case
  Review (England) Regulations 2010, reg 50);
- **adopted** (an episode ended E11 or E12): 100 years from the adoption order, taken as the
  day that episode ended (the Disclosure of Adoption Information (Post-Commencement
  Adoptions) Regulations 2005, reg 6);
- **never looked after**: until the 25th birthday (the council's choice).

The years are the rules' (`RetentionRule`, versioned data); what each counts from is this
module's. A period ends on the anniversary: the record may go from that day (`due`). A
record whose period cannot be worked out (no date of birth) is kept and counted apart.
Anniversaries of 29 February fall on 1 March in other years, the later of the two days, as
`children.care.dates.birthday` counts.

The access log and import records are kept a number of years from each entry, and go
together once older than the cut-off (`cutoff`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from assure.children import codes
from assure.children.care.dates import add_months, birthday
from assure.children.care.exits import ADOPTION_EXIT_CODES

from .models import Kind

DIED = codes.ReasonCeased.E2.value
ADULT_AGE = 18
CHILD_KINDS = (Kind.LOOKED_AFTER_CHILD, Kind.ADOPTED_CHILD, Kind.OTHER_CHILD)
ROW_KINDS = (Kind.ACCESS_LOG, Kind.IMPORT_RUN)
# A day or two either side does not matter to a filter that only narrows the candidates:
# the pure function decides.
_MARGIN = dt.timedelta(days=2)


@dataclass(frozen=True)
class KindInfo:
    """What a kind of record's period counts from, and the least the law allows."""

    counted_from: str
    law_minimum_years: int | None = None
    law_minimum_years_after_death: int | None = None


KINDS: dict[str, KindInfo] = {
    Kind.LOOKED_AFTER_CHILD: KindInfo(
        "the date of birth; a child who died before 18, the date of death",
        law_minimum_years=75,
        law_minimum_years_after_death=15,
    ),
    Kind.ADOPTED_CHILD: KindInfo("the adoption order (the day the episode ended E11 or E12)", 100),
    Kind.OTHER_CHILD: KindInfo("the date of birth"),
    Kind.ACCESS_LOG: KindInfo("each entry"),
    Kind.IMPORT_RUN: KindInfo("each import"),
}


@dataclass(frozen=True)
class Years:
    """A rule's numbers, as the pure functions need them."""

    years: int
    years_after_death: int | None = None


@dataclass(frozen=True)
class ChildFacts:
    """What the rules read about a child."""

    date_of_birth: dt.date | None
    looked_after: bool
    died_on: dt.date | None = None
    adopted_on: dt.date | None = None


@dataclass(frozen=True)
class Due:
    """When a child's record may go, and which rule says so (the one that keeps it
    longest). `on` is None when the period cannot be worked out."""

    on: dt.date | None
    kind: str


def died_under_18(facts: ChildFacts) -> bool:
    return (
        facts.died_on is not None
        and facts.date_of_birth is not None
        and facts.died_on < birthday(facts.date_of_birth, ADULT_AGE)
    )


def due(facts: ChildFacts, rules: Mapping[str, Years]) -> Due:
    """The day a child's record may be deleted from, under every rule that applies."""
    found: list[Due] = []
    if facts.adopted_on is not None:
        found.append(Due(birthday(facts.adopted_on, rules[Kind.ADOPTED_CHILD].years), "adopted"))
    if facts.looked_after:
        rule = rules[Kind.LOOKED_AFTER_CHILD]
        if died_under_18(facts) and rule.years_after_death is not None:
            on = birthday(facts.died_on, rule.years_after_death)  # type: ignore[arg-type]
        elif facts.date_of_birth is not None:
            on = birthday(facts.date_of_birth, rule.years)
        else:
            on = None
        found.append(Due(on, Kind.LOOKED_AFTER_CHILD))
    else:
        dob = facts.date_of_birth
        found.append(
            Due(birthday(dob, rules[Kind.OTHER_CHILD].years) if dob else None, Kind.OTHER_CHILD)
        )
    if any(d.on is None for d in found):
        return Due(None, next(d.kind for d in found if d.on is None))
    latest = max(found, key=lambda d: d.on)  # type: ignore[arg-type,return-value]
    return Due(latest.on, Kind.ADOPTED_CHILD if latest.kind == "adopted" else latest.kind)


def is_past(facts: ChildFacts, rules: Mapping[str, Years], on: dt.date) -> bool:
    when = due(facts, rules).on
    return when is not None and when <= on


def _years_before(on: dt.date, years: int) -> dt.date:
    return add_months(on, -12 * years)


@dataclass(frozen=True)
class Thresholds:
    """Dates on or before which some rule could have ended (a child past retention passes at
    least one): the database's narrowing of the candidates."""

    born_by: dt.date
    died_by: dt.date | None
    adopted_by: dt.date

    def admits(self, facts: ChildFacts) -> bool:
        """The same test as `candidates_q`, in Python (held to `is_past` by the tests)."""
        born = facts.date_of_birth is not None and facts.date_of_birth <= self.born_by
        died = (
            self.died_by is not None and facts.died_on is not None and facts.died_on <= self.died_by
        )
        adopted = facts.adopted_on is not None and facts.adopted_on <= self.adopted_by
        return born or died or adopted


def thresholds(rules: Mapping[str, Years], on: dt.date) -> Thresholds:
    born = min(rules[Kind.LOOKED_AFTER_CHILD].years, rules[Kind.OTHER_CHILD].years)
    after_death = rules[Kind.LOOKED_AFTER_CHILD].years_after_death
    return Thresholds(
        born_by=_years_before(on, born) + _MARGIN,
        died_by=_years_before(on, after_death) + _MARGIN if after_death is not None else None,
        adopted_by=_years_before(on, rules[Kind.ADOPTED_CHILD].years) + _MARGIN,
    )


def candidates_q(limits: Thresholds) -> Q:
    """`Thresholds.admits` as a filter over Child."""
    from assure.children.models import Episode

    q = Q(date_of_birth__lte=limits.born_by)
    if limits.died_by is not None:
        died = Episode.objects.filter(
            child_id=OuterRef("pk"), reason_ceased=DIED, end_date__lte=limits.died_by
        )
        q |= Q(Exists(died))
    adopted = Episode.objects.filter(
        child_id=OuterRef("pk"),
        reason_ceased__in=ADOPTION_EXIT_CODES,
        end_date__lte=limits.adopted_by,
    )
    return q | Q(Exists(adopted))


def cutoff(years: int, on: dt.date) -> dt.datetime:
    """The start of the day `years` before `on`, in the council's time zone: entries before
    it are past a period counted from each entry."""
    start = dt.datetime.combine(_years_before(on, years), dt.time.min)
    return timezone.make_aware(start)
