"""Audit pages: the queue and allocation, the audit form, moderation, findings and actions,
collaborative contributions and escalations. Thin: parse, call one service, render."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from assure.children.selectors import child_record
from assure.core import access, clock
from assure.core.models import AccessEvent
from assure.core.views import parse_iso_date

from . import forms, selectors, services
from .models import Grade, Question, Status, TemplateSection
from .queue import groups_with_children, queue_entries, sibling_groups, with_children

STATUS_TAGS = {
    Status.SCHEDULED: "grey",
    Status.IN_PROGRESS: "blue",
    Status.SUBMITTED: "purple",
    Status.IN_MODERATION: "orange",
    Status.RETURNED: "yellow",
    Status.CLOSED: "green",
}
YES_NO_LABELS = {"yes": "Yes", "partly": "Partly", "no": "No", "not_applicable": "Not applicable"}
MOVE_LABELS = {
    Status.IN_PROGRESS: "Start the audit",
    Status.SUBMITTED: "Submit the audit",
    Status.IN_MODERATION: "Moderate",
    Status.RETURNED: "Return to the auditor",
    Status.CLOSED: "Close the audit",
}


def _require(request: HttpRequest, action: str) -> None:
    if not access.can(request.user, action):
        raise PermissionDenied


QUEUE_PAGE_SIZE = 100


def queue(request: HttpRequest) -> HttpResponse:
    """The auditor's queue at a date, their own audits, and allocation from the queue."""
    _require(request, "audit_cases")
    date_form = forms.QueueDateForm(request.GET or None)
    chosen = date_form.cleaned_data.get("as_of") if date_form.is_valid() else None
    as_of = chosen or clock.today()  # a date that is not real is shown as an error, today used
    form = forms.AllocateForm(initial={"auditor": request.user.username})
    return _render_queue(request, as_of=as_of, form=form, date_form=date_form)


def _render_queue(
    request: HttpRequest,
    *,
    as_of: Any,
    form: Any,
    status: int = 200,
    date_form: Any = None,
) -> HttpResponse:
    if date_form is None or not date_form.is_bound:
        date_form = forms.QueueDateForm(initial={"as_of": as_of})
    items = queue_entries(user=request.user, on=as_of)
    grouped = request.GET.get("group") == "1"
    groups = sibling_groups(items=items, on=as_of) if grouped else []
    # A page at a time (of children, or of groups): a council's queue fits on one page, a
    # whole country's (11,000 children) would be an 11 MB page. Only the page's children's
    # records are read.
    page = Paginator(groups if grouped else items, QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = (
        groups_with_children(list(page.object_list))
        if grouped
        else with_children(list(page.object_list))
    )
    query = urlencode({"as_of": as_of.isoformat(), **({"group": "1"} if grouped else {})})
    return render(
        request,
        "audits/queue.html",
        {
            "as_of": as_of,
            "date_form": date_form,
            "items": items,
            "grouped": grouped,
            "page": page,
            "query": query,
            "mine": selectors.audits_list(
                user=request.user, auditor=request.user, status="open"
            ).select_related("family_audit"),
            "form": form,
            "may_allocate": services.may_allocate(request.user),
            "may_lead": access.can(request.user, "moderate_audits"),
            "status_tags": STATUS_TAGS,
            "today": clock.today(),
        },
        status=status,
    )


@require_POST
def allocate(request: HttpRequest) -> HttpResponse:
    """Allocate one child, or (the lead) several, from the queue: all or nothing."""
    _require(request, "audit_cases")
    as_of = parse_iso_date(request.POST.get("as_of")) or clock.today()
    form = forms.AllocateForm(request.POST)
    if form.is_valid():
        wanted = set(form.cleaned_data["children"])
        chosen = with_children(
            [i for i in queue_entries(user=request.user, on=as_of) if i.child_id in wanted]
        )
        order = {c: n for n, c in enumerate(form.cleaned_data["children"])}
        chosen.sort(key=lambda i: order[i.child_id])
        try:
            if not chosen:
                raise ValidationError("The children chosen are no longer in the queue.")
            audits = (
                [_allocate_one(request, item=item, data=form.cleaned_data) for item in chosen]
                if len(chosen) == 1
                else _allocate_many(request, items=chosen, data=form.cleaned_data)
            )
        except services.AuditError as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"{len(audits)} audit{'s' if len(audits) != 1 else ''} allocated."
            )
            return redirect(f"{reverse('audits:queue')}?as_of={as_of}")
    return _render_queue(request, as_of=as_of, form=form, status=400)


