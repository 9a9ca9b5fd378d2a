"""Every write to audits. Each service validates, writes and records a domain event in one
transaction (ARCHITECTURE rule 3). Grades are never edited in place: a new record supersedes.

The audit's life is the explicit table `TRANSITIONS` below; anything not in it is refused.
"""

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from assure.core import access, clock, events, mail, working_days
from assure.core.errors import NotNow
from assure.core.formats import day_words, moment_words
from assure.core.workflow import Move, Workflow
from assure.people.models import User

from . import selectors
from .models import (
    ActionAgreement,
    Answer,
    Audit,
    AuditTemplate,
    AuditTransition,
    CaseAction,
    Contribution,
    Escalation,
    Finding,
    Grade,
    Mode,
    Notification,
    OverallGrade,
    Question,
    Status,
    Strand,
    TemplateSection,
    Theme,
)

YES_NO_VALUES = ("yes", "partly", "no", "not_applicable")
OVERALL_GRADES = ("outstanding", "good", "requires_improvement", "inadequate")
EDITABLE = frozenset({Status.SCHEDULED, Status.IN_PROGRESS})


class AuditError(Exception):
    """A refusal, with a message for the person who asked."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Forbidden(AuditError, PermissionDenied):
    """This person may not do this (403)."""


class Conflict(AuditError, NotNow):
    """Not allowed from the audit's state, or the audit is incomplete (409)."""


# --- who may ---------------------------------------------------------------------------


def is_audits_auditor(user: Any, audit: Audit) -> bool:
    return audit.auditor_id == user.pk


def may_allocate(user: Any) -> bool:
    """Allocates children to any auditor (others only take cases for themselves)."""
    return access.can(user, "allocate_audits")


def managers_of(user: User) -> Any:
    """The managers of this person: those who manage the people of one of their teams."""
    return access.holders("manage_team_members", team_ids=user.teams.all()).exclude(pk=user.pk)


def child_managers(child: Any) -> list[User]:
    """Who is told of an escalation about this child and acknowledges it: people who
    acknowledge escalations for the child's team (its team managers and heads of service)."""
    if not child.team_id:
        return []
    return list(
        access.holders("acknowledge_escalations", team_ids=[child.team_id]).order_by("username")
    )


# --- the state machine -----------------------------------------------------------------


def _needs_comment(audit: Audit, params: dict[str, Any]) -> str:
    return "" if (params.get("comment") or "").strip() else "Say why the audit is returned."


def _complete(audit: Audit, params: dict[str, Any]) -> str:
    missing = missing_required(audit)
    if missing:
        return f"Answer every required question first: {len(missing)} still unanswered."
    return ""


def _has_overall_grade(audit: Audit, params: dict[str, Any]) -> str:
    if params.get("overall_grade") or current_overall_grade(audit):
        return ""
    return "Give an overall grade before submitting."


def _moved_by_auditor(source: str, target: str, *guards: Any) -> Move:
    return Move(source, target, target, "the audit's auditor", is_audits_auditor, guards)


def _moved_by_reviewer(source: str, target: str, *guards: Any) -> Move:
    return Move(source, target, target, "review_audits", None, guards)


# An audit's action is the state it moves to.
WORKFLOW = Workflow(
    noun="audit",
    states=dict(Status.choices),
    moves=(
        _moved_by_auditor(Status.SCHEDULED, Status.IN_PROGRESS),
        _moved_by_auditor(Status.IN_PROGRESS, Status.SUBMITTED, _complete, _has_overall_grade),
        _moved_by_reviewer(Status.SUBMITTED, Status.CLOSED),
        _moved_by_reviewer(Status.SUBMITTED, Status.IN_MODERATION),
        _moved_by_reviewer(Status.IN_MODERATION, Status.CLOSED),
        _moved_by_reviewer(Status.SUBMITTED, Status.RETURNED, _needs_comment),
        _moved_by_reviewer(Status.IN_MODERATION, Status.RETURNED, _needs_comment),
        _moved_by_auditor(Status.RETURNED, Status.IN_PROGRESS),
    ),
    refused=Conflict,
    forbidden=Forbidden,
    guard_error=Conflict,
)
TRANSITIONS = WORKFLOW.moves


def allowed_moves(*, audit: Audit, user: Any) -> list[str]:
    """The states this user may move this audit to now (guards not yet checked)."""
    return [m.target for m in WORKFLOW.allowed(state=audit.status, record=audit, user=user)]


def _label(status: str) -> str:
    try:
        return Status(status).label.lower()
    except ValueError:
        return repr(status)


