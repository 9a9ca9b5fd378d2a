"""Insights pages: thin. Parse the query, call the selectors, render."""

import csv
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from assure.audits.models import Finding
from assure.core import access, clock

from . import dashboard, docx, evidence, plan, reports, selectors, services
from .evidence import EvidenceFilter
from .forms import (
    ActionForm,
    DecisionForm,
    EvidenceFilterForm,
    EvidenceForm,
    EvidenceImportForm,
    ExitsFilter,
    MonthForm,
    ProgressForm,
    RecommendationForm,
    SettingsForm,
    WorkStreamForm,
)
from .models import EvidenceItem, InsightsSettings, PlanAction, Recommendation, WorkStream


def _require(request: HttpRequest, action: str) -> None:
    if not access.can(request.user, action):
        raise PermissionDenied


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
            "hide_evidence": not access.can(request.user, "view_evidence"),
            "may_set_programme_start": access.can(request.user, "manage_insights_settings"),
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


# Evidence ----------------------------------------------------------------------------------


def _evidence_filter(request: HttpRequest) -> tuple[Any, EvidenceFilter, dict[str, str]]:
    labels = evidence.theme_labels()
    choices = sorted(labels.items(), key=lambda kv: kv[1]) + [(evidence.NO_THEME, "No theme")]
    form = EvidenceFilterForm(request.GET or None, theme_choices=choices)
    values = form.values()
    return form, EvidenceFilter(**values), labels


def evidence_list(request: HttpRequest) -> HttpResponse:
    _require(request, "view_evidence")
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
            "quarters": [evidence.quarter_label(q) for q in quarters],
            "trend": [(labels.get(t, t), cells) for t, cells in trend.items()],
            "filtered": any(request.GET.get(k) for k in ("source", "theme", "kind", "team")),
            "may_add": access.can(request.user, "manage_evidence"),
            "may_recommend": access.can(request.user, "manage_response_plan"),
            "query": request.GET.urlencode(),
        },
    )


def evidence_matrix(request: HttpRequest) -> HttpResponse:
    _require(request, "view_evidence")
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
    _require(request, "manage_evidence")
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
            _add_errors(form, exc)
        else:
            messages.success(request, "Evidence added.")
            return redirect("insights:evidence")
    return render(request, "insights/evidence_form.html", {"form": form})


def _add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def evidence_import(request: HttpRequest) -> HttpResponse:
    _require(request, "manage_evidence")
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
    _require(request, "manage_evidence")
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


# Recommendations and the response plan -----------------------------------------------------


def _visible_keys(request: HttpRequest, keys: list[str]) -> tuple[list[int], list[int]]:
    """Split evidence keys into item and finding ids, keeping only what this person may see."""
    allowed = {row.key for row in evidence.evidence_rows(user=request.user)}
    chosen = [k for k in keys if k in allowed]
    items = [int(k.split("-")[1]) for k in chosen if k.startswith("item-")]
    findings = [int(k.split("-")[1]) for k in chosen if k.startswith("finding-")]
    return items, findings


def recommendations(request: HttpRequest) -> HttpResponse:
    _require(request, "view_evidence")
    return render(
        request,
        "insights/recommendations.html",
        {
            "recommendations": plan.recommendation_list(),
            "form": RecommendationForm(),
            "may_recommend": access.can(request.user, "manage_response_plan"),
        },
    )


def recommendation_add(request: HttpRequest) -> HttpResponse:
    _require(request, "manage_response_plan")
    if request.method != "POST":
        return redirect("insights:recommendations")
    form = RecommendationForm(request.POST)
    if form.is_valid():
        items, findings = _visible_keys(request, request.POST.getlist("evidence"))
        recommendation = services.recommendation_create(
            actor=request.user,
            title=form.cleaned_data["title"],
            detail=form.cleaned_data["detail"],
            evidence=EvidenceItem.objects.filter(pk__in=items),
            findings=Finding.objects.filter(pk__in=findings),
        )
        messages.success(request, "Recommendation made: it now awaits the director's decision.")
        return redirect("insights:recommendation", pk=recommendation.pk)
    messages.error(request, "Give the recommendation a title.")
    return redirect(request.META.get("HTTP_REFERER") or "insights:recommendations")


