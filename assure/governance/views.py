"""Data-protection pages: the retention rules, the report of records past their period, the
deletion proposals, legal holds and subject access bundles. Thin: each page asks
core.access for its line of the permission table, and answers 404 to anyone without it
(as the pages do not exist for them); the services refuse the rest."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from assure.core import access
from assure.core.errors import NotNow, message_of
from assure.core.models import AccessEvent

from . import retention, selectors, services
from . import subject_access as bundles
from .forms import ChildForm, ProposeForm, ReasonForm, RuleForm
from .models import Kind

PAGES = (
    "manage_retention",
    "view_retention_report",
    "propose_deletion",
    "approve_deletion",
    "manage_legal_holds",
    "export_subject_access",
)
REFUSALS = (NotNow, PermissionDenied, ValidationError)


def _need(request: HttpRequest, *actions: str) -> None:
    """404 unless the person holds one of these lines of the permission table."""
    if not any(access.can(request.user, action) for action in actions):
        raise Http404("No such page")


def _perms(user: Any) -> dict[str, bool]:
    return {action: access.can(user, action) for action in PAGES}


def _add_error(form: Any, error: Exception) -> None:
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for name, problems in error.message_dict.items():
            form.add_error(name if name in form.fields else None, problems)
    else:
        form.add_error(None, message_of(error))


def _log_read(request: HttpRequest, child: Any) -> None:
    """A page naming a child is a read of their record (ARCHITECTURE rule 2)."""
    access.record_access(
        user=request.user, child=child, via=AccessEvent.Via.PAGE, where=request.path
    )


def home(request: HttpRequest) -> HttpResponse:
    _need(request, *PAGES)
    return render(request, "governance/home.html", {"may_do": _perms(request.user)})


# --- the rules ------------------------------------------------------------------------------


def rules(request: HttpRequest) -> HttpResponse:
    _need(request, "manage_retention", "view_retention_report")
    current = selectors.current_rules()
    rows = [(current[kind], retention.KINDS[kind]) for kind in Kind.values]
    return render(request, "governance/rules.html", {"rows": rows, "may_do": _perms(request.user)})


def rule_change(request: HttpRequest, kind: str) -> HttpResponse:
    _need(request, "manage_retention")
    if kind not in Kind.values:
        raise Http404("No such kind of record")
    rule = selectors.current_rules()[kind]
    form = RuleForm(request.POST if request.method == "POST" else None, rule=rule)
    if request.method == "POST" and form.is_valid():
        try:
            services.retention_rule_change(
                actor=request.user,
                kind=kind,
                years=form.cleaned_data["years"],
                years_after_death=form.cleaned_data.get("years_after_death"),
                note=form.cleaned_data["note"],
            )
        except REFUSALS as error:
            _add_error(form, error)
        else:
            messages.success(request, f"{rule.get_kind_display()}: the new rule is in force.")
            return redirect("governance:rules")
    return render(
        request,
        "governance/rule_change.html",
        {
            "rule": rule,
            "info": retention.KINDS[kind],
            "form": form,
            "versions": list(selectors.rule_versions(kind=kind)),
        },
    )


# --- the report and proposals ---------------------------------------------------------------


def retention_report(request: HttpRequest) -> HttpResponse:
    _need(request, "view_retention_report")
    report = selectors.retention_report(user=request.user)
    return render(
        request, "governance/report.html", {"report": report, "may_do": _perms(request.user)}
    )


@require_POST
def deletion_propose(request: HttpRequest) -> HttpResponse:
    _need(request, "propose_deletion")
    form = ProposeForm(request.POST)
    if not form.is_valid() or form.cleaned_data["kind"] not in Kind.values:
        messages.error(request, "Choose a kind of record to propose.")
        return redirect("governance:report")
    try:
        proposal = services.deletion_propose(
            actor=request.user, kind=form.cleaned_data["kind"], note=form.cleaned_data["note"]
        )
    except REFUSALS as error:
        messages.error(request, message_of(error))
        return redirect("governance:report")
    messages.success(request, "Deletion proposed. Another person must approve it.")
    return redirect("governance:deletion", pk=proposal.pk)


def deletions(request: HttpRequest) -> HttpResponse:
    _need(request, "view_retention_report", "approve_deletion")
    return render(request, "governance/deletions.html", {"proposals": selectors.proposals_list()})


DONE = {
    "approve": "Deletion approved. It may now be carried out.",
    "reject": "The proposal is rejected: nothing was deleted.",
    "delete": "The records are deleted. What went is recorded below.",
}


def deletion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _need(request, "view_retention_report", "approve_deletion")
    proposal = selectors.proposal_get(pk=pk)
    form = ReasonForm(label="Why the proposal is rejected")
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "approve":
                services.deletion_approve(actor=request.user, proposal=proposal)
            elif action == "delete":
                services.deletion_carry_out(actor=request.user, proposal=proposal)
            elif action == "reject":
                form = ReasonForm(request.POST, label="Why the proposal is rejected")
                if not form.is_valid():
                    raise ValidationError({"reason": "Enter a reason"})
                services.deletion_reject(
                    actor=request.user, proposal=proposal, reason=form.cleaned_data["reason"]
                )
            else:
                raise Http404("No such action")
        except REFUSALS as error:
            if action == "reject":
                if not form.errors:  # the form's own errors already say what is missing
                    _add_error(form, error)
            else:
                messages.error(request, message_of(error))
                return redirect("governance:deletion", pk=proposal.pk)
        else:
            messages.success(request, DONE[action])
            return redirect("governance:deletion", pk=proposal.pk)
    proposal = selectors.proposal_get(pk=pk)
    return render(
        request,
        "governance/deletion.html",
        {
            "proposal": proposal,
            "may": services.may(request.user, proposal),
            "children": selectors.proposal_children(user=request.user, proposal=proposal),
            "held": selectors.proposal_held_count(proposal),
            "result": _result_rows(proposal.result),
            "form": form,
        },
    )


def _result_rows(result: dict[str, Any]) -> list[tuple[str, str, int]]:
    """(what happened, kind of row, how many) for the page's table."""
    rows = []
    for what, counts in result.items():
        if isinstance(counts, dict):
            rows += [(what, label, n) for label, n in counts.items()]
    return rows