@transaction.atomic
def audit_transition(
    *,
    audit: Audit,
    to: str,
    actor: Any,
    overall_grade: str | None = None,
    comment: str = "",
) -> Audit:
    """Move an audit. Refuses a move not in the table (Conflict), a person not allowed to
    make it (Forbidden), and a move whose guards fail (Conflict)."""
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    move = WORKFLOW.find(state=audit.status, action=to)
    if overall_grade and to == Status.SUBMITTED and move and move.allows(actor, audit):
        # Given before the guards, which ask for an overall grade.
        _give_overall_grade(audit=audit, grade_slug=overall_grade, actor=actor)
    WORKFLOW.check(
        state=audit.status,
        action=to,
        record=audit,
        user=actor,
        params={"overall_grade": overall_grade, "comment": comment},
        unknown="" if to in Status.values else f"{to!r} is not a state an audit can be in.",
    )
    before = audit.status
    now = clock.now()
    audit.status = to
    if to == Status.SUBMITTED:
        audit.submitted_at = now
    if to == Status.CLOSED:
        audit.closed_at = now
    versions = _take_current_version(audit) if before == Status.SCHEDULED else None
    audit.save(update_fields=["status", "submitted_at", "closed_at", "template"])
    AuditTransition.objects.create(
        audit=audit, from_status=before, to_status=to, by=actor, at=now, comment=comment.strip()
    )
    data: dict[str, Any] = {"from": before, "to": to, "comment": comment.strip()}
    if versions:
        data["template_version"] = {"from": versions[0], "to": versions[1]}
    events.record(
        actor=actor,
        verb=f"audit.{to}",
        obj=audit,
        child=audit.child,
        summary=f"Audit {audit.pk} moved from {_label(before)} to {_label(to)}"
        + (f", on version {versions[1]} of its template" if versions else ""),
        data=data,
    )
    return audit


def _take_current_version(audit: Audit) -> tuple[int, int] | None:
    """An audit takes its template's current version when it starts: one scheduled before a
    new version shipped (the SGO Schedule's matters as questions of their own) is asked the
    new questions. Nothing has been answered yet; once started, an audit keeps its version.
    Returns (old, new) when it changed."""
    current = current_template(audit.template.slug)
    if current is None or current.version <= audit.template.version:
        return None
    old = audit.template.version
    audit.template = current
    return old, current.version


# --- creating and allocating -----------------------------------------------------------


def current_template(slug: str) -> AuditTemplate | None:
    return AuditTemplate.objects.filter(slug=slug).order_by("-version").first()


