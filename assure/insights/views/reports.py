"""The monthly assurance summary and the stage review: printable pages and Word."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import docx, reports
from ..forms import (
    ExitsFilter,
    MonthForm,
)
from .common import require


def reports_page(request: HttpRequest) -> HttpResponse:
    require(request, "view_evidence")
    return render(
        request,
        "insights/reports.html",
        {"month_form": MonthForm(), "stage_form": ExitsFilter()},
    )


def _report_response(request: HttpRequest, report: reports.Report, stem: str) -> HttpResponse:
    if request.GET.get("format") == "docx":
        response = HttpResponse(
            docx.render(report),
            content_type=(
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            ),
        )
        response["Content-Disposition"] = f'attachment; filename="{stem}.docx"'
        return response
    query = request.GET.copy()
    query["format"] = "docx"
    return render(
        request,
        "insights/report.html",
        {"report": report, "docx_query": query.urlencode()},
    )


def monthly_report(request: HttpRequest) -> HttpResponse:
    require(request, "view_evidence")
    month = MonthForm(request.GET or None).month_start()
    report = reports.monthly_summary(user=request.user, month=month)
    return _report_response(request, report, f"assurance-summary-{month:%Y-%m}")


def stage_review_report(request: HttpRequest) -> HttpResponse:
    require(request, "view_evidence")
    values = ExitsFilter(request.GET or None).values()
    report = reports.stage_review(
        user=request.user,
        date_from=values["date_from"],
        date_to=values["date_to"],
        programme_start=values["programme_start"],
    )
    return _report_response(request, report, f"stage-review-{values['date_to']:%Y-%m-%d}")
