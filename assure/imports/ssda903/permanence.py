"""The DfE's 903 validation rules that bear on permanence, as warnings on the rows that
break them.

Each rule is named by the DfE's code and has an Assure id (the problem's `code`). They read
a child's history as it will be after the import (stored and new rows together) and take
periods of care, exits, placements and ages from the care-history rules
(`assure.children.care`): a period of care starts where `periods` says it does, an exit is
what `periods.ends_period` says, adoption is `exits.ADOPTION_EXIT_CODES`, a placement for
adoption is `reviews.ADOPTION_PLACEMENTS`, a birthday is `dates.birthday`.

The DfE's rule texts are in its "Children looked after return (SSDA903) validation rules"
(the 2025/26 edition and its predecessors); where Assure reads a rule more narrowly than
the DfE's wording, the rule's description says how.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from assure.children.care import periods
from assure.children.care.dates import birthday
from assure.children.care.exits import ADOPTION_EXIT_CODES
from assure.children.care.reviews import ADOPTION_PLACEMENTS
from assure.children.codes import FOSTER_PLACEMENTS

from .rows import Row
from .rules import DFE_RULES, Checker, Ep, Rule, collection_end

GROUP = "Permanence (DfE rules)"
FREEING_ORDERS_ENDED = dt.date(2005, 12, 31)  # freeing orders gave way to placement orders
PREVIOUS_PERMANENCE_FROM = dt.date(2016, 4, 1)  # PrevPerm was first collected for 2016/17
DIED_OR_ADULT = frozenset({"E2", "E15"})  # died; age assessed as 18 or over
WITH_CURRENT_FOSTER_CARER = frozenset({"A3", "A5"})
PLACEMENT_ORDER, FREEING_ORDER = "E1", "D1"
# Short-lived legal statuses and their limits in days (Children Act 1989: police protection
# 72 hours, s46(6); a child assessment order 7 days, s43(5); the DfE allows an emergency
# protection order 21 days, its first 8 and their extension with room to spare).
PROTECTION_LIMITS = {"L1": (3, "361", "police protection", "72 hours"),
                     "L2": (21, "362", "an emergency protection order", "21 days"),
                     "L3": (7, "363", "a child assessment order", "7 days")}  # fmt: skip
UNDER_FOUR_CODE = "PN0"


def _rule(rule_id: str, dfe: str, title: str) -> Rule:
    return Rule(rule_id, title, dfe=dfe, source=f"{DFE_RULES}, rule {dfe}", group=GROUP)


RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        _rule(
            "episode-after-death-or-18",
            "437",
            "The episode ended because the child died (E2) or was assessed as 18 or over "
            "(E15), but later episodes follow.",
        ),
        _rule(
            "freeing-order-after-2005",
            "445",
            "Legal status D1 (freeing order) on an episode starting after December 2005, when "
            "freeing orders ended.",
        ),
        _rule(
            "parents-under-s20",
            "378",
            "Placed with parents (P1) while accommodated under section 20 (V2).",
        ),
        _rule(
            "adopted-not-placed",
            "390",
            "Adopted (E11, E12) from an episode that is not a placement for adoption (A3 to A6).",
        ),
        _rule(
            "adoption-placement-not-after-foster",
            "336",
            "Placed for adoption with the current foster carer (A3, A5) but the episode "
            "before is not a foster placement (U1 to U6) or a placement for adoption. (Read "
            "as the DfE's wording says: A3 and A5, the placements with the current foster "
            "carer.)",
        ),
        _rule(
            "placed-for-adoption-no-decision",
            "551",
            "Placed for adoption (A3 to A6) but there is no date of the decision that the "
            "child should be placed for adoption (PlacedAdoption).",
        ),
        _rule(
            "placement-order-no-decision",
            "553",
            "A placement order (E1) but no date of the decision that the child should be "
            "placed for adoption.",
        ),
        _rule(
            "freeing-order-no-decision",
            "555",
            "A freeing order (D1) but no date of the decision that the child should be "
            "placed for adoption.",
        ),
        _rule(
            "left-care-adoption-decision-open",
            "557",
            "Left care, not adopted, from a placement for adoption or a placement order, but "
            "the decision that the child should no longer be placed for adoption (its date "
            "and reason) is not recorded.",
        ),
        _rule(
            "adoption-decision-before-care",
            "1003",
            "The decision that the child should be placed for adoption is dated before the "
            "child first started to be looked after.",
        ),
        _rule(
            "ad1-decision-before-period",
            "334",
            "The decision that the child should be placed for adoption (AD1) is dated before "
            "the child's latest period of care began.",
        ),
        _rule(
            "police-protection-too-long",
            "361",
            "Police protection (L1) lasted more than 72 hours.",
        ),
        _rule(
            "epo-too-long",
            "362",
            "An emergency protection order (L2) lasted more than 21 days.",
        ),
        _rule(
            "assessment-order-too-long",
            "363",
            "A child assessment order (L3) lasted more than 7 days.",
        ),
        _rule(
            "review-under-4-code-at-4",
            "440",
            "Review participation PN0 (under 4) but the child was 4 or over at the review.",
        ),
        _rule(
            "review-code-under-4",
            "441",
            "Review participation PN1 to PN7 (aged 4 or over) but the child was under 4 at "
            "the review.",
        ),
        _rule(
            "previous-permanence-without-recent-care",
            "634",
            "Previous permanence is recorded but the child has not started a period of care "
            "on or after 1 April 2016, when the item was first collected.",
        ),
    )
}
PROTECTION_RULE_IDS = {"L1": "police-protection-too-long", "L2": "epo-too-long",
                       "L3": "assessment-order-too-long"}  # fmt: skip


@dataclass(slots=True)
class Decision:
    """A decision that the child should be placed for adoption (PlacedAdoption), from the
    files (`row`) or stored (`row` None)."""

    decided: dt.date
    ceased: dt.date | None
    reason: str
    row: Row | None


@dataclass
class ChildRecords:
    """What the permanence rules read about one child."""

    dob: dt.date | None
    episodes: list[Ep]  # sorted by start, stored and new together
    decisions: list[Decision]
    ad1: list[Row]
    previous_permanence: list[Row]
    reviews: list[Row]


def check(checker: Checker, child: ChildRecords) -> None:
    """Every permanence rule for one child."""
    for rule in _EPISODE_RULES:
        rule(checker, child)
    _decision_before_care(checker, child)
    _ad1_before_period(checker, child)
    _protection_too_long(checker, child)
    _review_codes(checker, child)
    _previous_permanence(checker, child)


def _warn(checker: Checker, row: Row, column: str, value: Any, rule_id: str, text: str) -> None:
    rule = RULES[rule_id]
    checker.warn(row, column, value, rule_id, f"{text} (DfE rule {rule.dfe})")


# Episode by episode ---------------------------------------------------------------------------


def _after_death_or_adulthood(checker: Checker, child: ChildRecords) -> None:
    episodes = child.episodes
    for index, ep in enumerate(episodes):
        if ep.rec not in DIED_OR_ADULT:
            continue
        later = [e for e in episodes[index + 1 :] if e.start >= ep.start]
        if not later:
            continue
        what = "the child died" if ep.rec == "E2" else "the child was assessed as 18 or over"
        target = ep if ep.row is not None else next((e for e in later if e.row), None)
        if target is None or target.row is None:
            continue
        _warn(
            checker,
            target.row,
            "REC" if target is ep else "DECOM",
            ep.rec if target is ep else target.start,
            "episode-after-death-or-18",
            f"The episode from {ep.start:%d/%m/%Y} ended with REC {ep.rec} ({what}), but "
            f"{len(later)} later episode{'s' if len(later) != 1 else ''} follow.",
        )


def _freeing_order(checker: Checker, child: ChildRecords) -> None:
    for ep in _new(child.episodes):
        if ep.ls == FREEING_ORDER and ep.start > FREEING_ORDERS_ENDED:
            _warn(
                checker,
                ep.row,  # type: ignore[arg-type]
                "LS",
                ep.ls,
                "freeing-order-after-2005",
                f"LS D1 (freeing order) on an episode starting {ep.start:%d/%m/%Y}: freeing "
                "orders could not be made after 30 December 2005 (use E1, placement order).",
            )


def _parents_under_s20(checker: Checker, child: ChildRecords) -> None:
    for ep in _new(child.episodes):
        if ep.place == "P1" and ep.ls == "V2":
            _warn(
                checker,
                ep.row,  # type: ignore[arg-type]
                "PLACE",
                ep.place,
                "parents-under-s20",
                "Placed with parents (P1) while accommodated under section 20 (V2): a child "
                "placed with parents cannot be accommodated under a single period of s20.",
            )


def _adopted_not_placed(checker: Checker, child: ChildRecords) -> None:
    for ep in _new(child.episodes):
        if ep.rec in ADOPTION_EXIT_CODES and ep.place not in ADOPTION_PLACEMENTS:
            _warn(
                checker,
                ep.row,  # type: ignore[arg-type]
                "PLACE",
                ep.place,
                "adopted-not-placed",
                f"REC {ep.rec} (adopted) ends an episode whose placement is "
                f"{ep.place or 'blank'}, not a placement for adoption (A3 to A6).",
            )


def _adoption_after_foster(checker: Checker, child: ChildRecords) -> None:
    episodes = child.episodes
    for index, ep in enumerate(episodes):
        if ep.row is None or index == 0 or ep.place not in WITH_CURRENT_FOSTER_CARER:
            continue
        previous = episodes[index - 1]
        if previous.place in FOSTER_PLACEMENTS or previous.place in ADOPTION_PLACEMENTS:
            continue
        _warn(
            checker,
            ep.row,
            "PLACE",
            ep.place,
            "adoption-placement-not-after-foster",
            f"PLACE {ep.place} is placed for adoption with the current foster carer, but the "
            f"episode before (from {previous.start:%d/%m/%Y}) is {previous.place or 'blank'}, "
            "not a foster placement.",
        )


def _decisions_recorded(checker: Checker, child: ChildRecords) -> None:
    if child.decisions:
        return
    for ep in _new(child.episodes):
        if ep.place in ADOPTION_PLACEMENTS:
            rule_id, column, value, what = (
                "placed-for-adoption-no-decision",
                "PLACE",
                ep.place,
                f"placed for adoption (PLACE {ep.place})",
            )
        elif ep.ls == PLACEMENT_ORDER:
            rule_id, column, value, what = (
                "placement-order-no-decision",
                "LS",
                ep.ls,
                "under a placement order (LS E1)",
            )
        elif ep.ls == FREEING_ORDER:
            rule_id, column, value, what = (
                "freeing-order-no-decision",
                "LS",
                ep.ls,
                "freed for adoption (LS D1)",
            )
        else:
            continue
        _warn(
            checker,
            ep.row,  # type: ignore[arg-type]
            column,
            value,
            rule_id,
            f"The child is {what} but there is no date of the decision that they should be "
            "placed for adoption (no PlacedAdoption record, in the files or stored).",
        )


def _left_care_decision_open(checker: Checker, child: ChildRecords) -> None:
    for ep in _new(child.episodes):
        if not periods.ends_period(ep) or ep.rec in ADOPTION_EXIT_CODES:
            continue
        if ep.place not in ADOPTION_PLACEMENTS and ep.ls != PLACEMENT_ORDER:
            continue
        assert ep.end is not None
        where = (
            "a placement for adoption" if ep.place in ADOPTION_PLACEMENTS else ("a placement order")
        )
        earlier = [d for d in child.decisions if d.decided <= ep.end]
        latest = max(earlier, key=lambda d: d.decided, default=None)
        if latest is not None and latest.ceased and latest.reason:
            continue
        missing = (
            "no decision that they should be placed for adoption is recorded"
            if latest is None
            else "the decision that they should no longer be placed for adoption (its date "
            "and reason) is not recorded"
        )
        _warn(
            checker,
            ep.row,  # type: ignore[arg-type]
            "REC",
            ep.rec or "",
            "left-care-adoption-decision-open",
            f"The child left care on {ep.end:%d/%m/%Y} (REC {ep.rec or 'blank'}), not adopted, "
            f"from {where}, but {missing}.",
        )


_EPISODE_RULES: tuple[Callable[[Checker, ChildRecords], None], ...] = (
    _after_death_or_adulthood,
    _freeing_order,
    _parents_under_s20,
    _adopted_not_placed,
    _adoption_after_foster,
    _decisions_recorded,
    _left_care_decision_open,
)


# Dates against periods of care ----------------------------------------------------------------


def _decision_before_care(checker: Checker, child: ChildRecords) -> None:
    starts = periods.period_starts(child.episodes)
    if not starts:
        return
    first = starts[0]
    for decision in child.decisions:
        if decision.row is not None and decision.decided < first:
            _warn(
                checker,
                decision.row,
                "DATE_PLACED",
                decision.decided,
                "adoption-decision-before-care",
                f"The decision that the child should be placed for adoption "
                f"({decision.decided:%d/%m/%Y}) is before they first started to be looked "
                f"after ({first:%d/%m/%Y}).",
            )


def _ad1_before_period(checker: Checker, child: ChildRecords) -> None:
    starts = periods.period_starts(child.episodes)
    if not starts:
        return
    latest = starts[-1]
    for row in child.ad1:
        decided = row.get("DATE_INT")
        if decided is not None and decided < latest:
            _warn(
                checker,
                row,
                "DATE_INT",
                decided,
                "ad1-decision-before-period",
                f"DATE_INT ({decided:%d/%m/%Y}) is before the child's latest period of care "
                f"began ({latest:%d/%m/%Y}).",
            )


def _protection_too_long(checker: Checker, child: ChildRecords) -> None:
    """Unbroken runs of episodes under one short-lived legal status (each starting the day
    the one before ended), measured from the first start to the last end; an open run to
    the end of the row's collection year, or today if sooner."""
    run: list[Ep] = []
    for ep in [*child.episodes, None]:
        if run and (ep is None or ep.ls != run[0].ls or run[-1].end != ep.start):
            _judge_run(checker, run)
            run = []
        if ep is not None and ep.ls in PROTECTION_LIMITS:
            run.append(ep)