def _allocate_one(request: HttpRequest, *, item: Any, data: dict[str, Any]) -> Any:
    return services.audit_create(
        child=item.child,
        template_slug=data.get("template") or item.suggested_template,
        mode=data.get("mode") or item.suggested_mode,
        auditor=data["auditor"],
        actor=request.user,
        queue_tier=item.tier,
        due_date=data.get("due_date"),
    )


def _allocate_many(request: HttpRequest, *, items: list[Any], data: dict[str, Any]) -> list[Any]:
    access.require(
        request.user,
        "allocate_audits",
        f"Only {access.who_may('allocate_audits')} allocates in bulk.",
        error=services.Forbidden,
    )
    with transaction.atomic():
        return [_allocate_one(request, item=item, data=data) for item in items]


def lead_tools(request: HttpRequest) -> HttpResponse:
    """The lead's tools on a page of their own, linked from the queue: allocating, the
    programmes running and coming, and who has what."""
    _require(request, "moderate_audits")
    today = clock.today()
    return render(
        request,
        "audits/lead.html",
        {
            "may_allocate": services.may_allocate(request.user),
            "programmes": selectors.programmes_list().filter(end_date__gte=today),
            "rows": selectors.workload(user=request.user),
            "escalations_waiting": selectors.escalations_unacknowledged(user=request.user).count(),
            "today": today,
        },
    )


def workload(request: HttpRequest) -> HttpResponse:
    _require(request, "moderate_audits")
    return render(
        request,
        "audits/workload.html",
        {
            "rows": selectors.workload(user=request.user),
            "audits": selectors.audits_list(user=request.user, status="open"),
            "status_tags": STATUS_TAGS,
            "today": clock.today(),
        },
    )


# --- one audit ------------------------------------------------------------------------


def _audit(request: HttpRequest, pk: int) -> Any:
    return selectors.audit_get_for_user(
        user=request.user, audit_id=pk, via=AccessEvent.Via.PAGE, where=request.path
    )


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _audit(request, pk))


