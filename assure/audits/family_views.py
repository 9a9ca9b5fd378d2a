"""Family audit pages: start one (from a family's page or a group of siblings in the queue),
answer and record findings once for every child or per child, and move every child's audit
together. Thin: parse, call one service or selector, render."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from assure.core import access, clock
from assure.core.models import AccessEvent

from . import family_selectors, family_services, forms, services
from .models import Grade, Question, Status, TemplateSection
from .views import STATUS_TAGS, YES_NO_LABELS

YES_NO_CHOICES = list(YES_NO_LABELS.items())
MOVE_LABELS = {
    Status.IN_PROGRESS: "Start every child's audit",
    Status.SUBMITTED: "Submit every child's audit",
    Status.IN_MODERATION: "Moderate every child's audit",
    Status.RETURNED: "Return every child's audit to the auditor",
    Status.CLOSED: "Close every child's audit",
}


def _require_auditing(request: HttpRequest) -> None:
    if not access.can(request.user, "audit_cases"):
        raise PermissionDenied


def _offered(request: HttpRequest) -> tuple[Any, list[Any]]:
    """The family (if any) and the children this person may choose from: the visible members
    of the family named, or the visible children named (a group from the queue)."""
    data = request.POST if request.method == "POST" else request.GET
    family_id = data.get("family", "")[:50]
    if family_id:
        from assure.families.selectors import children_of, family_get_for_user

        family, members = family_get_for_user(user=request.user, family_id=family_id)
        return family, children_of(members)
    wanted = [c[:50] for c in data.getlist("offered") or data.getlist("children")][:50]
    children = list(
        access.visible_children(request.user).filter(child_id__in=wanted).order_by("child_id")
    )
    if not children:
        raise Http404("No children to audit")
    return None, children


def family_audit_new(request: HttpRequest) -> HttpResponse:
    """Allocate a family audit: every child chosen gets their own audit, made together."""
    _require_auditing(request)
    family, children = _offered(request)
    reason = (request.POST if request.method == "POST" else request.GET).get("reason", "")[:300]
    form = forms.FamilyAuditForm(
        request.POST or None,
        children=children,
        initial={
            "children": [c.child_id for c in children],
            "auditor": request.user.username,
            "template": "sgo-before-court",
            "mode": "paper",
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            made = family_services.family_audit_create(
                children=form.chosen_children(),
                template_slug=d["template"],
                mode=d["mode"],
                auditor=d["auditor"],
                actor=request.user,
                family=family,
                title=d["title"],
                reason=reason,
                due_date=d["due_date"],
            )
        except services.AuditError as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, "Family audit allocated: each child has their own audit.")
            return redirect("audits:family_detail", pk=made.pk)
    return render(
        request,
        "audits/family_new.html",
        {"form": form, "family": family, "children": children, "reason": reason},
        status=400 if form.errors else 200,
    )


def _family_audit(request: HttpRequest, pk: int) -> tuple[Any, list[Any]]:
    return family_selectors.family_audit_get_for_user(
        user=request.user, family_audit_id=pk, via=AccessEvent.Via.PAGE, where=request.path
    )


def family_audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    family_audit, audits = _family_audit(request, pk)
    return _render(request, family_audit, audits)


def _render(
    request: HttpRequest, family_audit: Any, audits: list[Any], status: int = 200, **bound: Any
) -> HttpResponse:
    record = family_selectors.family_audit_record(family_audit=family_audit, audits=audits)
    posted = bound.pop("posted", None)
    errors = bound.pop("answer_errors", {})
    error_list = []
    for _, views in record.sections:
        for v in views:
            _shown(v, posted)
            q = v.question.pk
            v.errors = errors.get(f"q{q}", [])
            error_list += [(_anchor(f"q{q}", e), f"{v.question.text}: {e}") for e in v.errors]
            for c in v.per_child:
                c.errors = errors.get(f"q{q}-a{c.audit.pk}", [])
                error_list += [
                    (_anchor(f"q{q}-a{c.audit.pk}", e), f"{c.audit.child.display_name}: {e}")
                    for e in c.errors
                ]
    user = request.user
    scale = list(Grade.objects.all())
    is_auditor = all(services.is_audits_auditor(user, a) for a in audits)
    moves = family_services.allowed_moves(audits=audits, user=user)
    unanswered = record.unanswered_required()
    graded: dict[int, list[str]] = {a.pk: [] for a in audits}
    for _, views in record.sections:
        for v in views:
            if v.question.type == Question.Type.GRADED:
                for c in v.per_child:
                    if c.answer:
                        graded[c.audit.pk].append(c.answer.value)
    children = [
        {
            "audit": a,
            "overall": record.overall.get(a.pk),
            "suggested": services.suggest_from_values(graded[a.pk], scale=scale),
            "unanswered": unanswered[a.pk],
        }
        for a in audits
    ]
    context = {
        "family_audit": family_audit,
        "record": record,
        "audits": audits,
        "children": children,
        "status_tags": STATUS_TAGS,
        "moves": [(to, MOVE_LABELS[to]) for to in moves],
        "can_answer": is_auditor and all(a.status == Status.IN_PROGRESS for a in audits),
        "can_find": all(services.may_record_findings(user, a) for a in audits),
        "grade_choices": [(g.slug, g.label) for g in scale],
        "overall_choices": [(g.slug, g.label) for g in scale if g.slug != "not_applicable"],
        "yes_no_choices": YES_NO_CHOICES,
        "labels": {**YES_NO_LABELS, **{g.slug: g.label for g in scale}},
        "answer_errors": error_list,
        "move_error": bound.pop("move_error", ""),
        "finding_form": bound.pop("finding_form", None)
        or forms.FamilyFindingForm(audit=audits[0], audits=audits),
        "today": clock.today(),
    }
    context.update(bound)
    return render(request, "audits/family_detail.html", context, status=status)


def _anchor(field: str, error: str) -> str:
    return ("e" + field[1:]) if "evidence" in error else field


def _shown(view: Any, posted: dict[str, Any] | None) -> None:
    """What each answer field shows: what was just posted (when it had errors), else the
    current answers."""
    q = view.question.pk
    if posted is not None and f"mode{q}" in posted:
        view.shared = posted[f"mode{q}"] != "per_child"
        view.shown_value = posted.get(f"q{q}", "")
        view.shown_evidence = posted.get(f"e{q}", "")
        for c in view.per_child:
            c.shown_value = posted.get(f"q{q}-a{c.audit.pk}", "")
            c.shown_evidence = posted.get(f"e{q}-a{c.audit.pk}", "")
        return
    if view.shared_answer:
        view.shown_value = view.shared_answer.value
        view.shown_evidence = view.shared_answer.evidence
    for c in view.per_child:
        c.shown_value = c.answer.value if c.answer else ""
        c.shown_evidence = c.answer.evidence if c.answer else ""


def _done(family_audit: Any, anchor: str = "") -> HttpResponse:
    return redirect(reverse("audits:family_detail", args=[family_audit.pk]) + anchor)


@require_POST
def family_save_section(request: HttpRequest, pk: int, section: int) -> HttpResponse:
    """Save one section: each question once for every child, or per child."""
    family_audit, audits = _family_audit(request, pk)
    part = get_object_or_404(TemplateSection, pk=section, template=family_audit.template_id)
    answers = []
    for q in part.questions.all():
        if request.POST.get(f"mode{q.pk}") == "per_child":
            answers.append(
                {
                    "question": q.pk,
                    "shared": False,
                    "per_child": {
                        a.pk: {
                            "value": request.POST.get(f"q{q.pk}-a{a.pk}", ""),
                            "evidence": request.POST.get(f"e{q.pk}-a{a.pk}", ""),
                        }
                        for a in audits
                    },
                }
            )
        else:
            answers.append(
                {
                    "question": q.pk,
                    "shared": True,
                    "value": request.POST.get(f"q{q.pk}", ""),
                    "evidence": request.POST.get(f"e{q.pk}", ""),
                }
            )
    try:
        family_services.family_answers_save(
            family_audit=family_audit, answers=answers, actor=request.user, audits=audits
        )
    except services.Forbidden as error:
        raise PermissionDenied(error.message) from error
    except services.Conflict as error:
        messages.error(request, error.message)
        return _done(family_audit)
    except ValidationError as error:
        return _render(
            request,
            family_audit,
            audits,
            status=400,
            answer_errors=error.message_dict,
            posted=request.POST.dict(),
        )
    messages.success(request, f"“{part.title}” saved for every child.")
    return _done(family_audit, f"#section-{part.pk}")


@require_POST
def family_add_finding(request: HttpRequest, pk: int) -> HttpResponse:
    family_audit, audits = _family_audit(request, pk)
    form = forms.FamilyFindingForm(request.POST, audit=audits[0], audits=audits)
    if form.is_valid():
        d = form.cleaned_data
        try:
            made = family_services.family_finding_add(
                family_audit=family_audit,
                question=d["question"],
                type=d["finding_type"],
                text=d["text"],
                themes=d["themes"],
                actor=request.user,
                audit=form.chosen_audit(),
                audits=audits,
            )
        except services.Forbidden as error:
            raise PermissionDenied(error.message) from error
        except services.Conflict as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(
                request,
                "Finding added to every child's audit."
                if len(made) > 1
                else f"Finding added to {made[0].audit.child.display_name}'s audit.",
            )
            return _done(family_audit, "#findings")
    return _render(request, family_audit, audits, status=400, finding_form=form)


@require_POST
def family_transition(request: HttpRequest, pk: int) -> HttpResponse:
    """Move every child's audit together, or none."""
    family_audit, audits = _family_audit(request, pk)
    to = request.POST.get("to", "")[:40]
    grades = {a.pk: request.POST.get(f"grade-{a.pk}", "")[:40] for a in audits}
    try:
        family_services.family_audit_transition(
            family_audit=family_audit,
            to=to,
            actor=request.user,
            overall_grades=grades if to == Status.SUBMITTED else None,
            comment=request.POST.get("comment", "")[:10_000],
            audits=audits,
        )
    except services.Forbidden as error:
        raise PermissionDenied(error.message) from error
    except services.Conflict as error:
        return _render(request, family_audit, audits, status=400, move_error=error.message)
    label = Status(to).label.lower() if to in Status.values else to
    messages.success(request, f"Every child's audit is {label}.")
    return _done(family_audit)
