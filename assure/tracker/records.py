"""Light records for the tracker: the fields of each part of a child's record that the
rules and pages read, with the models' attribute names (and the `get_..._display` the
templates use), filled straight from the database cursor.

Profiling a 20,000-child tracker showed building model instances was over half its time;
these records, and reading rows with `plain` rather than Django's row machinery, are why a
national snapshot builds in seconds.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import DateTimeField, QuerySet
from django.db.models.expressions import RawSQL

from assure.children import codes


@dataclass(frozen=True, slots=True)
class Named:
    name: str


@dataclass(frozen=True, slots=True)
class ChildRow:
    pk: int
    child_id: str
    first_name: str
    last_name: str
    date_of_birth: dt.date | None
    updated_at: dt.datetime | None
    team: Named | None
    worker: Named | None

    @property
    def display_name(self) -> str:
        name = f"{self.first_name} {self.last_name}".strip()
        return name or f"Child {self.child_id}"


CHILD_FIELDS = (
    "pk",
    "child_id",
    "first_name",
    "last_name",
    "date_of_birth",
    "updated_at",
    "team__name",
    "worker__name",
)


def child_row(values: tuple[Any, ...]) -> ChildRow:
    *own, team, worker = values
    return ChildRow(
        *own, team=Named(team) if team else None, worker=Named(worker) if worker else None
    )


_PLAN_LABELS = dict(codes.PermanencePlanType.choices)
_HEARING_LABELS = dict(codes.HearingType.choices)
_STAGE_LABELS = dict(codes.AssessmentStage.choices)
_RECOMMENDATION_LABELS = dict(codes.AssessmentRecommendation.choices)


@dataclass(frozen=True, slots=True)
class EpisodeRow:
    child_id: int
    start_date: dt.date
    end_date: dt.date | None
    reason_ceased: str
    legal_status: str
    placement_type: str


@dataclass(frozen=True, slots=True)
class PlanRow:
    child_id: int
    plan: str
    parallel_plan: str
    agreed_date: dt.date | None
    recorded_at: dt.datetime
    carer_id: str
    carer_name: str

    def get_plan_display(self) -> str:
        return _PLAN_LABELS.get(self.plan, self.plan)

    def get_parallel_plan_display(self) -> str:
        return _PLAN_LABELS.get(self.parallel_plan, self.parallel_plan)


@dataclass(frozen=True, slots=True)
class ProceedingsRow:
    pk: int
    application_type: str
    issue_date: dt.date | None
    status: str
    concluded_date: dt.date | None
    extended_to: dt.date | None


@dataclass(frozen=True, slots=True)
class HearingRow:
    proceedings_id: int
    hearing_date: dt.date
    hearing_type: str

    def get_hearing_type_display(self) -> str:
        return _HEARING_LABELS.get(self.hearing_type, self.hearing_type)


@dataclass(frozen=True, slots=True)
class AssessmentRow:
    child_id: int
    stage: str
    start_date: dt.date | None
    completed_date: dt.date | None
    recommendation: str
    carer_id: str
    carer_name: str

    def get_stage_display(self) -> str:
        return _STAGE_LABELS.get(self.stage, self.stage)

    def get_recommendation_display(self) -> str:
        return _RECOMMENDATION_LABELS.get(self.recommendation, self.recommendation)


def plain(queryset: QuerySet, *fields: str) -> list[tuple[Any, ...]]:
    """`queryset.values_list(*fields)`, read straight from the cursor. Django's row machinery
    cost the tracker as much again as the database itself at national scale. The drivers
    give dates as dates already; only SQLite's timestamps need making aware (they are stored
    in UTC), and only when the row has one."""
    values = queryset.values_list(*fields)
    sql, params = values.query.sql_with_params()
    timestamps = _timestamp_columns(queryset.model, fields) if connection.vendor == "sqlite" else []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not timestamps:
        return rows
    converted = []
    for row in rows:
        cells = list(row)
        for index in timestamps:
            if cells[index] is not None:
                cells[index] = _utc_timestamp(cells[index])
        converted.append(tuple(cells))
    return converted


def _utc_timestamp(value: Any) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _timestamp_columns(model: Any, fields: Sequence[str]) -> list[int]:
    found = []
    for index, path in enumerate(fields):
        fld, current = None, model
        for part in path.split("__"):
            fld = current._meta.pk if part == "pk" else current._meta.get_field(part)
            current = fld.related_model or current
        if isinstance(fld, DateTimeField):
            found.append(index)
    return found


def pk_set(pks: list[int]) -> RawSQL:
    """A batch's pks as one bound parameter (a JSON or array value) rather than one per pk:
    binding a 2,000-item list item by item was a fifth of a large export's time."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::integer[])", (pks,))
    return RawSQL("SELECT value FROM json_each(%s)", (json.dumps(pks),))