def _render_detail(
    request: HttpRequest, audit: Any, status: int = 200, **bound: Any
) -> HttpResponse:
    record = selectors.audit_record(audit=audit)
    posted = bound.pop("posted", {})
    for _, views in record.sections:
        for v in views:
            # What the form shows: what was just posted (when it had errors), else the draft.
            sent = posted.get(v.question.pk)
            v.shown_value = sent["value"] if sent else (v.answer.value if v.answer else "")
            v.shown_evidence = sent["evidence"] if sent else (v.answer.evidence if v.answer else "")
    user = request.user
    scale = list(Grade.objects.all())
    is_auditor = services.is_audits_auditor(user, audit)
    may_allocate = services.may_allocate(user)
    participant = services.is_participant(user, audit)
    graded = [
        v.answer.value
        for _, views in record.sections
        for v in views
        if v.answer and v.question.type == Question.Type.GRADED
    ]
    context = {
        "record": record,
        "audit": audit,
        # The child's standing today, as their page and the tracker state it (the one set of
        # care-history rules), beside the form.
        "facts": child_record(child=audit.child).facts,
        "status_tags": STATUS_TAGS,
        # Closing comes last of all: after the answers, and after returning to the auditor.
        "moves": sorted(
            [(to, MOVE_LABELS[to]) for to in services.allowed_moves(audit=audit, user=user)],
            key=lambda move: move[0] == Status.CLOSED,
        ),
        "can_answer": is_auditor and audit.status == Status.IN_PROGRESS,
        "can_find": services.may_record_findings(user, audit),
        "can_act": services.may_record_findings(user, audit) or participant,
        "agreed_action_ids": {
            g.action_id for a in record.actions for g in a.agreements.all() if g.user_id == user.pk
        },
        "can_agree": audit.mode == "collaborative"
        and audit.status != Status.CLOSED
        and (participant or audit.auditor_id == user.pk),
        "can_moderate": access.can(user, "moderate_audits")
        and audit.status == Status.IN_MODERATION,
        "can_reflect": participant and audit.status != Status.CLOSED,
        "can_invite": (is_auditor or may_allocate)
        and audit.mode == "collaborative"
        and audit.status != Status.CLOSED,
        "can_escalate": services.may_escalate(user, audit),
        "suggested_grade": services.suggest_from_values(graded, scale=scale),
        # The scale is data: the lead's labels, in the scale's order.
        "grade_choices": [(g.slug, g.label) for g in scale],
        "labels": {**YES_NO_LABELS, **{g.slug: g.label for g in scale}},
        "yes_no_choices": [
            ("yes", "Yes"),
            ("partly", "Partly"),
            ("no", "No"),
            ("not_applicable", "Not applicable"),
        ],
        "answer_errors": bound.pop("answer_errors", {}),
        "transition_form": forms.TransitionForm(),
        "finding_form": forms.FindingForm(audit=audit),
        "action_form": forms.ActionForm(audit=audit),
        "participants_form": forms.ParticipantsForm(
            audit=audit,
            initial={
                "practitioner": getattr(audit.practitioner, "username", None),
                "manager": getattr(audit.manager, "username", None),
            },
        ),
        "contribution_form": forms.ContributionForm(),
        "escalation_form": forms.EscalationForm(),
        "complete_form": forms.CompleteActionForm(),
        "regrade_form": forms.RegradeForm(),
        "today": clock.today(),
    }
    context.update(bound)
    return render(request, "audits/detail.html", context, status=status)


def _done(request: HttpRequest, audit: Any, message: str, anchor: str = "") -> HttpResponse:
    messages.success(request, message)
    return redirect(reverse("audits:detail", args=[audit.pk]) + anchor)


@require_POST
def save_section(request: HttpRequest, pk: int, section: int) -> HttpResponse:
    """Save one section's answers as a draft (the form posts per section)."""
    audit = _audit(request, pk)
    part = get_object_or_404(TemplateSection, pk=section, template=audit.template_id)
    answers = [
        {
            "question": q.pk,
            "value": request.POST.get(f"q{q.pk}", ""),
            "evidence": request.POST.get(f"e{q.pk}", ""),
        }
        for q in part.questions.all()
    ]
    try:
        services.answers_save(audit=audit, answers=answers, actor=request.user)
    except services.Forbidden as error:
        raise PermissionDenied(error.message) from error
    except services.Conflict as error:
        messages.error(request, error.message)
        return redirect("audits:detail", pk=audit.pk)
    except ValidationError as error:
        return _render_detail(
            request,
            audit,
            status=400,
            answer_errors={int(k): v for k, v in error.message_dict.items() if k.isdigit()},
            posted={a["question"]: a for a in answers},
        )
    return _done(request, audit, f"“{part.title}” saved.", f"#section-{part.pk}")


@require_POST
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    audit = _audit(request, pk)
    form = forms.TransitionForm(request.POST)
    if form.is_valid():
        try:
            moved = services.audit_transition(
                audit=audit,
                to=form.cleaned_data["to"],
                actor=request.user,
                overall_grade=form.cleaned_data["overall_grade"] or None,
                comment=form.cleaned_data["comment"],
            )
        except services.Forbidden as error:
            raise PermissionDenied(error.message) from error
        except services.Conflict as error:
            form.add_error(None, error.message)
        else:
            return _done(request, audit, f"The audit is {Status(moved.status).label.lower()}.")
    return _render_detail(request, audit, status=400, transition_form=form)