def recommendation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "view_evidence")
    recommendation = get_object_or_404(Recommendation, pk=pk)
    keys = {f"item-{i}" for i in recommendation.evidence.values_list("pk", flat=True)} | {
        f"finding-{i}" for i in recommendation.findings.values_list("pk", flat=True)
    }
    # Evidence about a child this person may not see is left out without a trace (rule 1).
    linked = [row for row in evidence.evidence_rows(user=request.user) if row.key in keys]
    may_decide = access.can(request.user, "decide_recommendations") and (
        recommendation.decision == Recommendation.Decision.PROPOSED
    )
    decision_form = DecisionForm(request.POST or None) if may_decide else None
    if decision_form is not None and request.method == "POST" and decision_form.is_valid():
        try:
            services.recommendation_decide(
                actor=request.user,
                recommendation=recommendation,
                accepted=decision_form.cleaned_data["decision"] == "accept",
                reason=decision_form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _add_errors(decision_form, exc)
        else:
            messages.success(request, "Decision recorded.")
            return redirect("insights:recommendation", pk=pk)
    return render(
        request,
        "insights/recommendation.html",
        {
            "recommendation": recommendation,
            "linked": linked,
            "decision_form": decision_form,
            "labels": evidence.theme_labels(),
            "actions": recommendation.actions.select_related("work_stream"),
            "may_plan": access.can(request.user, "manage_response_plan")
            and recommendation.decision == Recommendation.Decision.ACCEPTED,
        },
    )


def plan_page(request: HttpRequest) -> HttpResponse:
    _require(request, "view_evidence")
    overdue_only = request.GET.get("view") == "overdue"
    may_manage = access.can(request.user, "manage_response_plan")
    action_form = ActionForm(
        request.POST if request.POST.get("form") == "action" else None,
        initial={"recommendation": request.GET.get("recommendation")},
    )
    stream_form = WorkStreamForm(request.POST if request.POST.get("form") == "stream" else None)
    if request.method == "POST":
        _require(request, "manage_response_plan")
        done = _plan_post(request, action_form, stream_form)
        if done:
            return redirect("insights:plan")
    return render(
        request,
        "insights/plan.html",
        {
            "streams": plan.plan_streams(overdue_only=overdue_only),
            "overdue_only": overdue_only,
            "overdue_count": plan.overdue_actions().count(),
            "action_form": action_form,
            "stream_form": stream_form,
            "may_manage": may_manage,
            "today": clock.today(),
        },
    )


def _plan_post(request: HttpRequest, action_form: Any, stream_form: Any) -> bool:
    which = request.POST.get("form")
    form = action_form if which == "action" else stream_form
    if which not in ("action", "stream") or not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        if which == "action":
            services.action_create(
                actor=request.user,
                work_stream=data["work_stream"],
                recommendation=data["recommendation"],
                description=data["description"],
                owner=data["owner"],
                due_date=data["due_date"],
                other_programme=data["other_programme"],
            )
            messages.success(request, "Action added to the plan.")
        else:
            services.work_stream_save(actor=request.user, name=data["name"], lead=data["lead"])
            messages.success(request, "Work stream added.")
    except ValidationError as exc:
        _add_errors(form, exc)
        return False
    return True


def work_stream_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "manage_response_plan")
    stream = get_object_or_404(WorkStream, pk=pk)
    form = WorkStreamForm(request.POST or None, initial={"name": stream.name, "lead": stream.lead})
    if request.method == "POST" and form.is_valid():
        try:
            services.work_stream_save(
                actor=request.user,
                name=form.cleaned_data["name"],
                lead=form.cleaned_data["lead"],
                work_stream=stream,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Work stream saved.")
            return redirect("insights:plan")
    return render(request, "insights/work_stream.html", {"form": form, "stream": stream})


def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "view_evidence")
    action = get_object_or_404(
        PlanAction.objects.select_related("work_stream", "recommendation"), pk=pk
    )
    may_manage = access.can(request.user, "manage_response_plan")
    form = (
        ProgressForm(request.POST or None, initial={"status": action.status, "rag": action.rag})
        if may_manage
        else None
    )
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.action_update(actor=request.user, action=action, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Progress recorded.")
            return redirect("insights:action", pk=pk)
    return render(
        request,
        "insights/action.html",
        {
            "action": action,
            "updates": action.updates.select_related("by").order_by("-date", "-id"),
            "form": form,
            "overdue": plan.is_overdue(action, clock.today()),
        },
    )


def plan_report(request: HttpRequest) -> HttpResponse:
    _require(request, "view_evidence")
    return render(request, "insights/plan_report.html", {"report": plan.progress_report()})


# Reports -----------------------------------------------------------------------------------


def reports_page(request: HttpRequest) -> HttpResponse:
    _require(request, "view_evidence")
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
    _require(request, "view_evidence")
    month = MonthForm(request.GET or None).month_start()
    report = reports.monthly_summary(user=request.user, month=month)
    return _report_response(request, report, f"assurance-summary-{month:%Y-%m}")


def stage_review_report(request: HttpRequest) -> HttpResponse:
    _require(request, "view_evidence")
    values = ExitsFilter(request.GET or None).values()
    report = reports.stage_review(
        user=request.user,
        date_from=values["date_from"],
        date_to=values["date_to"],
        programme_start=values["programme_start"],
    )
    return _report_response(request, report, f"stage-review-{values['date_to']:%Y-%m-%d}")


def settings_page(request: HttpRequest) -> HttpResponse:
    _require(request, "manage_insights_settings")
    current = InsightsSettings.current()
    form = SettingsForm(request.POST or None, initial={"programme_start": current.programme_start})
    if request.method == "POST" and form.is_valid():
        services.settings_update(
            actor=request.user, programme_start=form.cleaned_data["programme_start"]
        )
        messages.success(request, "Programme start saved.")
        return redirect("insights:exits")
    return render(request, "insights/settings.html", {"form": form})
