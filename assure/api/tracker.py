"""The permanency tracker over the API: `GET /api/v1/tracker`, thin over the tracker's
selectors and the one access policy."""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError, ValidationError
from pydantic import Field

from assure.core import access, clock
from assure.tracker import rules, selectors

from .schemas import Error
from .types import IsoDate

router = Router(tags=["tracker"])


class TrackerQuery(Schema):
    as_of: IsoDate | None = Field(
        None, description="The date to compute the tracker at (YYYY-MM-DD); today by default."
    )
    plan: str | None = Field(
        None, max_length=30, description="A permanence plan value, or `none` for no plan."
    )
    rag: Literal["red", "amber", "green"] | None = None
    team: str | None = Field(None, max_length=120, description="The allocated team's name.")
    looked_after: bool | None = None
    flag: str | None = Field(None, max_length=40, description="A flag code.")
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(100, ge=1, le=500)


class FlagOut(Schema):
    code: str
    message: str


class TrackerItem(Schema):
    child_id: str
    team: str | None
    worker: str | None
    age: int | None
    looked_after: bool
    period_start: dt.date
    days_in_care: int
    ceased_date: dt.date | None
    reason_ceased: str | None
    legal_status: str | None
    placement_type: str | None
    permanence_plan: str | None
    permanence_plan_agreed: dt.date | None
    parallel_plan: str | None
    proceedings_application_type: str | None = Field(
        None, description="The application of the earliest-issued open proceedings."
    )
    proceedings_issue_date: dt.date | None
    proceedings_week: int | None = Field(
        None,
        description=(
            "Week of the 26-week timescale (care and supervision applications only): the "
            "issue day is day 0 of week 1."
        ),
    )
    proceedings_limit_date: dt.date | None = Field(
        None,
        description="The last day inside the 26-week limit (issue + 181 days), or the extension.",
    )
    proceedings_extended_to: dt.date | None = Field(
        None, description="The end of a timetable the court has extended (s32(5)), if any."
    )
    next_hearing_date: dt.date | None
    next_hearing_type: str | None
    last_review_date: dt.date | None
    next_review_due: dt.date | None
    review_schedule: str | None = Field(
        None,
        description="The review schedule in use: ordinary, short_breaks or adoption.",
    )
    latest_panel_outcome: str | None
    next_panel: str | None
    proposals: str | None
    rag: Literal["red", "amber", "green"]
    flags: list[FlagOut]


class TrackerPage(Schema):
    count: int
    items: list[TrackerItem]


def _item(row: selectors.Row) -> dict[str, Any]:
    child = row.child
    return {
        "child_id": child.child_id,
        "team": child.team.name if child.team else None,
        "worker": child.worker.name if child.worker else None,
        "age": row.age,
        "looked_after": row.looked_after,
        "period_start": row.period_start,
        "days_in_care": row.days_in_care,
        "ceased_date": row.ceased_date,
        "reason_ceased": row.reason_ceased or None,
        "legal_status": row.legal_status or None,
        "placement_type": row.placement_type or None,
        "permanence_plan": row.plan_value,
        "permanence_plan_agreed": row.plan.agreed_date if row.plan else None,
        "parallel_plan": (row.plan.parallel_plan or None) if row.plan else None,
        "proceedings_application_type": (
            row.proceedings.application_type if row.proceedings else None
        ),
        "proceedings_issue_date": row.proceedings.issue_date if row.proceedings else None,
        "proceedings_week": row.proceedings_week,
        "proceedings_limit_date": row.limit_date,
        "proceedings_extended_to": row.timescale.extended_to if row.timescale else None,
        "next_hearing_date": row.next_hearing.hearing_date if row.next_hearing else None,
        "next_hearing_type": row.next_hearing.hearing_type if row.next_hearing else None,
        "last_review_date": row.last_review,
        "next_review_due": row.next_review.due if row.next_review else None,
        "review_schedule": row.care.schedule.schedule.key if row.care.schedule else None,
        "rag": row.rag,
        "flags": [{"code": f.code, "message": f.message} for f in row.flags],
        "latest_panel_outcome": row.panel_outcome,
        "next_panel": row.next_panel,
        "proposals": row.proposal,
    }


@router.get(
    "/tracker",
    response={200: TrackerPage, 403: Error, 422: Error},
    summary="The permanency tracker at a date",
)
def tracker(request: HttpRequest, filters: Query[TrackerQuery]) -> Any:
    if not access.can(request.user, "view_children"):
        raise HttpError(403, "You may not see children's records.")
    on = filters.as_of or clock.today()
    if filters.flag and filters.flag not in rules.FLAG_TITLES:
        raise ValidationError(
            [{"loc": ["query", "flag"], "msg": "Unknown flag code.", "type": "value_error"}]
        )
    view = selectors.tracker_view(
        user=request.user,
        on=on,
        team_name=filters.team or "",
        row_filter=selectors.RowFilter(
            plan=filters.plan or "",
            rag=filters.rag or "",
            flag=filters.flag or "",
            looked_after=filters.looked_after,
        ),
    )
    start = (filters.page - 1) * filters.page_size
    return {
        "count": view.count(),
        "items": [_item(row) for row in view.built(start, start + filters.page_size)],
    }