def _judge_run(checker: Checker, run: Sequence[Ep]) -> None:
    limit, dfe, what, words = PROTECTION_LIMITS[run[0].ls]
    last = run[-1]
    if last.end is not None:
        end = last.end
    else:
        year = last.year or max((e.year for e in run), default=0)
        end = min(checker.today, collection_end(year)) if year else checker.today
    days = (end - run[0].start).days
    if days <= limit:
        return
    for ep in run:
        if ep.row is None:
            continue
        _warn(
            checker,
            ep.row,
            "LS",
            ep.ls,
            PROTECTION_RULE_IDS[ep.ls],
            f"LS {ep.ls} ({what}) from {run[0].start:%d/%m/%Y} to "
            f"{end:%d/%m/%Y}{'' if last.end else ' (still open)'}: {days} days, more than "
            f"the {words} the law allows.",
        )


# Reviews and previous permanence ---------------------------------------------------------------


def _review_codes(checker: Checker, child: ChildRecords) -> None:
    if child.dob is None:
        return
    fourth = birthday(child.dob, 4)
    for row in child.reviews:
        code, held = row.get("REVIEW_CODE"), row.get("REVIEW")
        if not code or held is None:
            continue
        if code == UNDER_FOUR_CODE and held > fourth:
            _warn(
                checker,
                row,
                "REVIEW_CODE",
                code,
                "review-under-4-code-at-4",
                f"REVIEW_CODE PN0 is for a child under 4, but the child turned 4 on "
                f"{fourth:%d/%m/%Y}, before the review on {held:%d/%m/%Y}.",
            )
        elif code != UNDER_FOUR_CODE and held < fourth:
            _warn(
                checker,
                row,
                "REVIEW_CODE",
                code,
                "review-code-under-4",
                f"REVIEW_CODE {code} is for a child aged 4 or over, but the child was under 4 "
                f"at the review on {held:%d/%m/%Y} (4 on {fourth:%d/%m/%Y}): use PN0.",
            )


def _previous_permanence(checker: Checker, child: ChildRecords) -> None:
    if not child.previous_permanence or not child.episodes:
        return
    starts = periods.period_starts(child.episodes)
    if any(start >= PREVIOUS_PERMANENCE_FROM for start in starts):
        return
    latest = starts[-1] if starts else None
    for row in child.previous_permanence:
        _warn(
            checker,
            row,
            "PREV_PERM",
            row.get("PREV_PERM"),
            "previous-permanence-without-recent-care",
            "Previous permanence is recorded, but the child's latest period of care began "
            f"{f'on {latest:%d/%m/%Y}' if latest else 'before the records start'}, before "
            "1 April 2016: the item is only collected for children starting care since.",
        )


def _new(episodes: Sequence[Ep]) -> list[Ep]:
    """The episodes from the files (the rules warn on rows being imported, not stored ones)."""
    return [ep for ep in episodes if ep.row is not None]
