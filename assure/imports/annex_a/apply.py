"""Writing Annex A lists 8 to 10 to the child's record: the children, list 8's period of
care, plan and latest review, list 9's care leaver outcomes and list 10's adoption decisions.
Each reads what is stored for a chunk of children in one query and writes in bulk; nothing
is written for what has not changed, so the same workbook imported twice changes nothing."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any, NamedTuple

from assure.children import models as cm
from assure.children.care import plans as plan_rules
from assure.children.care.periods import CONTINUES
from assure.core import bulk, clock

from ..ssda903.apply import Changes, chunks
from .rows import ListRow

# Children --------------------------------------------------------------------------

CHILD_FIELDS = {"sex": "", "date_of_birth": None, "ethnicity": "", "uasc": False, "disability": ""}
DISABILITY = "Has a disability (Ofsted Annex A)"


def _child_values(row: ListRow) -> dict[str, Any]:
    values = {k: row.values.get(k) for k in ("sex", "date_of_birth", "ethnicity")}
    if row.values.get("uasc"):
        values["uasc"] = True
    if row.values.get("disability") == "Yes":
        values["disability"] = DISABILITY
    return {k: v for k, v in values.items() if v is not None}


def sync_children(rows: list[ListRow], changes: Changes) -> dict[str, int]:
    """Create new children (lists 8 to 10 only: see _leave_out_unknown_children); fill only
    the blank details of known ones."""
    wanted: dict[str, dict[str, Any]] = {}
    for row in rows:
        values = wanted.setdefault(row.values["child_id"], {})
        for name, value in _child_values(row).items():
            values.setdefault(name, value)
    pks: dict[str, int] = {}
    now = clock.now()
    for chunk in chunks(sorted(wanted)):
        stored = {
            c["child_id"]: c
            for c in cm.Child.objects.filter(child_id__in=chunk).values(
                "id", "child_id", *CHILD_FIELDS
            )
        }
        new, changed = [], []
        for child_id in chunk:
            values = wanted[child_id]
            current = stored.get(child_id)
            if current is None:
                new.append(
                    {"child_id": child_id, **{k: values.get(k, d) for k, d in CHILD_FIELDS.items()}}
                )
                continue
            fill = {
                k: v
                for k, v in values.items()
                if current[k] in ("", None, False) and current[k] != v
            }
            if fill:
                current.update(fill)
                changed.append((current["id"], {**current, "updated_at": now}))
                changes.add("Children", "updated", current["id"])
        bulk.insert(cm.Child, new)
        bulk.update(cm.Child, [*CHILD_FIELDS, "updated_at"], changed)
        pks.update(cm.Child.objects.filter(child_id__in=chunk).values_list("child_id", "id"))
        for item in new:
            changes.add("Children", "created", pks[item["child_id"]])
    return pks


# List 8 ----------------------------------------------------------------------------


def _segments(values: dict[str, Any]) -> list[dict[str, Any]]:
    """List 8's period of care as episodes: from the date started to be looked after, a new
    episode where the current legal status began and where the most recent placement began
    (when those fall inside the period), each with what the list says was true from then."""
    start, end = values["start_date"], values.get("end_date")
    legal_from = values.get("legal_status_date")
    placed_from = values.get("placement_start")
    cuts = sorted(
        {
            day
            for day in (legal_from, placed_from)
            if day is not None and start < day and (end is None or day <= end)
        }
    )
    starts = [start, *cuts]
    episodes = []
    for index, day in enumerate(starts):
        legal_known = legal_from is None or legal_from <= day
        placed_known = placed_from is None or placed_from <= day
        if index == 0:
            reason_new = "S"
        else:
            legal_changed, placed_changed = day == legal_from, day == placed_from
            reason_new = (
                "B" if legal_changed and placed_changed else ("L" if legal_changed else "P")
            )
        last = index == len(starts) - 1
        episodes.append(
            {
                "start_date": day,
                "reason_new_episode": reason_new,
                "legal_status": (values.get("legal_status") or "") if legal_known else "",
                "placement_type": (values.get("placement_type") or "") if placed_known else "",
                "placement_provider": (values.get("placement_provider") or "")
                if placed_known
                else "",
                "category_of_need": values.get("category_of_need") or "",
                "end_date": end if last else starts[index + 1],
                "reason_ceased": (values.get("reason_ceased") or "") if last else CONTINUES,
            }
        )
    return episodes


def episodes(rows: list[ListRow], pks: dict[str, int], changes: Changes) -> None:
    """List 8's period of care, for a child with no episodes at all (the 903 is kept)."""
    candidates = {pks[r.values["child_id"]]: r for r in rows if r.values.get("start_date")}
    with_episodes: set[int] = set()
    for chunk in chunks(sorted(candidates)):
        with_episodes.update(
            cm.Episode.objects.filter(child_id__in=chunk).values_list("child_id", flat=True)
        )
    new = []
    for pk, row in candidates.items():
        if pk in with_episodes:
            continue
        for episode in _segments(row.values):
            new.append({"child_id": pk, **episode})
            changes.add("Episodes", "created", pk)
    bulk.insert(cm.Episode, new)


