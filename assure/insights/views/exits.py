"""The exits dashboard, its CSV downloads and the programme start setting."""

import csv
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from assure.core import access

from .. import dashboard, disclosure, selectors, services
from ..forms import (
    ExitsFilter,
    RebaseForm,
    SettingsForm,
    TargetForm,
)
from ..measures import ORDER, SPECS
from ..models import InsightsSettings, LimitRebase, MeasureTarget
from .common import add_errors, require


def _exits_view(request: HttpRequest) -> tuple[ExitsFilter, dict[str, Any], dashboard.Page]:
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
    page = dashboard.build(
        analysis,
        programme_start=values["programme_start"],
        grades=selectors.exit_audit_grades(user=request.user, analysis=analysis),
        assessment_starts=selectors.sgo_assessment_starts(user=request.user, analysis=analysis),
        events=selectors.events_after_exit(user=request.user, analysis=analysis),
        rebases=selectors.rebases_by_measure(),
        targets=selectors.targets_by_measure(),
    )
    return form, values, page


def exits_page(request: HttpRequest) -> HttpResponse:
    require(request, "view_insights")
    form, values, page = _exits_view(request)
    return render(
        request,
        "insights/exits.html",
        {
            "form": form,
            "values": values,
            "page": page,
            "query": request.GET.urlencode(),
            "hide_evidence": not access.can(request.user, "view_evidence"),
            "may_set_programme_start": access.can(request.user, "manage_insights_settings"),
        },
    )


def exits_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """One measure's table as CSV with disclosure control over the whole page (so that no
    two downloads together reveal what each hides): what leaves the product is safe to share
    outside the team."""
    require(request, "view_insights")
    _, values, page = _exits_view(request)
    measure = page.get(slug)
    if measure is None or not measure.exportable or not measure.rows:
        raise Http404
    shared = dashboard.export(page)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"{slug}-{values['date_from']:%Y%m%d}-{values['date_to']:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(measure.headers)
    writer.writerows(shared.rows(measure))
    writer.writerow([])
    writer.writerow([shared.sentence(measure)])
    writer.writerow([disclosure.HIDDEN_NOTE])
    return response


def settings_page(request: HttpRequest) -> HttpResponse:
    require(request, "manage_insights_settings")
    current = InsightsSettings.current()
    posted = request.POST if request.method == "POST" else None
    which = (posted or {}).get("form")
    form = SettingsForm(
        posted if which == "start" else None,
        initial={"programme_start": current.programme_start},
    )
    rebase_form = RebaseForm(posted if which == "rebase" else None, prefix="rebase")
    target_form = TargetForm(posted if which == "target" else None, prefix="target")
    if which == "target" and target_form.is_valid():
        try:
            services.target_set(actor=request.user, **target_form.cleaned_data)
        except ValidationError as exc:
            add_errors(target_form, exc)
        else:
            messages.success(request, "Target saved.")
            return redirect("insights:settings")
    if which == "start" and form.is_valid():
        services.settings_update(
            actor=request.user, programme_start=form.cleaned_data["programme_start"]
        )
        messages.success(request, "Programme start saved.")
        return redirect("insights:exits")
    if which == "rebase" and rebase_form.is_valid():
        try:
            services.rebase_record(actor=request.user, **rebase_form.cleaned_data)
        except ValidationError as exc:
            add_errors(rebase_form, exc)
        else:
            messages.success(request, "Rebase recorded.")
            return redirect("insights:settings")
    return render(
        request,
        "insights/settings.html",
        {
            "form": form,
            "rebase_form": rebase_form,
            "target_form": target_form,
            "targets": [
                (t, SPECS.get(t.measure)) for t in MeasureTarget.objects.select_related("set_by")
            ],
            "rebases": [
                (r, SPECS[r.measure].title if r.measure in SPECS else r.measure)
                for r in LimitRebase.objects.select_related("recorded_by", "withdrawn_by")
            ],
        },
    )


def rebase_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "manage_insights_settings")
    if request.method != "POST":
        return redirect("insights:settings")
    rebase = LimitRebase.objects.filter(pk=pk).first()
    if rebase is None:
        raise Http404
    try:
        services.rebase_withdraw(actor=request.user, rebase=rebase)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Rebase withdrawn.")
    return redirect("insights:settings")


def target_remove(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "manage_insights_settings")
    if request.method != "POST":
        return redirect("insights:settings")
    target = MeasureTarget.objects.filter(pk=pk).first()
    if target is None:
        raise Http404
    services.target_remove(actor=request.user, target=target)
    messages.success(request, "Target removed.")
    return redirect("insights:settings")


def methods_page(request: HttpRequest) -> HttpResponse:
    """How the figures are worked out: the user guide's methods, in the product."""
    require(request, "view_insights")
    return render(request, "insights/methods.html", {"specs": [SPECS[s] for s in ORDER]})
