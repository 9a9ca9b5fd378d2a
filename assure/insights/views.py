"""Insights pages: thin. Parse the query, call the selectors, render."""

import csv
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from assure.core import access

from . import dashboard, selectors
from .forms import ExitsFilter


def _require(request: HttpRequest, action: str) -> None:
    if not access.can(request.user, action):
        raise PermissionDenied


def _exits_view(request: HttpRequest) -> tuple[ExitsFilter, dict[str, Any], list]:
    form = ExitsFilter(request.GET or None)
    values = form.values()
    analysis = selectors.exits_analysis(
        user=request.user,
        date_from=values["date_from"],
        date_to=values["date_to"],
        interval=values["interval"],
    )
    return form, values, dashboard.measures(analysis, programme_start=values["programme_start"])


def exits_page(request: HttpRequest) -> HttpResponse:
    _require(request, "view_insights")
    form, values, measures = _exits_view(request)
    return render(
        request,
        "insights/exits.html",
        {
            "form": form,
            "values": values,
            "measures": measures,
            "query": request.GET.urlencode(),
        },
    )


def exits_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """One measure's table as CSV, counts under 5 suppressed: what leaves the product is
    safe to share outside the team."""
    _require(request, "view_insights")
    _, values, measures = _exits_view(request)
    measure = next((m for m in measures if m.slug == slug), None)
    if measure is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"{slug}-{values['date_from']:%Y%m%d}-{values['date_to']:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(measure.headers)
    writer.writerows(measure.exported_rows())
    return response