class _Plan(NamedTuple):
    plan: str
    parallel_plan: str
    agreed_date: dt.date | None
    recorded_at: dt.datetime


def plans(rows: list[ListRow], pks: dict[str, int], changes: Changes) -> None:
    """List 8's plan, when it is not the plan in force today (by the care rules); its agreed
    date is not known, so it is blank (the plan is in force from the day it is recorded)."""
    wanted = {pks[r.values["child_id"]]: r.values["plan"] for r in rows if r.values.get("plan")}
    history: dict[int, list[_Plan]] = defaultdict(list)
    for chunk in chunks(sorted(wanted)):
        for child_pk, *plan in (
            cm.PermanencePlan.objects.filter(child_id__in=chunk)
            .order_by("id")
            .values_list("child_id", "plan", "parallel_plan", "agreed_date", "recorded_at")
        ):
            history[child_pk].append(_Plan(*plan))
    today = clock.today()
    new = []
    for pk, plan in wanted.items():
        current = plan_rules.plan_at(history.get(pk, []), today)
        if current is not None and (
            current.plan == plan
            or (plan == "sgo_cao" and plan_rules.routes_of(plan) >= {current.plan})
        ):
            continue  # the same plan (an SGO or a CAO is what "SGO/CAO" says, more exactly)
        new.append(
            {
                "child_id": pk,
                "plan": plan,
                "agreed_date": None,
                "source": cm.PermanencePlan.Source.ANNEX_A,
            }
        )
        changes.add("Permanence plans", "created", pk)
    bulk.insert(cm.PermanencePlan, new)


def reviews(rows: list[ListRow], pks: dict[str, int], changes: Changes) -> None:
    """The latest statutory review, marked as one whose earlier reviews are not known (the
    review schedule then reads it as care.reviews says)."""
    wanted = {
        (pks[r.values["child_id"]], r.values["latest_review"])
        for r in rows
        if r.values.get("latest_review")
    }
    stored: set[tuple[int, dt.date]] = set()
    for chunk in chunks(sorted({pk for pk, _ in wanted})):
        stored.update(
            cm.Review.objects.filter(child_id__in=chunk).values_list("child_id", "review_date")
        )
    new = []
    for pk, day in sorted(wanted - stored):
        new.append({"child_id": pk, "review_date": day, "earlier_not_known": True})
        changes.add("Reviews", "created", pk)
    bulk.insert(cm.Review, new)


# List 9 ----------------------------------------------------------------------------


