"""Audits, their findings and escalations as a source for the whole-family chronology.

Audit content is for the people who may see audits (the `view_audits` action of the access
policy: today whoever may see the child, the same rule as the audit pages and the child page):
the chronology leaves this source out, without reading it, for anyone else. Three queries
whatever the number of children: audits (with their current overall grade), findings (with
their question) and escalations. Summaries name no child; the page names them."""

from collections.abc import Iterator

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from assure.families.chronology import SourceEvent, register_source

from .models import Audit, Escalation, Finding, OverallGrade, Status

PERMISSION = "view_audits"
KINDS = {
    "audit": "Audits",
    "finding": "Audit findings",
    "escalation": "Escalations",
}


def _day(moment):  # type: ignore[no-untyped-def]
    return timezone.localdate(moment)


def audit_events(child_pks: frozenset[int]) -> Iterator[SourceEvent]:
    current = OverallGrade.objects.filter(audit=OuterRef("pk"), is_current=True)
    audits = (
        Audit.objects.filter(child_id__in=child_pks)
        .select_related("template", "auditor")
        .annotate(grade_label=Subquery(current.values("grade__label")[:1]))
        .order_by("created_at", "pk")
    )
    for audit in audits:
        what = f"{audit.template.title} ({audit.get_mode_display().lower()})"
        yield SourceEvent(
            key=f"audit{audit.pk}:allocated",
            date=_day(audit.created_at),
            child_pks=(audit.child_id,),
            kind="audit",
            summary=f"Audit allocated: {what}",
            detail=(f"Auditor: {audit.auditor.display_name}",),
        )
        if audit.status == Status.CLOSED and audit.closed_at:
            grade = audit.grade_label or "not graded"
            yield SourceEvent(
                key=f"audit{audit.pk}:closed",
                date=_day(audit.closed_at),
                child_pks=(audit.child_id,),
                kind="audit",
                summary=f"Audit closed: overall grade {grade}",
                detail=(what,),
            )
    findings = Finding.objects.filter(audit__child_id__in=child_pks).select_related(
        "question", "audit"
    )
    # A finding a family audit shares is one copy per child with one shared_key: one event
    # naming every child (the chronology's contract), keyed by the shared key.
    by_key: dict[str, list[Finding]] = {}
    for finding in findings.order_by("created_at", "pk"):
        key = f"finding-{finding.shared_key}" if finding.shared_key else f"finding{finding.pk}"
        by_key.setdefault(key, []).append(finding)
    for key, copies in by_key.items():
        finding = copies[0]
        yield SourceEvent(
            key=key,
            date=_day(finding.created_at),
            child_pks=tuple(sorted({copy.audit.child_id for copy in copies})),
            kind="finding",
            summary=f"Audit finding, {finding.get_type_display().lower()}: {finding.question.text}",
            detail=(finding.text,),
        )
    escalations = Escalation.objects.filter(child_id__in=child_pks).order_by("raised_at", "pk")
    for escalation in escalations:
        yield SourceEvent(
            key=f"escalation{escalation.pk}:raised",
            date=_day(escalation.raised_at),
            child_pks=(escalation.child_id,),
            kind="escalation",
            summary="Escalation raised from an audit: the child may be unsafe now",
            detail=(escalation.concern,),
        )
        if escalation.acknowledged_at:
            yield SourceEvent(
                key=f"escalation{escalation.pk}:acknowledged",
                date=_day(escalation.acknowledged_at),
                child_pks=(escalation.child_id,),
                kind="escalation",
                summary="Escalation acknowledged",
                detail=(escalation.response,) if escalation.response else (),
            )


def register() -> None:
    register_source("audits", audit_events, kinds=KINDS, order=50, permission=PERMISSION)