def _run(
    request: HttpRequest, audit: Any, form: Any, name: str, call: Any, message: str, anchor: str
) -> HttpResponse:
    """Validate a form, run a service, and redirect or re-render with its errors."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except services.Forbidden as error:
            raise PermissionDenied(error.message) from error
        except services.Conflict as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            return _done(request, audit, message, anchor)
    return _render_detail(request, audit, status=400, **{name: form})


@require_POST
def add_finding(request: HttpRequest, pk: int) -> HttpResponse:
    audit = _audit(request, pk)
    form = forms.FindingForm(request.POST, audit=audit)
    return _run(
        request,
        audit,
        form,
        "finding_form",
        lambda d: services.finding_add(
            audit=audit,
            question=d["question"],
            type=d["finding_type"],
            text=d["text"],
            themes=d["themes"],
            actor=request.user,
        ),
        "Finding added.",
        "#findings",
    )


@require_POST
def add_action(request: HttpRequest, pk: int) -> HttpResponse:
    audit = _audit(request, pk)
    form = forms.ActionForm(request.POST, audit=audit)
    return _run(
        request,
        audit,
        form,
        "action_form",
        lambda d: services.action_add(
            audit=audit,
            description=d["description"],
            owner=d["owner"],
            due_date=d["due_date"],
            priority=d["priority"],
            actor=request.user,
        ),
        "Action added.",
        "#actions",
    )


@require_POST
def complete_action(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(selectors.actions_for(user=request.user, open_only=False), pk=pk)
    audit = _audit(request, action.audit_id)
    form = forms.CompleteActionForm(request.POST)
    return _run(
        request,
        audit,
        form,
        "complete_form",
        lambda d: services.action_complete(
            action=action,
            evidence_note=d["evidence_note"],
            actor=request.user,
        ),
        "Action completed.",
        "#actions",
    )


@require_POST
def agree_action(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(selectors.actions_for(user=request.user, open_only=False), pk=pk)
    audit = _audit(request, action.audit_id)
    try:
        services.action_agree(action=action, actor=request.user)
    except services.Forbidden as error:
        raise PermissionDenied(error.message) from error
    except services.Conflict as error:
        messages.error(request, error.message)
        return redirect(reverse("audits:detail", args=[audit.pk]) + "#actions")
    return _done(request, audit, "You agreed the action.", "#actions")


@require_POST
def participants(request: HttpRequest, pk: int) -> HttpResponse:
    audit = _audit(request, pk)
    form = forms.ParticipantsForm(request.POST, audit=audit)
    return _run(
        request,
        audit,
        form,
        "participants_form",
        lambda d: services.participants_invite(
            audit=audit,
            practitioner=d["practitioner"],
            manager=d["manager"],
            actor=request.user,
        ),
        "Participants invited.",
        "#collaboration",
    )


@require_POST
def contribute(request: HttpRequest, pk: int) -> HttpResponse:
    audit = _audit(request, pk)
    form = forms.ContributionForm(request.POST)
    return _run(
        request,
        audit,
        form,
        "contribution_form",
        lambda d: services.contribution_add(
            audit=audit,
            type=d["contribution_type"],
            text=d["contribution"],
            actor=request.user,
        ),
        "Added to the audit.",
        "#collaboration",
    )


@require_POST
def escalate(request: HttpRequest, pk: int) -> HttpResponse:
    audit = _audit(request, pk)
    form = forms.EscalationForm(request.POST)
    return _run(
        request,
        audit,
        form,
        "escalation_form",
        lambda d: services.escalation_raise(
            audit=audit,
            concern=d["concern"],
            actor=request.user,
        ),
        "Escalation raised: the child's team manager and head of service are told in Assure "
        "now, and an email to them is queued (it is sent, and retried if the mail server is "
        "down, by Assure's task worker).",
        "#escalations",
    )


@require_POST
def regrade(request: HttpRequest, pk: int) -> HttpResponse:
    audit = _audit(request, pk)
    form = forms.RegradeForm(request.POST)

    def call(d: dict[str, Any]) -> Any:
        if d.get("regrade_question"):
            question = get_object_or_404(
                Question, pk=d["regrade_question"], section__template=audit.template_id
            )
            return services.answer_regrade(
                audit=audit,
                question=question,
                value=d["regrade_value"],
                reason=d["reason"],
                actor=request.user,
            )
        return services.overall_grade_moderate(
            audit=audit, grade_slug=d["regrade_value"], reason=d["reason"], actor=request.user
        )

    return _run(request, audit, form, "regrade_form", call, "Regrade recorded.", "#moderation")


# --- escalations ----------------------------------------------------------------------


def escalations(request: HttpRequest) -> HttpResponse:
    """Unacknowledged escalations: the lead, heads of service and the director see them all
    (that they may see); a team manager sees their children's."""
    _require(request, "view_children")
    return render(
        request,
        "audits/escalations.html",
        {
            "escalations": selectors.escalations_unacknowledged(user=request.user),
            "mine": _acknowledgeable(request),
            "form": forms.AcknowledgeForm(),
            "now": clock.now(),
        },
    )


