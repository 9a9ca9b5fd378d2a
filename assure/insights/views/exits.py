"""The exits dashboard, its CSV downloads and the programme start setting."""

import csv
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from assure.core import access

from .. import dashboard, selectors, services
from ..forms import (
    ExitsFilter,
    SettingsForm,
)
from ..models import InsightsSettings
from .common import require


def _exits_view(request: HttpRequest) -> tuple[ExitsFilter, dict[str, Any], list]:
    form = ExitsFilter(request.GET or None)
    values = form.values()
    if not form.is_bound:  # show the defaults in the fields
        form.initial = dict(values)
    analysis = selectors.exits_analysis(
        user=request.user,
        date_from=values["date_from"],
        date_to=values["date_to"],
        interval=values["interval"],
    )
    grades = selectors.exit_audit_grades(user=request.user, analysis=analysis)
    return (
        form,
        values,
        dashboard.measures(
            analysis,
            programme_start=values["programme_start"],
            grades=grades,
            assessment_starts=selectors.sgo_assessment_starts(user=request.user, analysis=analysis),
        ),
    )


def exits_page(request: HttpRequest) -> HttpResponse:
    require(request, "view_insights")
    form, values, measures = _exits_view(request)
    return render(
        request,
        "insights/exits.html",
        {
            "form": form,
            "values": values,
            "measures": measures,
            "query": request.GET.urlencode(),
            "hide_evidence": not access.can(request.user, "view_evidence"),
            "may_set_programme_start": access.can(request.user, "manage_insights_settings"),
        },
    )


def exits_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """One measure's table as CSV, counts under 5 suppressed: what leaves the product is
    safe to share outside the team."""
    require(request, "view_insights")
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


def settings_page(request: HttpRequest) -> HttpResponse:
    require(request, "manage_insights_settings")
    current = InsightsSettings.current()
    form = SettingsForm(request.POST or None, initial={"programme_start": current.programme_start})
    if request.method == "POST" and form.is_valid():
        services.settings_update(
            actor=request.user, programme_start=form.cleaned_data["programme_start"]
        )
        messages.success(request, "Programme start saved.")
        return redirect("insights:exits")
    return render(request, "insights/settings.html", {"form": form})
