"""Every write to family audits. A family audit is a set of ordinary per-child audits made
and moved together, so each child's record, moderation, insights and escalations work as
they do for any audit: these services call the per-child services for each child, inside
one transaction, and refuse the whole step when one child's part is refused.

- answers: given once for every child (each child's answer is marked `shared`), or per
  question "different for each child";
- findings: shared (a copy on each child's audit, the copies carrying one `shared_key`) or
  about one child only;
- moves: every child's audit moves, or none does.
"""

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from assure.core import access, clock, events

from . import services
from .models import Audit, FamilyAudit, Finding, Mode, Question, Theme
from .services import AuditError, Conflict, Forbidden

MIN_CHILDREN = 2


def _child_label(audit: Audit) -> str:
    return f"{audit.child.display_name} ({audit.child.child_id})"


@transaction.atomic
def family_audit_create(
    *,
    children: Iterable[Any],
    template_slug: str,
    auditor: Any,
    actor: Any,
    family: Any = None,
    mode: str = Mode.PAPER,
    title: str = "",
    reason: str = "",
    due_date: dt.date | None = None,
) -> FamilyAudit:
    """Audit several children together: one Audit per child, all or nothing. Only children
    the actor may see are included; each must also be one the auditor may see, or the
    auditor could not do the audit."""
    chosen = {c.pk for c in children}
    visible = list(
        access.visible_children(actor)
        .filter(pk__in=chosen)
        .select_related("team")
        .order_by("child_id")
    )
    if len(visible) < MIN_CHILDREN:
        raise ValidationError(
            {"children": "Choose at least two children: audit one child on their own."}
        )
    auditor_sees = set(
        access.visible_children(auditor)
        .filter(pk__in=[c.pk for c in visible])
        .values_list("pk", flat=True)
    )
    hidden = [c for c in visible if c.pk not in auditor_sees]
    if hidden:
        names = ", ".join(c.child_id for c in hidden)
        raise ValidationError(
            {"auditor": f"{auditor.display_name} may not see the record of {names}."}
        )
    template = services.current_template(template_slug)
    if template is None:
        raise ValidationError({"template": f"There is no audit template {template_slug!r}."})
    if mode not in Mode.values:
        raise ValidationError({"mode": "Choose paper or collaborative."})
    family_audit = FamilyAudit.objects.create(
        family=family,
        title=(title.strip() or _default_title(family, reason))[:200],
        reason=reason.strip()[:300],
        template=template,
        mode=mode,
        auditor=auditor,
        created_by=actor if getattr(actor, "pk", None) else None,
        created_at=clock.now(),
    )
    audits = [
        services.audit_create(
            child=child,
            template_slug=template_slug,
            mode=mode,
            auditor=auditor,
            actor=actor,
            due_date=due_date,
        )
        for child in visible
    ]
    Audit.objects.filter(pk__in=[a.pk for a in audits]).update(family_audit=family_audit)
    events.record(
        actor=actor,
        verb="family_audit.created",
        obj=family_audit,
        summary=f"{family_audit.title} allocated to {auditor.display_name}",
        data={
            "family": family.family_id if family else None,
            "audits": [a.pk for a in audits],
            "template": template.slug,
            "mode": mode,
            "reason": family_audit.reason,
        },
    )
    return family_audit


def _default_title(family: Any, reason: str) -> str:
    """A title that names no child, since people who see only some of the children see it."""
    if family is not None:
        return f"Family audit: {family.display_name}"
    if reason.strip():
        return f"Family audit: siblings who {reason.strip()}"
    return "Family audit of siblings"


def _audits(family_audit: FamilyAudit, audits: Sequence[Audit] | None) -> list[Audit]:
    """The child audits to act on: those the caller read through the access policy, which
    must all belong to this family audit."""
    if audits is None:
        audits = list(family_audit.child_audits.select_related("child").order_by("child__child_id"))
    audits = list(audits)
    if not audits or any(a.family_audit_id != family_audit.pk for a in audits):
        raise Conflict("These audits are not all part of this family audit.")
    # All or nothing means every child: someone who can no longer see one of them (a record
    # restricted since) may not move, or answer for, only the rest.
    if len({a.pk for a in audits}) != family_audit.child_audits.count():
        raise Conflict(
            "You may not see every child in this family audit, so you cannot act on it for "
            "all of them: ask the assurance lead."
        )
    return audits


def answer_field(question_pk: int, audit_pk: int | None = None) -> str:
    """The form field (and error key) of an answer: shared, or for one child's audit."""
    return f"q{question_pk}" if audit_pk is None else f"q{question_pk}-a{audit_pk}"


