"""Reads of family audits, through the one access policy: a person sees a family audit only
through the child audits they may see, and never a child (or a count including one) they may
not. A family audit with none of its children visible answers 404, as one that does not
exist; reading one logs an access event for each child shown."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404

from assure.core import access

from .models import Answer, Audit, FamilyAudit, Finding, OverallGrade, Question, TemplateSection
from .selectors import audits_for


def _visible_child_audits(user: Any) -> QuerySet[Audit]:
    return audits_for(user=user).select_related("child").order_by("child__child_id", "pk")


def family_audits_for(*, user: Any) -> QuerySet[FamilyAudit]:
    """Family audits with at least one child audit this user may see, each with
    `visible_audits` (only those)."""
    visible = audits_for(user=user)
    return (
        FamilyAudit.objects.filter(Exists(visible.filter(family_audit=OuterRef("pk"))))
        .select_related("family", "template", "auditor")
        .prefetch_related(
            Prefetch(
                "child_audits",
                queryset=_visible_child_audits(user),
                to_attr="visible_audits",
            )
        )
        .order_by("-created_at", "-id")
    )


def family_audit_get_for_user(
    *, user: Any, family_audit_id: int, via: str, where: str
) -> tuple[FamilyAudit, list[Audit]]:
    """The family audit and the child audits this user may see (404 when there are none),
    logging a read of each of those children's records."""
    family_audit = (
        FamilyAudit.objects.select_related("family", "template", "auditor")
        .filter(pk=family_audit_id)
        .first()
    )
    if family_audit is None:
        raise Http404("No family audit with that ID")
    audits = list(
        _visible_child_audits(user)
        .filter(family_audit=family_audit)
        .select_related("child__team", "template", "auditor")
    )
    if not audits:
        raise Http404("No family audit with that ID")
    access.record_accesses(
        user=user,
        child_pks=[a.child_id for a in audits],
        via=via,
        where=where,
        detail={"family_audit": family_audit.pk},
    )
    return family_audit, audits


def family_audits_of_family(*, user: Any, family: Any) -> list[FamilyAudit]:
    """A family's family audits, for its page (which has already read the family through the
    access policy), newest first, each with the child audits this user may see."""
    return list(family_audits_for(user=user).filter(family=family))


@dataclass
class ChildAnswer:
    audit: Audit
    answer: Answer | None
    question_pk: int
    shown_value: str = ""
    shown_evidence: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"q{self.question_pk}-a{self.audit.pk}"

    @property
    def evidence_name(self) -> str:
        return f"e{self.question_pk}-a{self.audit.pk}"


@dataclass
class FamilyQuestionView:
    """One question on the family audit page: one shared answer for every child, or per
    child ("different for each child") when any child's current answer is their own."""

    question: Question
    shared: bool
    shared_answer: Answer | None
    per_child: list[ChildAnswer]
    shown_value: str = ""
    shown_evidence: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"q{self.question.pk}"

    @property
    def evidence_name(self) -> str:
        return f"e{self.question.pk}"

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(c.errors for c in self.per_child)


@dataclass
class FamilyFinding:
    """A finding as the family audit shows it: a shared one once (its copies on each child's
    audit carry one `shared_key`), or one about one child."""

    finding: Finding
    audits: list[Audit]

    @property
    def shared(self) -> bool:
        return self.finding.shared_key is not None


@dataclass
class FamilyAuditRecord:
    family_audit: FamilyAudit
    audits: list[Audit]
    sections: list[tuple[TemplateSection, list[FamilyQuestionView]]]
    findings: list[FamilyFinding]
    overall: dict[int, OverallGrade] = field(default_factory=dict)

    @property
    def status(self) -> str:
        """The children's audits' common state, or "" when they differ."""
        states = {a.status for a in self.audits}
        return states.pop() if len(states) == 1 else ""

    def unanswered_required(self) -> dict[int, int]:
        """For each child's audit, how many required questions have no answer yet."""
        counts = {a.pk: 0 for a in self.audits}
        for _, views in self.sections:
            for view in views:
                if not view.question.required:
                    continue
                for child in view.per_child:
                    if not (child.answer and child.answer.value.strip()):
                        counts[child.audit.pk] += 1
        return counts


def family_audit_record(*, family_audit: FamilyAudit, audits: list[Audit]) -> FamilyAuditRecord:
    """Everything the family audit page shows, in a fixed number of queries whatever the
    number of children, answers or findings."""
    by_pk = {a.pk: a for a in audits}
    sections = list(
        TemplateSection.objects.filter(template=family_audit.template_id).prefetch_related(
            "questions"
        )
    )
    current: dict[tuple[int, int], Answer] = {
        (a.audit_id, a.question_id): a
        for a in Answer.objects.filter(audit__in=list(by_pk), is_current=True)
    }
    views = []
    for section in sections:
        rows = []
        for question in section.questions.all():
            per_child = [
                ChildAnswer(
                    audit=a, answer=current.get((a.pk, question.pk)), question_pk=question.pk
                )
                for a in audits
            ]
            given = [c.answer for c in per_child if c.answer is not None]
            rows.append(
                FamilyQuestionView(
                    question=question,
                    shared=all(a.shared for a in given),
                    shared_answer=given[0] if given else None,
                    per_child=per_child,
                )
            )
        views.append((section, rows))
    findings: list[FamilyFinding] = []
    by_key: dict[Any, FamilyFinding] = {}
    for finding in (
        Finding.objects.filter(audit__in=list(by_pk))
        .select_related("question", "created_by")
        .prefetch_related("themes")
        .order_by("created_at", "id")
    ):
        if finding.shared_key is not None and finding.shared_key in by_key:
            by_key[finding.shared_key].audits.append(by_pk[finding.audit_id])
            continue
        shown = FamilyFinding(finding=finding, audits=[by_pk[finding.audit_id]])
        findings.append(shown)
        if finding.shared_key is not None:
            by_key[finding.shared_key] = shown
    overall = {
        g.audit_id: g
        for g in OverallGrade.objects.filter(audit__in=list(by_pk), is_current=True).select_related(
            "grade"
        )
    }
    return FamilyAuditRecord(
        family_audit=family_audit,
        audits=audits,
        sections=views,
        findings=findings,
        overall=overall,
    )
