"""Proposal pages: raise from a child, read, submit, decide; what is waiting on me; the
scheme of delegation."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from assure.children import selectors as child_selectors
from assure.core import access
from assure.core.models import AccessEvent
from assure.panels.models import Panel

from . import selectors, services, workflow
from .forms import DecisionForm, ProposalForm, SchemeForm
from .gates import gate_standings, unrecorded_checks
from .models import SchemeVersion, Status
from .signoff_forms import UnrecordedChecksForm


def waiting(request: HttpRequest) -> HttpResponse:
    if not (
        access.can(request.user, "raise_proposals") or access.can(request.user, "approve_decisions")
    ):
        raise PermissionDenied
    mine = selectors.proposals_visible_to(request.user).filter(proposer=request.user)[:50]
    return render(
        request,
        "decisions/waiting.html",
        {"waiting": selectors.waiting_on(user=request.user), "mine": list(mine)},
    )


def choose_type(request: HttpRequest, child_id: str) -> HttpResponse:
    if not access.can(request.user, "raise_proposals"):
        raise PermissionDenied
    child = child_selectors.child_get_for_user(
        user=request.user, child_id=child_id, via=AccessEvent.Via.PAGE, where=request.path
    )
    return render(
        request,
        "decisions/choose_type.html",
        {"child": child, "schemes": selectors.current_schemes()},
    )


def create(request: HttpRequest, child_id: str, decision_type: str) -> HttpResponse:
    if not access.can(request.user, "raise_proposals"):
        raise PermissionDenied
    child = child_selectors.child_get_for_user(
        user=request.user, child_id=child_id, via=AccessEvent.Via.PAGE, where=request.path
    )
    scheme = next(
        (s for s in selectors.current_schemes() if s.decision_type.slug == decision_type), None
    )
    if scheme is None:
        raise Http404("No such decision type")
    form = ProposalForm(request.POST if request.method == "POST" else None, scheme=scheme)
    if request.method == "POST" and form.is_valid():
        url = form.cleaned_data["document_url"]
        try:
            proposal = services.proposal_create(
                child=child,
                decision_type=decision_type,
                actor=request.user,
                proposed_plan=form.cleaned_data["proposed_plan"],
                rationale=form.cleaned_data["rationale"],
                checklist=form.checklist(),
                documents=[{"title": "Document", "url": url}] if url else [],
            )
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            messages.success(request, "Proposal saved as a draft. Submit it when it is ready.")
            return redirect("decisions:detail", pk=proposal.pk)
    return render(
        request, "decisions/create.html", {"child": child, "scheme": scheme, "form": form}
    )


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.proposal_get_for_user(
        user=request.user, pk=pk, via=AccessEvent.Via.PAGE, where=request.path
    )
    posted = request.POST if request.method == "POST" else None
    form = DecisionForm(posted)
    confirm_form = UnrecordedChecksForm(posted, prefix="unrecorded")
    if request.method == "POST":
        if request.POST.get("action") == "submit":
            return _submit(request, proposal)
        if form.is_valid() and confirm_form.is_valid():
            try:
                services.proposal_decide(
                    proposal=proposal,
                    decision=form.cleaned_data["decision"],
                    comment=form.cleaned_data["comment"],
                    confirm_unrecorded=confirm_form.cleaned_data["confirm"],
                    unrecorded_reason=confirm_form.cleaned_data["reason"],
                    actor=request.user,
                )
            except services.ChecksNotRecorded as exc:
                confirm_form.add_error("confirm", " ".join(exc.messages))
            except ValidationError as exc:
                form.add_error(None, " ".join(exc.messages))
            else:
                messages.success(request, "Your decision is recorded.")
                return redirect("decisions:detail", pk=proposal.pk)
    refusal = services.refusal_for(proposal=proposal, actor=request.user)
    missing = unrecorded_checks(proposal)
    missing_keys = {item["key"] for item in missing}
    checklist = [
        (item["label"], proposal.checklist.get(item["key"], ""), item["key"] not in missing_keys)
        for item in proposal.scheme.checklist
    ]
    is_open = proposal.status in workflow.EDITABLE
    return render(
        request,
        "decisions/detail.html",
        {
            "proposal": proposal,
            "steps": services.steps(proposal),
            "checklist": checklist,
            # Where each gate stands for this child, from drafting on: the proposer and every
            # approver see the same (the gates' own rules, gates.py).
            "gates": gate_standings(proposal=proposal) if is_open else [],
            "unrecorded": missing,
            "at_last_step": workflow.at_last_step(proposal),
            "confirm_form": confirm_form,
            "may_see_audits": access.can(request.user, "view_audits"),
            "may_see_panels": access.can(request.user, "view_panels"),
            "may_decide": refusal is None,
            "may_change": proposal.proposer_id == request.user.pk
            and proposal.status in (Status.DRAFT, Status.SUBMITTED, Status.RETURNED),
            "may_submit": proposal.proposer_id == request.user.pk
            and proposal.status in (Status.DRAFT, Status.RETURNED),
            "form": form,
            "history": list(proposal.decisions.all()),
            "panel_items": list(
                proposal.panel_items.select_related("meeting__panel").prefetch_related("outcomes")
            ),
        },
    )


def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The proposer changes an open proposal. A change after any approval starts the chain
    again (the service decides and records it)."""
    proposal = selectors.proposal_get_for_user(
        user=request.user, pk=pk, via=AccessEvent.Via.PAGE, where=request.path
    )
    if proposal.proposer_id != request.user.pk:
        raise PermissionDenied
    initial = {
        "proposed_plan": proposal.proposed_plan,
        "rationale": proposal.rationale,
        **{f"check_{k}": v for k, v in proposal.checklist.items()},
    }
    form = ProposalForm(
        request.POST if request.method == "POST" else None,
        scheme=proposal.scheme,
        initial=initial,
    )
    del form.fields["document_url"]  # documents are added when the proposal is raised
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_update(
                proposal=proposal,
                actor=request.user,
                proposed_plan=form.cleaned_data["proposed_plan"],
                rationale=form.cleaned_data["rationale"],
                checklist={k: v for k, v in form.checklist().items() if v.strip()},
            )
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            messages.success(request, "The proposal is changed.")
            return redirect("decisions:detail", pk=proposal.pk)
    return render(
        request,
        "decisions/create.html",
        {"child": proposal.child, "scheme": proposal.scheme, "form": form, "proposal": proposal},
    )