@transaction.atomic
def family_answers_save(
    *,
    family_audit: FamilyAudit,
    answers: list[dict[str, Any]],
    actor: Any,
    audits: Sequence[Audit] | None = None,
) -> int:
    """Save draft answers for every child: all or nothing. Each item is
    `{"question": pk, "shared": True, "value": ..., "evidence": ...}` (one answer written to
    every child's audit, marked shared) or `{"question": pk, "shared": False, "per_child":
    {audit_pk: {"value": ..., "evidence": ...}}}`. Returns how many answers were written.
    Problems are keyed by `answer_field`."""
    audits = _audits(family_audit, audits)
    if not all(services.is_audits_auditor(actor, a) for a in audits):
        raise Forbidden("Only the audit's auditor may answer its questions.")
    questions = {
        q.pk: q for q in Question.objects.filter(section__template=family_audit.template_id)
    }
    problems: dict[str, list[str]] = {}
    per_audit: dict[int, list[dict[str, Any]]] = {a.pk: [] for a in audits}
    for item in answers:
        question = questions.get(services._int(item.get("question")))
        if question is None:
            problems.setdefault(str(item.get("question")), []).append(
                "This question is not in the audit's template."
            )
            continue
        if item.get("shared", True):
            value = str(item.get("value") or "").strip()
            evidence = str(item.get("evidence") or "").strip()
            problem = value and services.validate_answer(
                question=question, value=value, evidence=evidence
            )
            if problem:
                problems.setdefault(answer_field(question.pk), []).append(problem)
            for audit in audits:
                per_audit[audit.pk].append(
                    {"question": question.pk, "value": value, "evidence": evidence, "shared": True}
                )
            continue
        given = item.get("per_child") or {}
        for audit in audits:
            mine = given.get(audit.pk) or {}
            value = str(mine.get("value") or "").strip()
            evidence = str(mine.get("evidence") or "").strip()
            problem = value and services.validate_answer(
                question=question, value=value, evidence=evidence
            )
            if problem:
                problems.setdefault(answer_field(question.pk, audit.pk), []).append(problem)
            per_audit[audit.pk].append(
                {"question": question.pk, "value": value, "evidence": evidence, "shared": False}
            )
    if problems:
        raise ValidationError(problems)
    written = 0
    for audit in audits:
        try:
            written += len(
                services.answers_save(audit=audit, answers=per_audit[audit.pk], actor=actor)
            )
        except AuditError as error:
            raise type(error)(f"{_child_label(audit)}: {error.message}") from error
    return written


@transaction.atomic
def family_finding_add(
    *,
    family_audit: FamilyAudit,
    question: Question,
    type: str,
    text: str,
    actor: Any,
    themes: Iterable[Theme] = (),
    audit: Audit | None = None,
    audits: Sequence[Audit] | None = None,
) -> list[Finding]:
    """A finding for every child (`audit` None: a copy on each child's audit, the copies
    sharing one `shared_key`) or about one child only (`audit`). All or nothing."""
    audits = _audits(family_audit, audits)
    if audit is not None:
        if audit.pk not in {a.pk for a in audits}:
            raise ValidationError({"applies_to": "Choose a child in this family audit."})
        targets, key = [a for a in audits if a.pk == audit.pk], None
    else:
        targets, key = audits, uuid.uuid4()
    themes = list(themes)
    made = []
    for target in targets:
        try:
            made.append(
                services.finding_add(
                    audit=target,
                    question=question,
                    type=type,
                    text=text,
                    themes=themes,
                    actor=actor,
                    shared_key=key,
                )
            )
        except AuditError as error:
            raise error.__class__(f"{_child_label(target)}: {error.message}") from error
    return made


def allowed_moves(*, audits: Sequence[Audit], user: Any) -> list[str]:
    """The moves this user may make for every child's audit at once (guards not yet
    checked): only a move open for each child is offered."""
    if not audits:
        return []
    common = services.allowed_moves(audit=audits[0], user=user)
    for audit in audits[1:]:
        theirs = set(services.allowed_moves(audit=audit, user=user))
        common = [m for m in common if m in theirs]
    return common


@transaction.atomic
def family_audit_transition(
    *,
    family_audit: FamilyAudit,
    to: str,
    actor: Any,
    overall_grades: dict[int, str] | None = None,
    comment: str = "",
    audits: Sequence[Audit] | None = None,
) -> list[Audit]:
    """Move every child's audit together through the audit state machine: if one child's
    move is refused, none moves, and the refusal names the child."""
    audits = _audits(family_audit, audits)
    moved = []
    for audit in audits:
        try:
            moved.append(
                services.audit_transition(
                    audit=audit,
                    to=to,
                    actor=actor,
                    overall_grade=(overall_grades or {}).get(audit.pk) or None,
                    comment=comment,
                )
            )
        except AuditError as error:
            raise type(error)(f"{_child_label(audit)}: {error.message}") from error
    # Started together, the children's audits took the same current version of the template.
    started = {a.template_id for a in moved}
    if len(started) == 1 and family_audit.template_id not in started:
        family_audit.template_id = started.pop()
        family_audit.save(update_fields=["template"])
    events.record(
        actor=actor,
        verb=f"family_audit.{to}",
        obj=family_audit,
        summary=f"{family_audit.title} moved to {to}",
        data={"audits": [a.pk for a in moved], "to": to},
    )
    return moved


__all__ = [
    "AuditError",
    "Conflict",
    "Forbidden",
    "allowed_moves",
    "answer_field",
    "family_answers_save",
    "family_audit_create",
    "family_audit_transition",
    "family_finding_add",
]
