"""Reads for the tracker: who is on it at a date, filtered, counted, sorted and paged in the
database over the date's snapshot (`snapshot.py`), with only the rows shown built in full
(`rows.py`). Every read starts from the one access policy.

A page costs a fixed number of queries whatever the number of children (ARCHITECTURE
rule 8): the snapshot's freshness check, the count, the counts by RAG and by plan, the page's
children, then one query per part of their records.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.functions import NullIf

from assure.children import codes
from assure.core import access, clock
from assure.core.gc_pause import gc_paused

from . import rules
from .models import SnapshotRow
from .rows import AGE_BANDS, Row, age_band_of, build_rows, children_of
from .snapshot import RAG_NUMBERS, current_rule_set, snapshot_for

__all__ = [
    "AGE_BANDS",
    "SORT_KEYS",
    "Row",
    "RowFilter",
    "TrackerView",
    "counts_of",
    "current_rule_set",
    "iter_tracker_rows",
    "tracker_rows",
    "tracker_view",
]


@dataclass
class RowFilter:
    """What the tracker can be filtered by: `q` in the database (over snapshot rows),
    `matches` over a built row. The two must agree (a test holds them together)."""

    plan: str = ""  # a plan value, or "none"
    legal_status: str = ""
    rag: str = ""
    flag: str = ""
    looked_after: bool | None = None
    age_band: str = ""
    open_proceedings: bool | None = None

    def q(self) -> Q:
        found = Q()
        if self.plan:
            found &= Q(plan="" if self.plan == "none" else self.plan)
        if self.legal_status:
            found &= Q(legal_status=self.legal_status)
        if self.rag:
            found &= Q(rag=RAG_NUMBERS[self.rag])
        if self.flag:
            bit = rules.FLAG_BITS[self.flag]
            found &= Q(flag_bit=bit)
        if self.looked_after is not None:
            found &= Q(looked_after=self.looked_after)
        if self.age_band:
            low, high = next((lo, hi) for key, _, lo, hi in AGE_BANDS if key == self.age_band)
            found &= Q(age__gte=low, age__lte=high)
        if self.open_proceedings is not None:
            found &= Q(proceedings_open=self.open_proceedings)
        return found

    def matches(self, row: Row) -> bool:
        checks = (
            not self.plan or (row.plan_value or "none") == self.plan,
            not self.legal_status or row.legal_status == self.legal_status,
            not self.rag or row.rag == self.rag,
            not self.flag or self.flag in row.flag_codes,
            self.looked_after is None or row.looked_after == self.looked_after,
            not self.age_band or age_band_of(row.age) == self.age_band,
            self.open_proceedings is None or (row.proceedings is not None) == self.open_proceedings,
        )
        return all(checks)


# Sorts over snapshot rows: blanks always last, then by child ID.
SORT_KEYS: dict[str, tuple[Any, ...]] = {
    "child_id": (F("child__child_id"),),
    "name": (F("child__last_name"), F("child__first_name")),
    "age": (F("age"),),
    "team": (F("child__team__name"),),
    "period_start": (F("period_start"),),
    "legal_status": (NullIf(F("legal_status"), Value("")),),
    "plan": (NullIf(F("plan"), Value("")),),
    "proceedings_week": (F("proceedings_week"),),
    "next_hearing": (F("next_hearing"),),
    "next_review": (F("next_review"),),
    "ceased_date": (F("ceased_date"),),
    "rag": (F("rag"),),
}


def _ordering(sort: str, descending: bool) -> list[Any]:
    keys = SORT_KEYS.get(sort, SORT_KEYS["child_id"])
    if sort == "name":  # case-insensitive, as people read names
        from django.db.models.functions import Lower

        keys = (Lower("child__last_name"), Lower("child__first_name"))
    ordered = [
        key.desc(nulls_last=True) if descending else key.asc(nulls_last=True) for key in keys
    ]
    return [*ordered, F("child__child_id").asc()]


@dataclass
class TrackerView:
    """The tracker as one person sees it at a date, filtered and sorted."""

    on: dt.date
    rows: QuerySet  # SnapshotRow, in order
    thresholds: rules.Thresholds
    _counts: dict[str, Any] | None = None

    def count(self) -> int:
        return self.counts()["total"]

    def counts(self) -> dict[str, Any]:
        """The counts at the top of the page: by RAG, in care or not, and by plan, from one
        grouped query (and the count of rows with them)."""
        if self._counts is None:
            self._counts = self._count()
        return self._counts

    def _count(self) -> dict[str, Any]:
        groups = list(
            self.rows.order_by().values_list("rag", "looked_after", "plan").annotate(n=Count("pk"))
        )
        by_rag: Counter[int] = Counter()
        by_care: Counter[bool] = Counter()
        by_plan: Counter[str] = Counter()
        for rag, looked_after, plan, n in groups:
            by_rag[rag] += n
            by_care[looked_after] += n
            by_plan[plan or "none"] += n
        labels = dict(codes.PermanencePlanType.choices) | {"none": "No plan"}
        return {
            "total": sum(by_rag.values()),
            "looked_after": by_care[True],
            "left_care": by_care[False],
            "rag": [
                (rag, by_rag[RAG_NUMBERS[rag]]) for rag in (rules.RED, rules.AMBER, rules.GREEN)
            ],
            "plans": [
                (value, labels.get(value, value), n)
                for value, n in sorted(by_plan.items(), key=lambda item: (-item[1], item[0]))
            ],
        }

    def pks(self, start: int = 0, stop: int | None = None) -> list[int]:
        return list(self.rows.values_list("child_id", flat=True)[start:stop])

    @gc_paused()
    def built(
        self, start: int = 0, stop: int | None = None, *, with_panels: bool = True
    ) -> list[Row]:
        """The rows from `start` to `stop`, built in full, in the view's order; without
        their panels and sign-off (a third of a page's queries) when nothing shows them."""
        return build_rows(
            children_of(self.pks(start, stop)), self.on, self.thresholds, with_panels=with_panels
        )

    def batches(self, batch_size: int = 2000) -> Iterator[list[Row]]:
        """Every row in the view's order, built a batch at a time: an export of a whole
        country's children holds one batch in memory."""
        pks = self.pks()
        for start in range(0, len(pks), batch_size):
            with gc_paused():
                rows = build_rows(
                    children_of(pks[start : start + batch_size]), self.on, self.thresholds
                )
            yield rows


def tracker_view(
    *,
    user: Any,
    on: dt.date | None = None,
    team_id: int | None = None,
    team_name: str = "",
    worker_id: int | None = None,
    row_filter: RowFilter | None = None,
    sort: str = "child_id",
    descending: bool = False,
) -> TrackerView:
    on = on or clock.today()
    snapshot = snapshot_for(on)
    found = SnapshotRow.objects.filter(snapshot=snapshot).filter(
        access.child_visibility_q(user, "child__")
    )
    if team_id:
        found = found.filter(child__team_id=team_id)
    if team_name:
        found = found.filter(child__team__name=team_name)
    if worker_id:
        found = found.filter(child__worker_id=worker_id)
    if row_filter is not None:
        if row_filter.flag:
            found = found.alias(flag_bit=F("flags").bitand(rules.FLAG_BITS[row_filter.flag]))
        found = found.filter(row_filter.q())
    return TrackerView(
        on=on,
        rows=found.order_by(*_ordering(sort, descending)),
        thresholds=rules.Thresholds.of(snapshot.rule_set),
    )


def tracker_rows(
    *,
    user: Any,
    on: dt.date | None = None,
    team_id: int | None = None,
    team_name: str = "",
    worker_id: int | None = None,
    row_filter: RowFilter | None = None,
) -> list[Row]:
    """Every row of the view, built in full, in child ID order (for small councils, tests and
    reports; pages build only what they show)."""
    view = tracker_view(
        user=user,
        on=on,
        team_id=team_id,
        team_name=team_name,
        worker_id=worker_id,
        row_filter=row_filter,
    )
    return view.built()


def iter_tracker_rows(
    *,
    user: Any,
    on: dt.date | None = None,
    team_id: int | None = None,
    worker_id: int | None = None,
    row_filter: RowFilter | None = None,
    sort: str = "child_id",
    descending: bool = False,
    batch_size: int = 2000,
) -> Iterator[list[Row]]:
    view = tracker_view(
        user=user,
        on=on,
        team_id=team_id,
        worker_id=worker_id,
        row_filter=row_filter,
        sort=sort,
        descending=descending,
    )
    return view.batches(batch_size)


def counts_of(rows: list[Row]) -> dict[str, Any]:
    """The same counts as `TrackerView.counts`, over rows already built."""
    rag = Counter(r.rag for r in rows)
    plans = Counter(r.plan_value or "none" for r in rows)
    labels = dict(codes.PermanencePlanType.choices) | {"none": "No plan"}
    return {
        "total": len(rows),
        "looked_after": sum(r.looked_after for r in rows),
        "left_care": sum(not r.looked_after for r in rows),
        "rag": [(level, rag.get(level, 0)) for level in (rules.RED, rules.AMBER, rules.GREEN)],
        "plans": [
            (value, labels.get(value, value), n)
            for value, n in sorted(plans.items(), key=lambda item: (-item[1], item[0]))
        ],
    }
