"""Audit routes (issue 5 item 8): thin, over the audits services and selectors and the one
access policy. 403: this person may not; 404: no such audit or child, or one they may not
see; 409: not allowed from the audit's state, or the audit is incomplete; 422: bad input."""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from assure.audits import family_selectors, selectors, services
from assure.audits.models import Audit
from assure.audits.queue import queue_entries
from assure.core import access, clock
from assure.core.models import AccessEvent
from assure.people.models import User

from .schemas import Error
from .types import IsoDate

router = Router(tags=["audits"])


class QueueQuery(Schema):
    as_of: IsoDate | None = Field(None, description="The date D (YYYY-MM-DD); today if left out.")


class QueueItemOut(Schema):
    child_id: str
    tier: int
    reason: str
    key_date: dt.date | None


class QueueOut(Schema):
    items: list[QueueItemOut]


class QuestionOut(Schema):
    id: int
    text: str
    type: Literal["graded", "yes_no", "text"]
    required: bool


class SectionOut(Schema):
    title: str
    questions: list[QuestionOut]


class TemplateOut(Schema):
    slug: str
    version: int
    sections: list[SectionOut]


class AuditIn(Schema):
    child_id: str = Field(max_length=50)
    template: str = Field(max_length=60)
    mode: Literal["paper", "collaborative"]
    auditor: str = Field(max_length=150, description="The auditor's username.")


class FindingOut(Schema):
    id: int
    type: str
    question: int
    text: str
    themes: list[str]


class ActionOut(Schema):
    id: int
    description: str
    owner: str
    due_date: dt.date
    priority: str
    status: str


class AuditListQuery(Schema):
    status: str | None = Field(None, max_length=20)
    auditor: str | None = Field(None, max_length=150, description="The auditor's username.")
    child_id: str | None = Field(None, max_length=50)
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(100, ge=1, le=500)


class AuditSummary(Schema):
    id: int
    child_id: str
    template: str
    version: int
    mode: str
    auditor: str
    status: str
    overall_grade: str | None
    due_date: dt.date | None


class AuditList(Schema):
    count: int
    items: list[AuditSummary]


class AuditOut(Schema):
    id: int
    child_id: str
    template: str
    mode: str
    auditor: str
    status: str
    overall_grade: str | None
    findings: list[FindingOut]
    actions: list[ActionOut]


class AnswerIn(Schema):
    question: int
    value: str = Field(max_length=20_000)
    evidence: str = Field("", max_length=20_000)


class AnswersIn(Schema):
    answers: list[AnswerIn] = Field(max_length=500)


class AnswersOut(Schema):
    answers: list[AnswerIn]


class TransitionIn(Schema):
    to: str = Field(max_length=40)
    overall_grade: str | None = Field(None, max_length=40)
    comment: str = Field("", max_length=10_000)


def _audit_out(audit: Audit) -> dict[str, Any]:
    record = selectors.audit_record(audit=audit)
    return {
        "id": audit.pk,
        "child_id": audit.child.child_id,
        "template": audit.template.slug,
        "mode": audit.mode,
        "auditor": audit.auditor.username,
        "status": audit.status,
        "overall_grade": record.overall.grade.slug if record.overall else None,
        "findings": [
            {
                "id": f.pk,
                "type": f.type,
                "question": f.question_id,
                "text": f.text,
                "themes": [t.slug for t in f.themes.all()],
            }
            for f in record.findings
        ],
        "actions": [
            {
                "id": a.pk,
                "description": a.description,
                "owner": a.owner.username,
                "due_date": a.due_date,
                "priority": a.priority,
                "status": a.status,
            }
            for a in record.actions
        ],
    }


def _get(request: HttpRequest, audit_id: int) -> Audit:
    return selectors.audit_get_for_user(
        user=request.user, audit_id=audit_id, via=AccessEvent.Via.API, where=request.path
    )


@router.get("/audit-queue", response={200: QueueOut, 403: Error}, summary="The audit queue")
def audit_queue(request: HttpRequest, params: Query[QueueQuery]) -> Any:
    if not access.can(request.user, "audit_cases"):
        raise HttpError(403, "Only auditors and the assurance lead see the audit queue.")
    items = queue_entries(user=request.user, on=params.as_of or clock.today())
    return {
        "items": [
            {
                "child_id": i.child_id,
                "tier": i.tier,
                "reason": i.reason,
                "key_date": i.key_date,
            }
            for i in items
        ]
    }


@router.get(
    "/audit-templates/{slug}", response={200: TemplateOut, 404: Error}, summary="An audit template"
)
def audit_template(request: HttpRequest, slug: str) -> Any:
    template = selectors.template_get(slug=slug)
    return {
        "slug": template.slug,
        "version": template.version,
        "sections": [
            {
                "title": s.title,
                "questions": [
                    {"id": q.pk, "text": q.text, "type": q.type, "required": q.required}
                    for q in s.questions.all()
                ],
            }
            for s in template.sections.all()
        ],
    }


@router.post(
    "/audits",
    response={201: AuditOut, 403: Error, 404: Error, 409: Error, 422: Error},
    summary="Allocate an audit",
)
def audit_create(request: HttpRequest, payload: AuditIn) -> Any:
    if not access.can(request.user, "audit_cases"):
        raise HttpError(403, "Only auditors and the assurance lead allocate audits.")
    child = access.visible_children(request.user).filter(child_id=payload.child_id).first()
    if child is None:
        raise HttpError(404, "Not found.")
    auditor = User.objects.filter(username=payload.auditor, is_active=True).first()
    if auditor is None:
        raise HttpError(422, f"auditor: there is no active user {payload.auditor!r}.")
    audit = services.audit_create(
        child=child,
        template_slug=payload.template,
        mode=payload.mode,
        auditor=auditor,
        actor=request.user,
    )
    return 201, _audit_out(_get(request, audit.pk))


