"""Recommendations and the response plan."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from assure.audits.models import Finding
from assure.core import access, clock

from .. import evidence, plan, services
from ..forms import (
    ActionForm,
    DecisionForm,
    MergeForm,
    ProgressForm,
    RecommendationForm,
    WorkStreamForm,
)
from ..models import EvidenceItem, PlanAction, Recommendation, WorkStream
from .common import add_errors, require


def _visible_keys(request: HttpRequest, keys: list[str]) -> tuple[list[int], list[int]]:
    """Split evidence keys into item and finding ids, keeping only what this person may see."""
    allowed = {row.key for row in evidence.evidence_rows(user=request.user)}
    chosen = [k for k in keys if k in allowed]
    items = [int(k.split("-")[1]) for k in chosen if k.startswith("item-")]
    findings = [int(k.split("-")[1]) for k in chosen if k.startswith("finding-")]
    return items, findings


def _merge_forms(groups: list[plan.DuplicateGroup]) -> list[tuple[Any, Any]]:
    return [
        (
            group,
            MergeForm(
                initial={"keep": group.keep.pk, "duplicates": [d.pk for d in group.duplicates]},
                choices=[(d.pk, d.title) for d in group.duplicates],
                prefix=f"merge-{group.keep.pk}",
            ),
        )
        for group in groups
    ]


def recommendations(request: HttpRequest) -> HttpResponse:
    require(request, "view_evidence")
    listed = list(plan.recommendation_list())
    may_recommend = access.can(request.user, "manage_response_plan")
    return render(
        request,
        "insights/recommendations.html",
        {
            "recommendations": listed,
            "form": RecommendationForm(),
            "may_recommend": may_recommend,
            "merges": _merge_forms(plan.likely_duplicates(listed)) if may_recommend else [],
        },
    )


def recommendation_merge(request: HttpRequest) -> HttpResponse:
    """Merge one suggested group; the form's prefix names the group's kept recommendation."""
    require(request, "manage_response_plan")
    if request.method != "POST":
        return redirect("insights:recommendations")
    keep = get_object_or_404(Recommendation, pk=request.POST.get("group"))
    prefix = f"merge-{keep.pk}"
    choices = Recommendation.objects.filter(
        pk__in=request.POST.getlist(f"{prefix}-duplicates")
    ).values_list("pk", "title")
    form = MergeForm(request.POST, choices=list(choices), prefix=prefix)
    if form.is_valid():
        try:
            services.recommendation_merge(
                keep=keep,
                duplicates=Recommendation.objects.filter(pk__in=form.cleaned_data["duplicates"]),
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Merged: the evidence and actions are now on this one.")
            return redirect("insights:recommendation", pk=keep.pk)
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("insights:recommendations")


def recommendation_add(request: HttpRequest) -> HttpResponse:
    require(request, "manage_response_plan")
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
    require(request, "view_evidence")
    recommendation = get_object_or_404(Recommendation, pk=pk)
    keys = {f"item-{i}" for i in recommendation.evidence.values_list("pk", flat=True)} | {
        f"finding-{i}" for i in recommendation.findings.values_list("pk", flat=True)
    }
    # Evidence about a child this person may not see is left out without a trace (rule 1).
    linked = [row for row in evidence.evidence_rows(user=request.user) if row.key in keys]
    may_decide = (
        access.can(request.user, "decide_recommendations")
        and recommendation.decision == Recommendation.Decision.PROPOSED
        and not recommendation.merged_into_id
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
            add_errors(decision_form, exc)
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
            "merged": recommendation.merged.order_by("merged_at", "pk"),
            "may_plan": access.can(request.user, "manage_response_plan")
            and recommendation.decision == Recommendation.Decision.ACCEPTED
            and not recommendation.merged_into_id,
        },
    )


def plan_page(request: HttpRequest) -> HttpResponse:
    require(request, "view_evidence")
    overdue_only = request.GET.get("view") == "overdue"
    may_manage = access.can(request.user, "manage_response_plan")
    action_form = ActionForm(
        request.POST if request.POST.get("form") == "action" else None,
        initial={"recommendation": request.GET.get("recommendation")},
    )
    stream_form = WorkStreamForm(request.POST if request.POST.get("form") == "stream" else None)
    if request.method == "POST":
        require(request, "manage_response_plan")
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
        add_errors(form, exc)
        return False
    return True


def work_stream_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "manage_response_plan")
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
            add_errors(form, exc)
        else:
            messages.success(request, "Work stream saved.")
            return redirect("insights:plan")
    return render(request, "insights/work_stream.html", {"form": form, "stream": stream})


def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "view_evidence")
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
            add_errors(form, exc)
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
    require(request, "view_evidence")
    return render(request, "insights/plan_report.html", {"report": plan.progress_report()})