def _submit(request: HttpRequest, proposal) -> HttpResponse:  # type: ignore[no-untyped-def]
    try:
        services.proposal_submit(proposal=proposal, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Submitted for sign-off.")
    return redirect("decisions:detail", pk=proposal.pk)


def scheme(request: HttpRequest) -> HttpResponse:
    """The scheme of delegation as it stands, with every earlier version. The assurance lead
    and the director revise it here: each revision is a new version."""
    if not (
        access.can(request.user, "view_panels")
        or access.can(request.user, "raise_proposals")
        or access.can(request.user, "manage_scheme")
    ):
        raise PermissionDenied
    current = selectors.current_schemes()
    may_manage = access.can(request.user, "manage_scheme")
    types = [s.decision_type for s in current]
    panels = list(Panel.objects.values_list("slug", "name"))
    form = SchemeForm(
        request.POST if request.method == "POST" and may_manage else None,
        types=types,
        panels=panels,
    )
    if request.method == "POST" and may_manage and form.is_valid():
        data = form.cleaned_data
        base = next(s for s in current if s.decision_type.slug == data["decision_type"])
        try:
            revised = services.scheme_revise(
                decision_type=base.decision_type,
                actor=request.user,
                chain=data["chain"],
                checklist=base.checklist,
                gates=data["gates"],
                gate_panels=data["gate_panels"],
                audit_within_days=data["audit_within_days"],
                sets_plan=base.sets_plan,
                rationale=data["rationale"],
            )
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            messages.success(
                request, f"{revised.decision_type.name}: version {revised.version} is in force."
            )
            return redirect("decisions:scheme")
    versions = SchemeVersion.objects.select_related("decision_type", "created_by")
    # Panels by name, never by slug.
    names = dict(panels)
    for version in current:
        version.gate_panel_names = [names.get(slug, slug) for slug in version.gate_panels]
    return render(
        request,
        "decisions/scheme.html",
        {"current": current, "versions": list(versions), "form": form, "may_manage": may_manage},
    )
