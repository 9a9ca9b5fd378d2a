"""Evidence: the list with counts and trends, the triangulation matrix, entering and
importing."""

import csv
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from assure.core import access

from .. import evidence, services
from ..evidence import EvidenceFilter
from ..forms import (
    EvidenceFilterForm,
    EvidenceForm,
    EvidenceImportForm,
)
from .common import add_errors, require


def _evidence_filter(request: HttpRequest) -> tuple[Any, EvidenceFilter, dict[str, str]]:
    labels = evidence.theme_labels()
    choices = sorted(labels.items(), key=lambda kv: kv[1]) + [(evidence.NO_THEME, "No theme")]
    form = EvidenceFilterForm(request.GET or None, theme_choices=choices)
    values = form.values()
    return form, EvidenceFilter(**values), labels


def evidence_list(request: HttpRequest) -> HttpResponse:
    require(request, "view_evidence")
    form, filters, labels = _evidence_filter(request)
    rows = evidence.evidence_rows(user=request.user, filters=filters)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    tallies = evidence.counts(rows)
    quarters, trend = evidence.theme_trend(rows)
    return render(
        request,
        "insights/evidence_list.html",
        {
            "form": form,
            "page": page,
            "total": len(rows),
            "labels": labels,
            "by_theme": [(labels.get(t, t), n) for t, n in tallies["theme"].most_common()],
            "by_kind": [(evidence.KIND_LABELS.get(k, k), n) for k, n in tallies["kind"].items()],
            "by_team": sorted(tallies["team"].items()),
            "by_source": [(evidence.SOURCE_LABELS[s], n) for s, n in tallies["source"].items()],
            "by_grade": evidence.grade_counts(tallies["grade"]),
            "quarters": [evidence.quarter_label(q) for q in quarters],
            "trend": [(labels.get(t, t), cells) for t, cells in trend.items()],
            "filtered": any(request.GET.get(k) for k in ("source", "theme", "kind", "team")),
            "may_add": access.can(request.user, "manage_evidence"),
            "may_recommend": access.can(request.user, "manage_response_plan"),
            "query": request.GET.urlencode(),
        },
    )


def evidence_matrix(request: HttpRequest) -> HttpResponse:
    require(request, "view_evidence")
    rows = evidence.evidence_rows(user=request.user)
    return render(
        request,
        "insights/evidence_matrix.html",
        {
            "matrix": evidence.matrix(rows, evidence.theme_labels()),
            "sources": list(evidence.SOURCE_LABELS.items()),
        },
    )


def evidence_add(request: HttpRequest) -> HttpResponse:
    require(request, "manage_evidence")
    form = EvidenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.evidence_create(
                actor=request.user,
                source=data["source"],
                date=data["date"],
                kind=data["kind"],
                summary=data["summary"],
                themes=data["themes"],
                team=data["team"],
                child_id=data["child_id"],
                reference=data["reference"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Evidence added.")
            return redirect("insights:evidence")
    return render(request, "insights/evidence_form.html", {"form": form})


def evidence_import(request: HttpRequest) -> HttpResponse:
    require(request, "manage_evidence")
    form = EvidenceImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > services.MAX_IMPORT_BYTES:
            form.add_error("file", "The file must be smaller than 2 MB.")
        else:
            report = services.evidence_import(
                actor=request.user, data=upload.read(), filename=upload.name
            )
            if report.ok:
                messages.success(request, f"{report.created} evidence items imported.")
                return redirect("insights:evidence")
    return render(
        request,
        "insights/evidence_import.html",
        {"form": form, "report": report, "columns": services.IMPORT_COLUMNS},
    )


def evidence_template(request: HttpRequest) -> HttpResponse:
    require(request, "manage_evidence")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="evidence-template.csv"'
    writer = csv.writer(response)
    writer.writerow(services.IMPORT_COLUMNS)
    writer.writerow(
        [
            "complaint",
            "2026-01-15",
            "area_for_development",
            "management-oversight;sgo-assessment",
            "Family not told of the change to the care plan before the hearing.",
            "",
            "",
            "COMP-123",
        ]
    )
    return response
