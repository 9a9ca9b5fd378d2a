"""Insights over the API (issue 7): the exits series and re-entry by route, thin over the
insights selectors and the one access policy. Figures count only the children the caller may
see. Bad or missing parameters answer 422, never 500."""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError, ValidationError
from pydantic import Field

from assure.core import access
from assure.insights import selectors

from .schemas import Error

router = Router(tags=["insights"])
MAX_SPAN_DAYS = 366 * 25  # a generous bound so a silly range cannot tie up the server
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2100, 12, 31)


class RangeQuery(Schema):
    date_from: str = Field(alias="from", max_length=10, description="First day (YYYY-MM-DD).")
    date_to: str = Field(alias="to", max_length=10, description="Last day (YYYY-MM-DD).")


class ExitsQuery(RangeQuery):
    interval: Literal["month", "quarter"] = "month"


class ReentryQuery(RangeQuery):
    within_days: int = Field(365, ge=1, le=3660)


class SeriesPoint(Schema):
    period_start: dt.date
    route: str
    count: int


class ExitsOut(Schema):
    series: list[SeriesPoint]


class ReentryItem(Schema):
    route: str
    exits: int
    reentered: int
    rate: float | None


class ReentryOut(Schema):
    items: list[ReentryItem]


def _invalid(name: str, message: str) -> ValidationError:
    return ValidationError([{"loc": ["query", name], "msg": message, "type": "value_error"}])


def _date(value: str, name: str) -> dt.date:
    try:
        if len(value) != 10:
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _invalid(name, "Enter a real date as YYYY-MM-DD.") from None


def parse_range(query: RangeQuery) -> tuple[dt.date, dt.date]:
    date_from, date_to = _date(query.date_from, "from"), _date(query.date_to, "to")
    for name, day in (("from", date_from), ("to", date_to)):
        if not EARLIEST <= day <= LATEST:
            raise _invalid(name, "Enter a date between 1900 and 2100.")
    if date_from > date_to:
        raise _invalid("to", "The end of the range must not be before its start.")
    if (date_to - date_from).days > MAX_SPAN_DAYS:
        raise _invalid("to", "The range must be 25 years or less.")
    return date_from, date_to


def _require(request: HttpRequest) -> None:
    if not access.can(request.user, "view_insights"):
        raise HttpError(403, "You may not see insights.")


@router.get(
    "/insights/exits",
    response={200: ExitsOut, 403: Error, 422: Error},
    summary="Exits from care by route and by month or quarter",
)
def exits(request: HttpRequest, query: Query[ExitsQuery]) -> Any:
    _require(request)
    date_from, date_to = parse_range(query)
    analysis = selectors.exits_analysis(
        user=request.user, date_from=date_from, date_to=date_to, interval=query.interval
    )
    return {"series": analysis.series()}


@router.get(
    "/insights/reentry",
    response={200: ReentryOut, 403: Error, 422: Error},
    summary="Of the exits in the range, how many children came back into care within N days",
)
def reentry(request: HttpRequest, query: Query[ReentryQuery]) -> Any:
    _require(request)
    date_from, date_to = parse_range(query)
    analysis = selectors.exits_analysis(user=request.user, date_from=date_from, date_to=date_to)
    return {
        "items": [
            {"route": i.route, "exits": i.exits, "reentered": i.reentered, "rate": i.rate}
            for i in analysis.reentry(within_days=query.within_days)
        ]
    }