def care_leavers(rows: list[ListRow], pks: dict[str, int], changes: Changes) -> None:
    """The 903's OC3 outcomes from list 9: created, or their blank answers filled (a 903's
    answers are kept)."""
    wanted: dict[int, dict[str, str]] = {}
    for row in rows:
        get = row.values.get
        accommodation = get("accommodation") or ""
        if accommodation and get("suitability"):
            accommodation += get("suitability")
        values = {
            "in_touch": get("in_touch") or "",
            "activity": get("activity") or "",
            "accommodation": accommodation,
        }
        if any(values.values()):
            wanted[pks[row.values["child_id"]]] = values
    fields = ("in_touch", "activity", "accommodation")
    for chunk in chunks(sorted(wanted)):
        stored = {
            o["child_id"]: o
            for o in cm.CareLeaverOutcome.objects.filter(child_id__in=chunk).values(
                "id", "child_id", *fields
            )
        }
        new, changed = [], []
        for pk in chunk:
            values = wanted[pk]
            current = stored.get(pk)
            if current is None:
                new.append({"child_id": pk, **values})
                changes.add("Care leaver outcomes", "created", pk)
                continue
            fill = {k: v for k, v in values.items() if v and not current[k]}
            if fill:
                current.update(fill)
                changed.append((current["id"], current))
                changes.add("Care leaver outcomes", "updated", pk)
        bulk.insert(cm.CareLeaverOutcome, new)
        bulk.update(cm.CareLeaverOutcome, list(fields), changed)


# List 10 ---------------------------------------------------------------------------


def adoption(rows: list[ListRow], pks: dict[str, int], changes: Changes) -> None:
    """The decision and match (AD1), and the decision in the PlacedAdoption sense: DATE_PLACED
    is the date of the decision that the child should be placed for adoption, and its
    reversal (date and reason RD1 to RD4) the decision that they should no longer be."""
    child_pks = sorted({pks[r.values["child_id"]] for r in rows})
    decisions: dict[tuple[int, dt.date], dict[str, Any]] = {}
    placed: dict[tuple[int, dt.date], dict[str, Any]] = {}
    for chunk in chunks(child_pks):
        for d in cm.AdoptionDecision.objects.filter(child_id__in=chunk).values(
            "id", "child_id", "decision_date", "match_date"
        ):
            decisions[(d["child_id"], d["decision_date"])] = d
        for p in cm.PlacedForAdoption.objects.filter(child_id__in=chunk).values(
            "id", "child_id", "date_placed", "date_placed_ceased", "reason_placed_ceased"
        ):
            placed[(p["child_id"], p["date_placed"])] = p
    new_decisions, changed_decisions, new_placed, changed_placed = [], [], [], []
    for row in rows:
        pk, get = pks[row.values["child_id"]], row.values.get
        decided, matched = get("decision_date"), get("match_date")
        if not decided:
            continue
        stored = decisions.get((pk, decided))
        if stored is None:
            decisions[(pk, decided)] = {"child_id": pk, "decision_date": decided}
            new_decisions.append({"child_id": pk, "decision_date": decided, "match_date": matched})
            changes.add("Adoption decisions", "created", pk)
        elif matched and stored.get("match_date") != matched and "id" in stored:
            changed_decisions.append((stored["id"], {"match_date": matched}))
            changes.add("Adoption decisions", "updated", pk)
        reversal = {
            "date_placed_ceased": get("no_longer_date"),
            "reason_placed_ceased": get("no_longer_reason") or "",
        }
        current = placed.get((pk, decided))
        if current is None:
            placed[(pk, decided)] = {"child_id": pk, "date_placed": decided}
            new_placed.append({"child_id": pk, "date_placed": decided, **reversal})
            changes.add("Placed for adoption", "created", pk)
        elif (
            reversal["date_placed_ceased"]
            and "id" in current
            and any(current[k] != v for k, v in reversal.items())
        ):
            changed_placed.append((current["id"], reversal))
            changes.add("Placed for adoption", "updated", pk)
    bulk.insert(cm.AdoptionDecision, new_decisions)
    bulk.update(cm.AdoptionDecision, ["match_date"], changed_decisions)
    bulk.insert(cm.PlacedForAdoption, new_placed)
    reversal_fields = ["date_placed_ceased", "reason_placed_ceased"]
    bulk.update(cm.PlacedForAdoption, reversal_fields, changed_placed)