@router.get("/audits", response={200: AuditList, 403: Error}, summary="List audits")
def audit_list(request: HttpRequest, filters: Query[AuditListQuery]) -> Any:
    """Audits of children the caller may see, soonest due first, for BI tools."""
    if not access.can(request.user, "view_audits"):
        raise HttpError(403, "You may not see audits.")
    audits = selectors.audits_summary(
        user=request.user,
        status=filters.status or "",
        auditor=filters.auditor or "",
        child_id=filters.child_id or "",
    )
    start = (filters.page - 1) * filters.page_size
    return {
        "count": audits.count(),
        "items": [
            {
                "id": a.pk,
                "child_id": a.child.child_id,
                "template": a.template.slug,
                "version": a.template.version,
                "mode": a.mode,
                "auditor": a.auditor.username,
                "status": a.status,
                "overall_grade": a.overall,
                "due_date": a.due_date,
            }
            for a in audits[start : start + filters.page_size]
        ],
    }


@router.get("/audits/{audit_id}", response={200: AuditOut, 404: Error}, summary="One audit")
def audit_detail(request: HttpRequest, audit_id: int) -> Any:
    return _audit_out(_get(request, audit_id))


@router.put(
    "/audits/{audit_id}/answers",
    response={200: AnswersOut, 403: Error, 404: Error, 409: Error, 422: Error},
    summary="Save answers",
)
def audit_answers(request: HttpRequest, audit_id: int, payload: AnswersIn) -> Any:
    audit = _get(request, audit_id)
    services.answers_save(
        audit=audit, answers=[a.dict() for a in payload.answers], actor=request.user
    )
    current = services.current_answers(audit)
    return {
        "answers": [
            {"question": q, "value": a.value, "evidence": a.evidence}
            for q, a in sorted(current.items())
        ]
    }


@router.post(
    "/audits/{audit_id}/transition",
    response={200: AuditOut, 403: Error, 404: Error, 409: Error, 422: Error},
    summary="Move an audit to another state",
)
def audit_transition(request: HttpRequest, audit_id: int, payload: TransitionIn) -> Any:
    audit = _get(request, audit_id)
    moved = services.audit_transition(
        audit=audit,
        to=payload.to,
        actor=request.user,
        overall_grade=payload.overall_grade,
        comment=payload.comment,
    )
    audit.status = moved.status
    return _audit_out(audit)


# --- family audits -------------------------------------------------------------------------


class FamilyAuditChildOut(Schema):
    audit_id: int
    child_id: str
    status: str


class FamilyFindingOut(Schema):
    type: str
    text: str
    question: int
    shared: bool = Field(description="Recorded on every child's audit of the family audit.")
    child_ids: list[str] = Field(description="The children it is about (that you may see).")


class FamilyAuditSummary(Schema):
    id: int
    title: str
    reason: str
    family_id: str | None
    template: str
    version: int
    mode: str
    auditor: str
    created_at: dt.datetime
    audits: list[FamilyAuditChildOut]


class FamilyAuditList(Schema):
    count: int
    items: list[FamilyAuditSummary]


class FamilyAuditOut(FamilyAuditSummary):
    findings: list[FamilyFindingOut]


class FamilyAuditListQuery(Schema):
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(100, ge=1, le=500)


def _family_audit_summary(family_audit: Any, audits: list[Audit]) -> dict[str, Any]:
    return {
        "id": family_audit.pk,
        "title": family_audit.title,
        "reason": family_audit.reason,
        "family_id": family_audit.family.family_id if family_audit.family else None,
        "template": family_audit.template.slug,
        "version": family_audit.template.version,
        "mode": family_audit.mode,
        "auditor": family_audit.auditor.username,
        "created_at": family_audit.created_at,
        "audits": [
            {"audit_id": a.pk, "child_id": a.child.child_id, "status": a.status} for a in audits
        ],
    }


@router.get(
    "/family-audits",
    response={200: FamilyAuditList, 403: Error},
    summary="List family audits",
)
def family_audit_list(request: HttpRequest, params: Query[FamilyAuditListQuery]) -> Any:
    """Family audits with a child you may see, newest first; each lists only the children's
    audits you may see."""
    if not access.can(request.user, "view_audits"):
        raise HttpError(403, "You may not see audits.")
    found = family_selectors.family_audits_for(user=request.user)
    start = (params.page - 1) * params.page_size
    return {
        "count": found.count(),
        "items": [
            _family_audit_summary(fa, fa.visible_audits)
            for fa in found[start : start + params.page_size]
        ],
    }


@router.get(
    "/family-audits/{family_audit_id}",
    response={200: FamilyAuditOut, 404: Error},
    summary="One family audit",
)
def family_audit_detail(request: HttpRequest, family_audit_id: int) -> Any:
    family_audit, audits = family_selectors.family_audit_get_for_user(
        user=request.user,
        family_audit_id=family_audit_id,
        via=AccessEvent.Via.API,
        where=request.path,
    )
    record = family_selectors.family_audit_record(family_audit=family_audit, audits=audits)
    return {
        **_family_audit_summary(family_audit, audits),
        "findings": [
            {
                "type": f.finding.type,
                "text": f.finding.text,
                "question": f.finding.question_id,
                "shared": f.shared,
                "child_ids": [a.child.child_id for a in f.audits],
            }
            for f in record.findings
        ],
    }