def _acknowledgeable(request: HttpRequest) -> set[int]:
    """The escalations this person may acknowledge: only they are offered the form, so
    that the lead or the director, who see every escalation, are not given a button the
    service refuses."""
    return set(selectors.escalations_to_acknowledge(user=request.user).values_list("pk", flat=True))


@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    escalation = get_object_or_404(selectors.escalations_unacknowledged(user=request.user), pk=pk)
    form = forms.AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            services.escalation_acknowledge(
                escalation=escalation, response=form.cleaned_data["response"], actor=request.user
            )
        except services.Forbidden as error:
            raise PermissionDenied(error.message) from error
        except services.Conflict as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Escalation acknowledged.")
            return redirect("audits:escalations")
    return render(
        request,
        "audits/escalations.html",
        {
            "escalations": selectors.escalations_unacknowledged(user=request.user),
            "mine": _acknowledgeable(request),
            "form": form,
            "failed": escalation.pk,
            "now": clock.now(),
        },
        status=400,
    )


# --- moderation ------------------------------------------------------------------------


def moderation(request: HttpRequest) -> HttpResponse:
    """The lead's moderation: what waits, sampling, and agreement rates per auditor and per
    question."""
    _require(request, "moderate_audits")
    if request.method == "POST":
        drawn = services.moderation_sample(actor=request.user)
        messages.success(request, f"{len(drawn)} audit{'s' if len(drawn) != 1 else ''} sampled.")
        return redirect("audits:moderation")
    waiting = selectors.audits_list(user=request.user).filter(
        status__in=[Status.SUBMITTED, Status.IN_MODERATION]
    )
    return render(
        request,
        "audits/moderation.html",
        {
            "waiting": waiting,
            "rates": selectors.agreement_rates(user=request.user),
            "status_tags": STATUS_TAGS,
        },
    )


# --- programmes ------------------------------------------------------------------------


def programmes(request: HttpRequest) -> HttpResponse:
    _require(request, "moderate_audits")
    form = forms.ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, f"Programme “{programme.name}” created.")
            return redirect("audits:programme", pk=programme.pk)
    return render(
        request,
        "audits/programmes.html",
        {"programmes": selectors.programmes_list(), "form": form},
        status=400 if form.errors else 200,
    )


