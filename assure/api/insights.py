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
from .types import IsoDate

router = Router(tags=["insights"])
MAX_SPAN_DAYS = 366 * 25  # a generous bound so a silly range cannot tie up the server


class RangeQuery(Schema):
    # Typed as dates in the schema (format: date), so a schema-valid call is never refused
    # for its spelling; only an end before the start, or a silly span, is a 422 below.
    date_from: IsoDate = Field(alias="from", description="First day (YYYY-MM-DD).")
    date_to: IsoDate = Field(alias="to", description="Last day (YYYY-MM-DD).")


class ExitsQuery(RangeQuery):
    interval: Literal["month", "quarter"] = "month"


class ReentryQuery(RangeQuery):
    within_months: int = Field(
        12, ge=1, le=120, description="The window in calendar months (12 by default)."
    )


class SeriesPoint(Schema):
    period_start: dt.date
    route: str
    count: int


class ExitsOut(Schema):
    series: list[SeriesPoint]


class ReentryItem(Schema):
    route: str
    exits: int = Field(description="Exits by this route in the range.")
    in_window: int = Field(
        description="Of those, exits whose window has not yet run: left out of the rate."
    )
    followed_up: int = Field(description="Exits whose whole window has run.")
    reentered: int = Field(description="Of those followed up, the children who came back.")
    rate: float | None = Field(description="reentered / followed_up, or null when none.")


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
    date_from, date_to = query.date_from, query.date_to
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
    summary=(
        "Of the exits in the range whose window has run, how many children came back into care"
        " within N calendar months"
    ),
)
def reentry(request: HttpRequest, query: Query[ReentryQuery]) -> Any:
    _require(request)
    date_from, date_to = parse_range(query)
    analysis = selectors.exits_analysis(user=request.user, date_from=date_from, date_to=date_to)
    return {
        "items": [
            {
                "route": i.route,
                "exits": i.exits,
                "in_window": i.in_window,
                "followed_up": i.followed_up,
                "reentered": i.reentered,
                "rate": i.rate,
            }
            for i in analysis.reentry(months=query.within_months)
        ]
    }


# Statistical process control (issue 16) ------------------------------------------------------


class SpcQuery(RangeQuery):
    interval: Literal["month", "quarter"] = "month"
    programme_start: str | None = Field(
        None,
        max_length=10,
        description=(
            "The programme start (YYYY-MM-DD): the baseline limits are worked out from the "
            "points before it and carried forward. By default the one the assurance lead set; "
            "empty for none."
        ),
    )


class SpcMeasureItem(Schema):
    measure: str
    title: str
    improvement: Literal["up", "down"] | None
    unit: str


class SpcMeasuresOut(Schema):
    items: list[SpcMeasureItem]


class SpcPhase(Schema):
    start: dt.date = Field(description="The period (or event) the phase starts at.")
    mean: float
    lower: float | None = Field(
        description="Lower process limit (for p' and u', at the phase's typical denominator)."
    )
    upper: float | None


class SpcPoint(Schema):
    period_start: dt.date = Field(
        description="The month or quarter; for a t chart, the day of the event."
    )
    value: float
    mean: float
    lower: float | None
    upper: float | None
    signals: list[Literal["outside_limits", "shift", "trend", "two_of_three"]]


class SpcOpenInterval(Schema):
    since: dt.date = Field(description="The day of the latest event.")
    to: dt.date = Field(description="Today, or the end of the range when that is earlier.")
    days: int = Field(description="Days from the latest event to `to`, with no event since.")
    beyond_upper: bool = Field(
        description=(
            "Already longer than the upper process limit: a special cause (events have become "
            "rarer), and then the chart's `variation` now."
        )
    )


class SpcOut(Schema):
    measure: str
    chart: Literal["xmr", "g", "t", "p_prime", "u_prime"]
    improvement: Literal["up", "down"] | None
    variation: Literal["common_cause", "improvement", "concern", "neither"]
    phases: list[SpcPhase]
    points: list[SpcPoint]
    open_interval: SpcOpenInterval | None = Field(
        description=(
            "A t chart's time since its latest event, provisional (it can only grow); null "
            "for other charts or when the latest event is on the last day."
        )
    )


@router.get(
    "/insights/spc",
    response={200: SpcMeasuresOut, 403: Error},
    summary="The measures with statistical process control charts",
)
def spc_measures(request: HttpRequest) -> Any:
    _require(request)
    from assure.insights.measures import ORDER, SPECS

    return {
        "items": [
            {
                "measure": slug,
                "title": SPECS[slug].title,
                "improvement": SPECS[slug].improvement,
                "unit": SPECS[slug].unit,
            }
            for slug in ORDER
        ]
    }


@router.get(
    "/insights/spc/{measure}",
    response={200: SpcOut, 403: Error, 404: Error, 422: Error},
    summary="One measure's SPC chart (Making Data Count): phases, points and their signals",
)
def spc_chart(request: HttpRequest, measure: str, query: Query[SpcQuery]) -> Any:
    _require(request)
    from assure.insights import measures
    from assure.insights.models import InsightsSettings

    if measure not in measures.SPECS:
        raise HttpError(404, "No such measure: see /api/v1/insights/spc.")
    date_from, date_to = parse_range(query)
    if query.programme_start is None:
        programme_start = InsightsSettings.current().programme_start
    elif query.programme_start == "":
        programme_start = None
    else:
        programme_start = _date(query.programme_start, "programme_start")
    analysis = selectors.exits_analysis(
        user=request.user, date_from=date_from, date_to=date_to, interval=query.interval
    )
    charted = measures.chart_measure(
        measure,
        analysis,
        programme_start=programme_start,
        rebases=selectors.rebases_by_measure().get(measure, []),
        target=selectors.targets_by_measure().get(measure),
    )
    chart = charted.chart
    starts = charted.period_starts
    return {
        "measure": measure,
        "chart": chart.kind,
        "improvement": chart.improvement,
        "variation": chart.variation,
        "phases": [
            {"start": starts[p.start], "mean": p.mean, "lower": p.lower, "upper": p.upper}
            for p in chart.phases
        ],
        "points": [
            {
                "period_start": starts[p.index],
                "value": p.value,
                "mean": p.mean,
                "lower": p.lower,
                "upper": p.upper,
                "signals": list(p.signals),
            }
            for p in chart.points
        ],
        "open_interval": _open_interval(charted),
    }


def _open_interval(charted: Any) -> dict[str, Any] | None:
    point = charted.chart.open_point
    if point is None:
        return None
    return {
        "since": charted.last_event,
        "to": charted.open_to,
        "days": round(point.value),
        "beyond_upper": point.special,
    }