# --- legal holds ----------------------------------------------------------------------------


def holds(request: HttpRequest) -> HttpResponse:
    _need(request, "manage_legal_holds")
    form = ChildForm(request.GET or None)
    if request.GET and form.is_valid():
        child_id = form.cleaned_data["child_id"].strip()
        if access.visible_children(request.user).filter(child_id=child_id).exists():
            return redirect("governance:child_holds", child_id=child_id)
        form.add_error("child_id", "No child with that ID")
    return render(
        request,
        "governance/holds.html",
        {
            "form": form,
            "standing": selectors.holds_for(user=request.user),
            "lifted": selectors.holds_for(user=request.user, active=False, limit=50),
        },
    )


def child_holds(request: HttpRequest, child_id: str) -> HttpResponse:
    _need(request, "manage_legal_holds")
    child = selectors.child_for_holds(user=request.user, child_id=child_id)
    _log_read(request, child)
    form = ReasonForm(
        request.POST if request.method == "POST" else None,
        label="Why the record is held",
        hint="The matter (a claim, an inquiry, a complaint), not its details.",
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.legal_hold_place(
                actor=request.user, child=child, reason=form.cleaned_data["reason"]
            )
        except REFUSALS as error:
            _add_error(form, error)
        else:
            messages.success(request, "The hold is placed: nothing of this record may be deleted.")
            return redirect("governance:child_holds", child_id=child.child_id)
    return render(
        request,
        "governance/child_holds.html",
        {"child": child, "holds": selectors.holds_of_child(child=child), "form": form},
    )


def hold_lift(request: HttpRequest, pk: int) -> HttpResponse:
    _need(request, "manage_legal_holds")
    hold = selectors.hold_get(user=request.user, pk=pk)
    if hold.lifted_at is not None:
        raise Http404("No such hold")
    form = ReasonForm(
        request.POST if request.method == "POST" else None, label="Why the hold is lifted"
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.legal_hold_lift(
                actor=request.user, hold=hold, reason=form.cleaned_data["reason"]
            )
        except REFUSALS as error:
            _add_error(form, error)
        else:
            messages.success(request, "The hold is lifted.")
            return redirect("governance:child_holds", child_id=hold.child.child_id)
    return render(request, "governance/hold_lift.html", {"hold": hold, "form": form})


# --- subject access -------------------------------------------------------------------------


def subject_access(request: HttpRequest) -> HttpResponse:
    _need(request, "export_subject_access")
    form = ChildForm(request.GET or None)
    if request.GET and form.is_valid():
        child_id = form.cleaned_data["child_id"].strip()
        if access.visible_children(request.user).filter(child_id=child_id).exists():
            return redirect("governance:subject_access_child", child_id=child_id)
        form.add_error("child_id", "No child with that ID")
    return render(request, "governance/subject_access.html", {"form": form})


def subject_access_child(request: HttpRequest, child_id: str) -> HttpResponse:
    """The page says what the bundle holds; the button downloads it (a POST, so that a
    link's prefetch never takes, and logs, a bundle)."""
    child = bundles.child_for_export(user=request.user, child_id=child_id)
    if request.method == "POST":
        bundle, content = bundles.subject_access_bundle(
            user=request.user, child_id=child_id, where=request.path
        )
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{bundle.filename}"'
        response["Cache-Control"] = "no-store"
        return response
    _log_read(request, child)
    return render(request, "governance/subject_access_child.html", {"child": child})