def programme(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "moderate_audits")
    item = get_object_or_404(selectors.programmes_list(), pk=pk)
    form = forms.StrandForm(request.POST if request.POST.get("action") == "strand" else None)
    if request.method == "POST":
        if request.POST.get("action") == "allocate":
            return _allocate_strand(request, item)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.strand_create(
                    programme=item,
                    name=d["strand_name"],
                    inclusion_tier=d["inclusion_tier"],
                    mode=d["strand_mode"],
                    template_slug=d["template_slug"],
                    auditors=d["auditors"],
                    due_days=d["due_days"],
                    actor=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Strand added.")
                return redirect("audits:programme", pk=item.pk)
    return render(
        request,
        "audits/programme.html",
        {
            "programme": item,
            "strands": selectors.strands_for(programme=item),
            "form": form,
            "today": clock.today(),
        },
        status=400 if form.errors else 200,
    )


def _allocate_strand(request: HttpRequest, item: Any) -> HttpResponse:
    strand = get_object_or_404(item.strands.all(), pk=request.POST.get("strand") or 0)
    try:
        made = services.strand_allocate(strand=strand, on=clock.today(), actor=request.user)
    except services.AuditError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{len(made)} audit{'s' if len(made) != 1 else ''} allocated.")
    return redirect("audits:programme", pk=item.pk)


# --- templates, themes, the grade scale and settings (the assurance lead) ---------------


def templates(request: HttpRequest) -> HttpResponse:
    _require(request, "manage_audit_templates")
    return render(request, "audits/templates.html", {"templates": selectors.templates_current()})


def template_detail(request: HttpRequest, slug: str) -> HttpResponse:
    _require(request, "manage_audit_templates")
    template = selectors.template_get(slug=slug)
    form = forms.QuestionAddForm(
        request.POST or None, sections=[s.title for s in template.sections.all()]
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            made = services.template_question_add(
                template=template,
                section_title=d["section"],
                text=d["text"],
                type=d["type"],
                guidance=d["guidance"],
                required=d["required"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Question added: this is version {made.version}.")
            return redirect("audits:template", slug=slug)
    return render(
        request,
        "audits/template.html",
        {"template": template, "used": services.template_is_used(template), "form": form},
        status=400 if form.errors else 200,
    )


def question_edit(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    _require(request, "manage_audit_templates")
    template = selectors.template_get(slug=slug)
    question = get_object_or_404(Question, section__template=template, key=key)
    form = forms.QuestionEditForm(
        request.POST or None,
        initial={
            "text": question.text,
            "guidance": question.guidance,
            "required": question.required,
        },
    )
    if request.method == "POST" and form.is_valid():
        made = services.template_question_edit(
            template=template, key=key, actor=request.user, **form.cleaned_data
        )
        messages.success(request, f"Question saved: this is version {made.version}.")
        return redirect("audits:template", slug=slug)
    return render(
        request,
        "audits/question_edit.html",
        {
            "template": template,
            "question": question,
            "form": form,
            "used": services.template_is_used(template),
        },
        status=400 if form.errors else 200,
    )


def audit_settings(request: HttpRequest) -> HttpResponse:
    """Themes, the grade scale's labels and the queue and sampling settings."""
    _require(request, "manage_audit_templates")
    from .models import AuditSettings, Grade, Theme

    row = AuditSettings.objects.get_or_create(pk=1)[0]
    action = request.POST.get("action", "")
    theme_form = forms.ThemeForm(request.POST if action == "theme" else None)
    settings_form = forms.SettingsForm(
        request.POST if action == "settings" else None,
        initial={
            "recent_closure_days": row.recent_closure_days,
            "moderation_share_percent": row.moderation_share_percent,
        },
    )
    if request.method == "POST":
        try:
            done = _settings_action(request, action, theme_form, settings_form)
        except ValidationError as error:
            (theme_form if action == "theme" else settings_form).add_error(None, error)
            done = ""
        if done:
            messages.success(request, done)
            return redirect("audits:settings")
    return render(
        request,
        "audits/settings.html",
        {
            "themes": Theme.objects.all(),
            "grades": Grade.objects.all(),
            "theme_form": theme_form,
            "settings_form": settings_form,
        },
        status=400 if request.method == "POST" else 200,
    )


def _settings_action(request: HttpRequest, action: str, theme_form: Any, settings_form: Any) -> str:
    from .models import Grade, Theme

    if action == "theme" and theme_form.is_valid():
        theme = services.theme_add(label=theme_form.cleaned_data["label"], actor=request.user)
        return f"Theme “{theme.label}” added."
    if action == "toggle_theme":
        theme = get_object_or_404(Theme, pk=request.POST.get("theme") or 0)
        services.theme_set_active(theme=theme, active=not theme.active, actor=request.user)
        return f"Theme “{theme.label}” {'brought back' if theme.active else 'retired'}."
    if action == "grade":
        grade = get_object_or_404(Grade, pk=request.POST.get("grade") or 0)
        services.grade_relabel(grade=grade, label=request.POST.get("label", ""), actor=request.user)
        return f"Grade relabelled “{grade.label}”."
    if action == "settings" and settings_form.is_valid():
        services.audit_settings_update(actor=request.user, **settings_form.cleaned_data)
        return "Settings saved."
    return ""