@transaction.atomic
def audit_create(
    *,
    child: Any,
    template_slug: str,
    mode: str,
    auditor: User,
    actor: Any,
    strand: Strand | None = None,
    queue_tier: int | None = None,
    due_date: dt.date | None = None,
) -> Audit:
    """Allocate a child to an auditor. The assurance lead allocates to anyone who audits; an
    auditor may take a case for themself."""
    if not (may_allocate(actor) or (access.can(actor, "audit_cases") and auditor == actor)):
        raise Forbidden(f"Only {access.who_may('allocate_audits')} allocates audits to others.")
    if not access.can(auditor, "audit_cases"):
        raise ValidationError({"auditor": f"{auditor.username} is not an auditor."})
    if mode not in Mode.values:
        raise ValidationError({"mode": "Choose paper or collaborative."})
    template = current_template(template_slug)
    if template is None:
        raise ValidationError({"template": f"There is no audit template {template_slug!r}."})
    if Audit.objects.filter(child=child).exclude(status=Status.CLOSED).exists():
        raise Conflict(f"Child {child.child_id} already has an audit that is not closed.")
    if due_date is None:
        due_date = due_date_from_programme(tier=queue_tier, on=clock.today())
    audit = Audit.objects.create(
        child=child,
        template=template,
        mode=mode,
        auditor=auditor,
        strand=strand,
        queue_tier=queue_tier,
        due_date=due_date,
        created_at=clock.now(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    events.record(
        actor=actor,
        verb="audit.scheduled",
        obj=audit,
        child=child,
        summary=f"{template.title} ({mode}) allocated to {auditor.display_name}",
        data={
            "template": template.slug,
            "version": template.version,
            "mode": mode,
            "auditor": auditor.username,
        },
    )
    return audit


# Days to complete an audit when no programme is running: a strand's own default.
DEFAULT_DUE_DAYS = 28


def due_date_from_programme(*, tier: int | None, on: dt.date) -> dt.date:
    """When an audit allocated or taken on `on` is due: the days its strand allows, for the
    strand of a programme running that day that audits the child's queue tier (never after
    the programme ends); else the end of the running programme that ends first; else, with no
    programme running, 28 days. A day at a weekend or on a bank holiday moves back to the
    working day before (back, so never past the programme's end)."""
    return working_days.working_day_on_or_before(_due_day(tier=tier, on=on))


def _due_day(*, tier: int | None, on: dt.date) -> dt.date:
    running = Strand.objects.filter(
        programme__start_date__lte=on, programme__end_date__gte=on
    ).select_related("programme")
    strand = (
        running.filter(inclusion_tier=tier).order_by("programme__end_date", "pk").first()
        if tier is not None
        else None
    )
    if strand is not None:
        return min(on + dt.timedelta(days=strand.due_days), strand.programme.end_date)
    from .models import Programme

    programme = (
        Programme.objects.filter(start_date__lte=on, end_date__gte=on)
        .order_by("end_date", "pk")
        .first()
    )
    if programme is not None:
        return programme.end_date
    return on + dt.timedelta(days=DEFAULT_DUE_DAYS)


def audit_bulk_allocate(
    *,
    children: Iterable[Any],
    template_slug: str,
    mode: str,
    auditor: User,
    actor: Any,
    due_date: dt.date | None = None,
    tiers: dict[int, int] | None = None,
) -> list[Audit]:
    """Allocate several children at once: all or nothing."""
    with transaction.atomic():
        return [
            audit_create(
                child=child,
                template_slug=template_slug,
                mode=mode,
                auditor=auditor,
                actor=actor,
                due_date=due_date,
                queue_tier=(tiers or {}).get(child.pk),
            )
            for child in children
        ]


# --- answers and grades ----------------------------------------------------------------


def _grade(slug: str) -> Grade | None:
    return Grade.objects.filter(slug=slug).first()


def validate_answer(*, question: Question, value: str, evidence: str) -> str:
    """The problem with an answer, or "" when it is acceptable. A graded answer below good
    needs a note of evidence."""
    if question.type == Question.Type.GRADED:
        grade = _grade(value)
        if grade is None:
            return "Choose a grade from the scale."
        if grade.below_good and not evidence.strip():
            return f"Give the evidence for grading this {grade.label.lower()}."
    elif question.type == Question.Type.YES_NO and value not in YES_NO_VALUES:
        return "Choose yes, partly, no or not applicable."
    return ""


def current_answers(audit: Audit) -> dict[int, Answer]:
    return {a.question_id: a for a in audit.answers.filter(is_current=True)}


def missing_required(audit: Audit) -> list[Question]:
    answered = {q for q, a in current_answers(audit).items() if a.value.strip()}
    required = Question.objects.filter(section__template=audit.template_id, required=True)
    return [q for q in required if q.pk not in answered]


def current_overall_grade(audit: Audit) -> OverallGrade | None:
    return audit.overall_grades.filter(is_current=True).select_related("grade").first()


def _supersede(model: Any, current: Any, **fields: Any) -> Any:
    if current is not None:
        model.objects.filter(pk=current.pk).update(is_current=False)
    return model.objects.create(supersedes=current, is_current=True, **fields)


@transaction.atomic
def answers_save(*, audit: Audit, answers: list[dict[str, Any]], actor: Any) -> list[Answer]:
    """Save draft answers: all or nothing. Unchanged answers are left alone; a changed one
    is a new row that supersedes the old. Blank values clear nothing (drafts keep the last
    answer)."""
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    if audit.status == Status.CLOSED:
        raise Conflict("A closed audit is read-only.")
    if not is_audits_auditor(actor, audit):
        raise Forbidden("Only the audit's auditor may answer its questions.")
    if audit.status != Status.IN_PROGRESS:
        raise Conflict(
            "Answers can only be saved while the audit is in progress; "
            f"it is {_label(audit.status)}."
        )
    questions = {q.pk: q for q in Question.objects.filter(section__template=audit.template_id)}
    problems: dict[str, list[str]] = {}
    cleaned = []
    seen: set[int] = set()
    for item in answers:
        question = questions.get(_int(item.get("question")))
        if question is None:
            problems.setdefault(str(item.get("question")), []).append(
                "This question is not in the audit's template."
            )
            continue
        if question.pk in seen:
            problems.setdefault(str(question.pk), []).append("This question is answered twice.")
            continue
        seen.add(question.pk)
        value, evidence = (
            str(item.get("value") or "").strip(),
            str(item.get("evidence") or "").strip(),
        )
        if not value:
            continue
        problem = validate_answer(question=question, value=value, evidence=evidence)
        if problem:
            problems.setdefault(str(question.pk), []).append(problem)
        cleaned.append((question, value, evidence, item.get("shared")))
    if problems:
        raise ValidationError(problems)
    existing = current_answers(audit)
    saved, now = [], clock.now()
    for question, value, evidence, shared in cleaned:
        old = existing.get(question.pk)
        # `shared` (a family audit's answer given once for every child) is left as it was
        # when the caller does not say; an answer changed on one child's audit is its own.
        if (
            old
            and old.value == value
            and old.evidence == evidence
            and (shared is None or old.shared == shared)
        ):
            continue
        saved.append(
            _supersede(
                Answer,
                old,
                audit=audit,
                question=question,
                value=value,
                evidence=evidence,
                given_by=actor,
                given_at=now,
                shared=bool(shared),
            )
        )
    if saved:
        events.record(
            actor=actor,
            verb="audit.answers_saved",
            obj=audit,
            child=audit.child,
            summary=f"{len(saved)} answer(s) saved",
            data={"questions": [a.question_id for a in saved]},
        )
    return saved


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def suggest_overall_grade(audit: Audit) -> str | None:
    """The mean score of the graded answers, rounded to the nearest point on the scale
    (not applicable left out; a tie goes to the lower grade); None when nothing is graded."""
    values = [
        a.value for a in audit.answers.filter(is_current=True, question__type=Question.Type.GRADED)
    ]
    return suggest_from_values(values)


def suggest_from_values(values: list[str], scale: list[Grade] | None = None) -> str | None:
    """The grade nearest the mean score of these values (one query for the scale unless
    the caller has it already)."""
    grades = Grade.objects.all() if scale is None else scale
    scores = {g.slug: g.score for g in grades if g.score is not None}
    given = [scores[v] for v in values if v in scores]
    if not given:
        return None
    mean = sum(given) / len(given)
    return min(scores, key=lambda slug: (abs(scores[slug] - mean), scores[slug]))


def _give_overall_grade(
    *, audit: Audit, grade_slug: str, actor: Any, kind: str = "auditor", reason: str = ""
) -> OverallGrade:
    if grade_slug not in OVERALL_GRADES:
        raise Conflict(
            "The overall grade must be outstanding, good, requires improvement or inadequate."
        )
    grade = _grade(grade_slug)
    current = current_overall_grade(audit)
    if current and current.grade_id == grade.pk and current.kind == kind:
        return current
    made = _supersede(
        OverallGrade,
        current,
        audit=audit,
        grade=grade,
        kind=kind,
        reason=reason,
        given_by=actor,
        given_at=clock.now(),
    )
    events.record(
        actor=actor,
        verb="audit.overall_grade",
        obj=audit,
        child=audit.child,
        summary=f"Overall grade {grade.label}",
        data={"grade": grade_slug, "kind": kind, "reason": reason},
    )
    return made


@transaction.atomic
def overall_grade_give(*, audit: Audit, grade_slug: str, actor: Any) -> OverallGrade:
    """The auditor's overall grade, while the audit is in progress."""
    if not is_audits_auditor(actor, audit):
        raise Forbidden("Only the audit's auditor grades it.")
    if audit.status != Status.IN_PROGRESS:
        raise Conflict("The overall grade can only be given while the audit is in progress.")
    return _give_overall_grade(audit=audit, grade_slug=grade_slug, actor=actor)


def _require_moderation(audit: Audit, actor: Any) -> None:
    access.require(actor, "moderate_audits", error=Forbidden)
    if audit.status != Status.IN_MODERATION:
        raise Conflict("Move the audit into moderation before regrading it.")


@transaction.atomic
def answer_regrade(
    *, audit: Audit, question: Question, value: str, reason: str, actor: Any
) -> Answer:
    """A moderator's regrade of one question: a new answer that supersedes, with reasons."""
    _require_moderation(audit, actor)
    if question.type != Question.Type.GRADED or question.section.template_id != audit.template_id:
        raise ValidationError({"question": "Only a graded question of this audit can be regraded."})
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for the regrade."})
    old = current_answers(audit).get(question.pk)
    problem = validate_answer(question=question, value=value, evidence=reason)
    if problem:
        raise ValidationError({"value": problem})
    made = _supersede(
        Answer,
        old,
        audit=audit,
        question=question,
        value=value,
        evidence=old.evidence if old else "",
        kind="moderation",
        reason=reason.strip(),
        given_by=actor,
        given_at=clock.now(),
    )
    events.record(
        actor=actor,
        verb="audit.regraded",
        obj=audit,
        child=audit.child,
        summary=f"Question {question.key} regraded to {value}",
        data={
            "question": question.key,
            "from": old.value if old else None,
            "to": value,
            "reason": reason.strip(),
        },
    )
    return made


@transaction.atomic
def overall_grade_moderate(
    *, audit: Audit, grade_slug: str, reason: str, actor: Any
) -> OverallGrade:
    _require_moderation(audit, actor)
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for the regrade."})
    return _give_overall_grade(
        audit=audit, grade_slug=grade_slug, actor=actor, kind="moderation", reason=reason.strip()
    )


# --- findings, actions, contributions --------------------------------------------------


def may_record_findings(actor: Any, audit: Audit) -> bool:
    if audit.status == Status.IN_PROGRESS:
        return is_audits_auditor(actor, audit)
    return audit.status == Status.IN_MODERATION and access.can(actor, "moderate_audits")


@transaction.atomic
def finding_add(
    *,
    audit: Audit,
    question: Question,
    type: str,
    text: str,
    themes: Iterable[Theme] = (),
    actor: Any,
    shared_key: uuid.UUID | None = None,
) -> Finding:
    """Record a finding on one child's audit (`shared_key` marks each child's copy of a
    finding a family audit shares)."""
    if audit.status == Status.CLOSED:
        raise Conflict("A closed audit is read-only.")
    if not may_record_findings(actor, audit):
        raise Forbidden(
            "Only the auditor (while in progress) or the lead (in moderation) records findings."
        )
    if question.section.template_id != audit.template_id:
        raise ValidationError({"question": "Choose a question from this audit."})
    if type not in Finding.Type.values:
        raise ValidationError({"type": "Choose strength or area for development."})
    if not text.strip():
        raise ValidationError({"text": "Describe the finding."})
    finding = Finding.objects.create(
        audit=audit,
        question=question,
        type=type,
        text=text.strip(),
        created_by=actor,
        created_at=clock.now(),
        shared_key=shared_key,
    )
    finding.themes.set(list(themes))
    events.record(
        actor=actor,
        verb="audit.finding_added",
        obj=finding,
        child=audit.child,
        summary=f"{finding.get_type_display()}: {text.strip()[:200]}",
        data={
            "audit": audit.pk,
            "question": question.key,
            "themes": [t.slug for t in finding.themes.all()],
            "shared_key": str(shared_key) if shared_key else None,
        },
    )
    return finding


@transaction.atomic
def action_add(
    *,
    audit: Audit,
    description: str,
    owner: User,
    due_date: dt.date,
    priority: str,
    actor: Any,
    finding: Finding | None = None,
) -> CaseAction:
    if audit.status == Status.CLOSED:
        raise Conflict("A closed audit is read-only.")
    if not (may_record_findings(actor, audit) or is_participant(actor, audit)):
        raise Forbidden(
            "Only the auditor, the lead or the collaborative audit's participants agree actions."
        )
    errors = {}
    if not description.strip():
        errors["description"] = "Describe the action."
    if priority not in CaseAction.Priority.values:
        errors["priority"] = "Choose high, medium or low."
    if due_date < clock.today():
        errors["due_date"] = "The due date must be today or later."
    if not selectors.action_owners(child=audit.child).filter(pk=owner.pk).exists():
        errors["owner"] = (
            f"{owner.display_name} cannot own an action on this child's case. Choose someone "
            "who works the case or manages it (its worker, the team's practitioners, team "
            "manager, service manager or head of service), or the assurance team."
        )
    if errors:
        raise ValidationError(errors)
    action = CaseAction.objects.create(
        audit=audit,
        finding=finding,
        description=description.strip(),
        owner=owner,
        due_date=due_date,
        priority=priority,
        created_by=actor,
        created_at=clock.now(),
    )
    events.record(
        actor=actor,
        verb="audit.action_added",
        obj=action,
        child=audit.child,
        summary=f"Action for {owner.display_name} due {day_words(due_date)}",
        data={"audit": audit.pk, "owner": owner.username, "priority": priority},
    )
    return action


def may_complete_action(user: Any, action: CaseAction) -> bool:
    return action.owner_id == user.pk or managers_of(action.owner).filter(pk=user.pk).exists()


@transaction.atomic
def action_complete(*, action: CaseAction, evidence_note: str, actor: Any) -> CaseAction:
    """Only the owner or their manager completes an action, with a note of evidence."""
    action = (
        CaseAction.objects.select_for_update().select_related("audit", "owner").get(pk=action.pk)
    )
    if not may_complete_action(actor, action):
        raise Forbidden("Only the action's owner or their manager may complete it.")
    if action.status == CaseAction.ActionStatus.COMPLETED:
        raise Conflict("This action is already complete.")
    if not evidence_note.strip():
        raise ValidationError(
            {"evidence_note": "Say what was done, as evidence the action is complete."}
        )
    action.status = CaseAction.ActionStatus.COMPLETED
    action.completed_by, action.completed_at = actor, clock.now()
    action.evidence_note = evidence_note.strip()
    action.save(update_fields=["status", "completed_by", "completed_at", "evidence_note"])
    events.record(
        actor=actor,
        verb="audit.action_completed",
        obj=action,
        child=action.audit.child,
        summary="Action completed",
        data={"evidence": action.evidence_note},
    )
    return action


@transaction.atomic
def action_agree(*, action: CaseAction, actor: Any) -> ActionAgreement:
    """In a collaborative audit, the practitioner, their manager and the auditor each record
    that they agree an action."""
    audit = action.audit
    if audit.mode != Mode.COLLABORATIVE:
        raise Conflict("Actions are agreed in collaborative audits only.")
    if audit.status == Status.CLOSED:
        raise Conflict("A closed audit is read-only.")
    if not (is_participant(actor, audit) or is_audits_auditor(actor, audit)):
        raise Forbidden("Only the auditor and the audit's participants agree its actions.")
    if ActionAgreement.objects.filter(action=action, user=actor).exists():
        raise Conflict("You have already agreed this action.")
    agreement = ActionAgreement.objects.create(action=action, user=actor, at=clock.now())
    events.record(
        actor=actor,
        verb="audit.action_agreed",
        obj=action,
        child=audit.child,
        summary=f"{actor.display_name} agreed the action: {action.description[:120]}",
        data={"audit": audit.pk},
    )
    return agreement


def is_participant(user: Any, audit: Audit) -> bool:
    return audit.mode == Mode.COLLABORATIVE and user.pk in {audit.practitioner_id, audit.manager_id}


def _participants_check(*, audit: Audit, practitioner: User | None, manager: User | None) -> None:
    """Refuse, on the field, a practitioner outside the case team, a manager who does not
    manage the case, and one person in both places. The form offers only the right people;
    a stale page or a script must not get round it."""
    errors: dict[str, str] = {}
    if practitioner is not None and not (
        selectors.case_team(child=audit.child).filter(pk=practitioner.pk).exists()
    ):
        errors["practitioner"] = (
            f"{practitioner.display_name} does not work this child's case or manage it. Invite "
            "the child's worker or someone of the child's team who works the case or "
            "manages it (a practitioner, the team manager, service manager or head of service)."
        )
    if manager is not None and manager == practitioner:
        # The collaborative audit hears the practitioner and, separately, their manager.
        errors["manager"] = (
            f"{manager.display_name} is invited as the practitioner. Invite someone else as "
            "their manager, or nobody yet."
        )
    elif manager is not None and not (
        selectors.case_managers(child=audit.child).filter(pk=manager.pk).exists()
    ):
        errors["manager"] = (
            f"{manager.display_name} does not manage this child's case. Invite the team "
            "manager, service manager or head of service of the child's team."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def participants_invite(
    *, audit: Audit, practitioner: User | None, manager: User | None, actor: Any
) -> Audit:
    """Invite the practitioner and their manager to a collaborative audit, or nobody yet:
    the practitioner one of the child's case team (`selectors.case_team`), the manager one
    of those who manage the case (`selectors.case_managers`), and two different people."""
    if not (is_audits_auditor(actor, audit) or may_allocate(actor)):
        raise Forbidden(
            "Only the audit's auditor or whoever allocates audits invites participants."
        )
    if audit.mode != Mode.COLLABORATIVE:
        raise Conflict("Only a collaborative audit has participants.")
    if audit.status == Status.CLOSED:
        raise Conflict("A closed audit is read-only.")
    _participants_check(audit=audit, practitioner=practitioner, manager=manager)
    audit.practitioner, audit.manager = practitioner, manager
    audit.save(update_fields=["practitioner", "manager"])
    events.record(
        actor=actor,
        verb="audit.participants_invited",
        obj=audit,
        child=audit.child,
        summary="Participants invited",
        data={
            "practitioner": practitioner.username if practitioner else None,
            "manager": manager.username if manager else None,
        },
    )
    return audit


@transaction.atomic
def contribution_add(*, audit: Audit, type: str, text: str, actor: Any) -> Contribution:
    """A reflection from the practitioner or manager; the learning from any of those who
    took part."""
    if audit.status == Status.CLOSED:
        raise Conflict("A closed audit is read-only.")
    if audit.mode != Mode.COLLABORATIVE:
        raise Conflict("Reflections belong to collaborative audits.")
    if type == Contribution.Type.REFLECTION and not is_participant(actor, audit):
        raise Forbidden("Only the invited practitioner or manager adds a reflection.")
    if type == Contribution.Type.LEARNING and not (
        is_participant(actor, audit) or is_audits_auditor(actor, audit)
    ):
        raise Forbidden("Only those who took part record the learning.")
    if type not in Contribution.Type.values:
        raise ValidationError({"type": "Choose reflection or learning."})
    if not text.strip():
        raise ValidationError({"text": "Write the reflection."})
    made = Contribution.objects.create(
        audit=audit, author=actor, type=type, text=text.strip(), created_at=clock.now()
    )
    events.record(
        actor=actor,
        verb=f"audit.{type}_added",
        obj=made,
        child=audit.child,
        summary=f"{made.get_type_display()} added",
        data={"audit": audit.pk},
    )
    return made


# --- escalation ------------------------------------------------------------------------


def next_working_day(moment: dt.datetime) -> dt.datetime:
    """The same time of day (UK time) on the next working day: weekends and England's bank
    holidays skipped."""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    later = local + dt.timedelta(days=1)
    while not working_days.is_working_day(later.date()):
        later += dt.timedelta(days=1)
    return later


def may_escalate(user: Any, audit: Audit) -> bool:
    return (
        is_audits_auditor(user, audit)
        or access.can(user, "review_audits")
        or is_participant(user, audit)
    )


@transaction.atomic
def escalation_raise(*, audit: Audit, concern: str, actor: Any) -> Escalation:
    """ "This child may be unsafe now": notify the child's team manager and head of service
    at once, in the product and by email (sent once the transaction commits)."""
    if not may_escalate(actor, audit):
        raise Forbidden("Only those taking part in the audit may raise an escalation from it.")
    if not concern.strip():
        raise ValidationError({"concern": "Say why the child may be unsafe now."})
    now = clock.now()
    escalation = Escalation.objects.create(
        audit=audit,
        child=audit.child,
        concern=concern.strip(),
        raised_by=actor,
        raised_at=now,
        acknowledge_by=next_working_day(now),
    )
    recipients = child_managers(audit.child)
    text = f"Child {audit.child.child_id} may be unsafe now: raised by {actor.display_name}"
    Notification.objects.bulk_create(
        Notification(user=u, escalation=escalation, text=text, created_at=now) for u in recipients
    )
    emails = [u.email for u in recipients if u.email]
    events.record(
        actor=actor,
        verb="escalation.raised",
        obj=escalation,
        child=audit.child,
        summary=text,
        data={"notified": [u.username for u in recipients]},
    )
    # Queued, not sent here: a mail server that is down must never stop an escalation being
    # raised (core.mail retries it).
    escalation.email = mail.email_queue(
        to=emails,
        subject=f"Escalation: child {audit.child.child_id} may be unsafe now",
        body=(
            f"{text}.\n\nConcern: {escalation.concern}\n\nAcknowledge it in Assure by "
            f"{moment_words(escalation.acknowledge_by)}, and record what was done."
        ),
        reason="escalation",
        child=audit.child,
    )
    return escalation


@transaction.atomic
def escalation_acknowledge(*, escalation: Escalation, response: str, actor: Any) -> Escalation:
    """The child's team manager or head of service acknowledges, saying what was done."""
    escalation = (
        Escalation.objects.select_for_update().select_related("child").get(pk=escalation.pk)
    )
    if actor not in child_managers(escalation.child):
        raise Forbidden(
            "Only the child's team manager or head of service acknowledges an escalation."
        )
    if escalation.acknowledged_at:
        raise Conflict("This escalation is already acknowledged.")
    if not response.strip():
        raise ValidationError({"response": "Say what was done to keep the child safe."})
    escalation.acknowledged_by, escalation.acknowledged_at = actor, clock.now()
    escalation.response = response.strip()
    escalation.save(update_fields=["acknowledged_by", "acknowledged_at", "response"])
    Notification.objects.filter(escalation=escalation, read_at__isnull=True).update(
        read_at=clock.now()
    )
    events.record(
        actor=actor,
        verb="escalation.acknowledged",
        obj=escalation,
        child=escalation.child,
        summary="Escalation acknowledged",
        data={
            "response": escalation.response,
            "late": escalation.acknowledged_at > escalation.acknowledge_by,
        },
    )
    return escalation


# --- templates -------------------------------------------------------------------------


def template_is_used(template: AuditTemplate) -> bool:
    return template.audits.exists()


@transaction.atomic
def template_revise(
    *, template: AuditTemplate, sections: list[dict[str, Any]], actor: Any, title: str | None = None
) -> AuditTemplate:
    """Edit a template. A version no audit has used is changed in place; a used one never
    changes and the edit makes the next version."""
    access.require(actor, "manage_audit_templates", error=Forbidden)
    latest = current_template(template.slug)
    if latest.pk != template.pk:
        raise Conflict("Edit the latest version of the template.")
    if template_is_used(template):
        target = AuditTemplate.objects.create(
            slug=template.slug,
            version=template.version + 1,
            title=title or template.title,
            description=template.description,
            created_at=clock.now(),
            created_by=actor,
        )
    else:
        target = template
        target.title = title or target.title
        target.save(update_fields=["title"])
        target.sections.all().delete()
    _write_sections(target, sections)
    events.record(
        actor=actor,
        verb="audit_template.revised",
        obj=target,
        summary=f"{target.slug} version {target.version}",
        data={"from_version": template.version, "version": target.version},
    )
    return target


def _write_sections(template: AuditTemplate, sections: list[dict[str, Any]]) -> None:
    for s_pos, spec in enumerate(sections, start=1):
        section = TemplateSection.objects.create(
            template=template, position=s_pos, title=spec["title"]
        )
        for q_pos, q in enumerate(spec["questions"], start=1):
            if q["type"] not in Question.Type.values:
                raise ValidationError({"type": f"Unknown question type {q['type']!r}."})
            Question.objects.create(
                section=section,
                position=q_pos,
                key=q["key"],
                text=q["text"],
                type=q["type"],
                guidance=q.get("guidance", ""),
                required=q.get("required", True),
            )


def template_as_spec(template: AuditTemplate) -> list[dict[str, Any]]:
    """A template's sections as the plain data `template_revise` takes."""
    return [
        {
            "title": s.title,
            "questions": [
                {
                    "key": q.key,
                    "text": q.text,
                    "type": q.type,
                    "guidance": q.guidance,
                    "required": q.required,
                }
                for q in s.questions.all()
            ],
        }
        for s in template.sections.prefetch_related("questions")
    ]


# --- moderation sampling ---------------------------------------------------------------


@transaction.atomic
def moderation_sample(*, actor: Any, share_percent: int | None = None) -> list[Audit]:
    """Draw each auditor's share of submitted audits into moderation. The share counts every
    audit the auditor has had submitted, so sampling tops each auditor up to it; the earliest
    submitted are drawn first (a fair, repeatable rule, unlike a random draw)."""
    from .models import AuditSettings

    access.require(actor, "moderate_audits", error=Forbidden)
    if share_percent is None:
        share_percent = AuditSettings.objects.get_or_create(pk=1)[0].moderation_share_percent
    drawn: list[Audit] = []
    submitted_ever = Audit.objects.filter(submitted_at__isnull=False)
    for auditor_id in sorted(set(submitted_ever.values_list("auditor_id", flat=True))):
        mine = submitted_ever.filter(auditor_id=auditor_id)
        target = -(-mine.count() * share_percent // 100)  # ceiling
        short = target - mine.filter(sampled_for_moderation=True).count()
        if short <= 0:
            continue
        for audit in mine.filter(status=Status.SUBMITTED, sampled_for_moderation=False).order_by(
            "submitted_at", "id"
        )[:short]:
            audit.sampled_for_moderation = True
            audit.save(update_fields=["sampled_for_moderation"])
            drawn.append(
                audit_transition(
                    audit=audit,
                    to=Status.IN_MODERATION,
                    actor=actor,
                    comment=f"Sampled for moderation ({share_percent}% per auditor).",
                )
            )
    return drawn


# --- programmes and strands ------------------------------------------------------------


@transaction.atomic
def programme_create(
    *, name: str, start_date: dt.date, end_date: dt.date, description: str = "", actor: Any
) -> Any:
    from .models import Programme

    access.require(actor, "plan_audit_programmes", error=Forbidden)
    if end_date < start_date:
        raise ValidationError({"end_date": "The end date must be on or after the start date."})
    programme = Programme.objects.create(
        name=name.strip(), start_date=start_date, end_date=end_date, description=description
    )
    events.record(
        actor=actor, verb="audit_programme.created", obj=programme, summary=programme.name
    )
    return programme


@transaction.atomic
def strand_create(
    *,
    programme: Any,
    name: str,
    inclusion_tier: int | None,
    mode: str,
    template_slug: str,
    auditors: Iterable[User],
    due_days: int,
    actor: Any,
) -> Strand:
    access.require(actor, "plan_audit_programmes", error=Forbidden)
    if current_template(template_slug) is None:
        raise ValidationError({"template_slug": f"There is no audit template {template_slug!r}."})
    if inclusion_tier is not None and not 1 <= inclusion_tier <= 7:
        raise ValidationError(
            {"inclusion_tier": "Choose a queue tier from 1 to 5, or a further area (6 or 7)."}
        )
    strand = Strand.objects.create(
        programme=programme,
        name=name.strip(),
        inclusion_tier=inclusion_tier,
        mode=mode,
        template_slug=template_slug,
        due_days=due_days,
    )
    strand.auditors.set(list(auditors))
    events.record(
        actor=actor,
        verb="audit_strand.created",
        obj=strand,
        summary=f"{programme.name}: {strand.name}",
        data={"tier": inclusion_tier, "mode": mode, "template": template_slug},
    )
    return strand


@transaction.atomic
def strand_allocate(*, strand: Strand, on: dt.date, actor: Any, limit: int = 50) -> list[Audit]:
    """Allocate the strand's queue tier at a date to its auditors, in queue order, each
    next child to the auditor with the fewest open audits (all or nothing)."""
    from .queue import FURTHER_AREAS, further_area, queue_entries, with_children

    access.require(actor, "allocate_audits", error=Forbidden)
    auditors = list(strand.auditors.filter(is_active=True).order_by("username"))
    if not auditors:
        raise Conflict("Add auditors to the strand first.")
    if strand.inclusion_tier is None:
        raise Conflict("This strand has no queue tier to allocate from.")
    load = {
        a.pk: Audit.objects.filter(auditor=a).exclude(status=Status.CLOSED).count()
        for a in auditors
    }
    due = working_days.working_day_on_or_before(on + dt.timedelta(days=strand.due_days))
    made = []
    tier = strand.inclusion_tier
    if tier in FURTHER_AREAS:
        items = further_area(user=actor, on=on, area=tier)
    else:
        items = with_children(queue_entries(user=actor, on=on, tier=tier)[:limit])
    for item in items[:limit]:
        auditor = min(auditors, key=lambda a: (load[a.pk], a.username))
        made.append(
            audit_create(
                child=item.child,
                template_slug=strand.template_slug,
                mode=strand.mode,
                auditor=auditor,
                actor=actor,
                strand=strand,
                queue_tier=item.tier,
                due_date=due,
            )
        )
        load[auditor.pk] += 1
    return made


@transaction.atomic
def template_question_edit(
    *, template: AuditTemplate, key: str, text: str, guidance: str, required: bool, actor: Any
) -> AuditTemplate:
    """Reword one question (a used version is kept; the edit makes the next version)."""
    spec = template_as_spec(template)
    found = [q for s in spec for q in s["questions"] if q["key"] == key]
    if not found:
        raise ValidationError({"key": "That question is not in this template."})
    if not text.strip():
        raise ValidationError({"text": "Write the question."})
    found[0].update(text=text.strip(), guidance=guidance.strip(), required=required)
    return template_revise(template=template, sections=spec, actor=actor)


@transaction.atomic
def template_question_add(
    *,
    template: AuditTemplate,
    section_title: str,
    text: str,
    type: str,
    guidance: str,
    required: bool,
    actor: Any,
) -> AuditTemplate:
    """Add a question to a section (a new version when this one has been used)."""
    from django.utils.text import slugify

    spec = template_as_spec(template)
    section = next((s for s in spec if s["title"] == section_title), None)
    if section is None:
        raise ValidationError({"section": "Choose a section of this template."})
    if not text.strip():
        raise ValidationError({"text": "Write the question."})
    if type not in Question.Type.values:
        raise ValidationError({"type": "Choose graded, yes or no, or text."})
    keys = {q["key"] for s in spec for q in s["questions"]}
    base = f"{template.slug}-{slugify(text)[:40]}".strip("-")
    key, n = base, 2
    while key in keys:
        key, n = f"{base}-{n}", n + 1
    section["questions"].append(
        {
            "key": key,
            "text": text.strip(),
            "type": type,
            "guidance": guidance.strip(),
            "required": required,
        }
    )
    return template_revise(template=template, sections=spec, actor=actor)


def _lead_only(actor: Any, what: str) -> None:
    if not access.can(actor, "configure_audits"):
        raise Forbidden(f"Only {access.who_may('configure_audits')} {what}.")


@transaction.atomic
def theme_add(*, label: str, actor: Any) -> Theme:
    from django.utils.text import slugify

    _lead_only(actor, "manages the theme taxonomy")
    slug = slugify(label)[:60]
    if not slug:
        raise ValidationError({"label": "Name the theme."})
    if Theme.objects.filter(slug=slug).exists():
        raise ValidationError({"label": "There is already a theme with that name."})
    theme = Theme.objects.create(slug=slug, label=label.strip())
    events.record(actor=actor, verb="audit_theme.added", obj=theme, summary=theme.label)
    return theme


@transaction.atomic
def theme_set_active(*, theme: Theme, active: bool, actor: Any) -> Theme:
    """Retire a theme (findings keep it) or bring it back."""
    _lead_only(actor, "manages the theme taxonomy")
    theme.active = active
    theme.save(update_fields=["active"])
    events.record(
        actor=actor,
        verb="audit_theme.active" if active else "audit_theme.retired",
        obj=theme,
        summary=theme.label,
    )
    return theme


@transaction.atomic
def grade_relabel(*, grade: Grade, label: str, actor: Any) -> Grade:
    """Change how a grade reads. Its slug (the API's value) and its place on the scale stay."""
    _lead_only(actor, "edits the grade scale")
    if not label.strip():
        raise ValidationError({"label": "Give the grade a label."})
    before = grade.label
    grade.label = label.strip()
    grade.save(update_fields=["label"])
    events.record(
        actor=actor,
        verb="audit_grade.relabelled",
        obj=grade,
        summary=f"{before} is now {grade.label}",
        data={"before": before, "after": grade.label},
    )
    return grade


@transaction.atomic
def audit_settings_update(
    *, recent_closure_days: int, moderation_share_percent: int, actor: Any
) -> Any:
    from .models import AuditSettings

    _lead_only(actor, "changes the audit settings")
    if not 0 <= moderation_share_percent <= 100:
        raise ValidationError({"moderation_share_percent": "Give a share from 0 to 100."})
    settings_row = AuditSettings.objects.get_or_create(pk=1)[0]
    before = {
        "recent_closure_days": settings_row.recent_closure_days,
        "moderation_share_percent": settings_row.moderation_share_percent,
    }
    settings_row.recent_closure_days = recent_closure_days
    settings_row.moderation_share_percent = moderation_share_percent
    settings_row.save()
    events.record(
        actor=actor,
        verb="audit_settings.updated",
        obj=settings_row,
        summary="Audit settings changed",
        data={
            "before": before,
            "after": {
                "recent_closure_days": recent_closure_days,
                "moderation_share_percent": moderation_share_percent,
            },
        },
    )
    return settings_row
