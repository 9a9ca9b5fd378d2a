"""Every read of audits, filtered by the one access policy: an audit of a child the user may
not see answers 404, exactly as one that does not exist; reading one logs an access event."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from assure.core import access, clock

from .models import (
    Answer,
    Audit,
    AuditTemplate,
    CaseAction,
    Escalation,
    Finding,
    Notification,
    OverallGrade,
    Question,
    Status,
    TemplateSection,
)


def audits_for(*, user: Any) -> QuerySet[Audit]:
    """Audits of children this user may see, for people who may see audits (the same rule
    as the child page and a family's chronology)."""
    if not access.can(user, "view_audits"):
        return Audit.objects.none()
    return Audit.objects.filter(access.child_visibility_q(user, "child__"))


def audit_get_for_user(*, user: Any, audit_id: int, via: str, where: str) -> Audit:
    audit = (
        audits_for(user=user)
        .select_related(
            "child",
            "child__team",
            "template",
            "auditor",
            "practitioner",
            "manager",
            "family_audit",
        )
        .filter(pk=audit_id)
        .first()
    )
    if audit is None:
        raise Http404("No audit with that ID")
    access.record_access(user=user, child=audit.child, via=via, where=where)
    return audit


def template_get(*, slug: str, version: int | None = None) -> AuditTemplate:
    templates = AuditTemplate.objects.filter(slug=slug).prefetch_related(
        Prefetch("sections", queryset=TemplateSection.objects.prefetch_related("questions"))
    )
    if version:
        templates = templates.filter(version=version)
    template = templates.order_by("-version").first()
    if template is None:
        raise Http404("No template with that slug")
    return template


def templates_current() -> list[AuditTemplate]:
    """The latest version of each template, with how many audits used it."""
    latest = {}
    for t in AuditTemplate.objects.annotate(used=Count("audits")).order_by("slug", "-version"):
        latest.setdefault(t.slug, t)
    return list(latest.values())


@dataclass
class QuestionView:
    question: Question
    answer: Answer | None
    history: list[Answer] = field(default_factory=list)
    shown_value: str = ""
    shown_evidence: str = ""

    @property
    def auditor_answer(self) -> Answer | None:
        """The auditor's last answer, which a moderator's regrade supersedes."""
        return next((a for a in reversed(self.history) if a.kind == "auditor"), None)


@dataclass
class AuditRecord:
    audit: Audit
    sections: list[tuple[TemplateSection, list[QuestionView]]]
    overall: OverallGrade | None
    overall_history: list[OverallGrade]
    findings: list[Finding]
    actions: list[CaseAction]
    contributions: list[Any]
    escalations: list[Escalation]
    transitions: list[Any]

    @property
    def unanswered_required(self) -> int:
        return sum(
            1
            for _, views in self.sections
            for v in views
            if v.question.required and not (v.answer and v.answer.value.strip())
        )


def audit_record(*, audit: Audit) -> AuditRecord:
    """Everything the audit page shows, in a fixed number of queries."""
    sections = list(
        TemplateSection.objects.filter(template=audit.template_id).prefetch_related("questions")
    )
    answers = list(
        Answer.objects.filter(audit=audit).select_related("given_by").order_by("given_at", "id")
    )
    by_question: dict[int, list[Answer]] = {}
    for a in answers:
        by_question.setdefault(a.question_id, []).append(a)
    views = [
        (
            s,
            [
                QuestionView(
                    question=q,
                    answer=next((a for a in by_question.get(q.pk, []) if a.is_current), None),
                    history=by_question.get(q.pk, []),
                )
                for q in s.questions.all()
            ],
        )
        for s in sections
    ]
    grades = list(
        OverallGrade.objects.filter(audit=audit).select_related("grade", "given_by").order_by("id")
    )
    return AuditRecord(
        audit=audit,
        sections=views,
        overall=next((g for g in grades if g.is_current), None),
        overall_history=grades,
        findings=list(
            Finding.objects.filter(audit=audit)
            .select_related("question", "created_by")
            .prefetch_related("themes")
        ),
        actions=list(
            CaseAction.objects.filter(audit=audit)
            .select_related("owner", "completed_by")
            .prefetch_related("agreements__user")
        ),
        contributions=list(audit.contributions.select_related("author")),
        escalations=list(
            Escalation.objects.filter(audit=audit).select_related("raised_by", "acknowledged_by")
        ),
        transitions=list(audit.transitions.select_related("by")),
    )


def audits_list(*, user: Any, auditor: Any = None, status: str = "") -> QuerySet[Audit]:
    audits = audits_for(user=user).select_related("child", "template", "auditor")
    if auditor is not None:
        audits = audits.filter(auditor=auditor)
    if status == "open":
        audits = audits.exclude(status=Status.CLOSED)
    elif status:
        audits = audits.filter(status=status)
    return audits.order_by("due_date", "id")


def workload(*, user: Any) -> list[dict[str, Any]]:
    """Who has what, and what is due: one row per auditor with open audits."""
    today = clock.today()
    rows = (
        audits_for(user=user)
        .exclude(status=Status.CLOSED)
        .values("auditor__username", "auditor__first_name", "auditor__last_name")
        .annotate(
            open=Count("pk"),
            scheduled=Count("pk", filter=Q(status=Status.SCHEDULED)),
            in_progress=Count("pk", filter=Q(status__in=[Status.IN_PROGRESS, Status.RETURNED])),
            awaiting_lead=Count(
                "pk", filter=Q(status__in=[Status.SUBMITTED, Status.IN_MODERATION])
            ),
            overdue=Count(
                "pk",
                filter=Q(due_date__lt=today)
                & Q(status__in=[Status.SCHEDULED, Status.IN_PROGRESS, Status.RETURNED]),
            ),
        )
        .order_by("auditor__username")
    )
    return list(rows)


def case_team(*, child: Any) -> QuerySet[Any]:
    """The people who work this child's case or manage it: its allocated worker and the
    people of its team who may own case actions (practitioners, team manager, service
    manager, head of service), and only those who see the child (for a restricted child, the
    ones on its access list). They are whom a collaborative audit invites as its practitioner
    (`services.participants_invite` refuses anyone else; its manager is one of
    `case_managers`), and, with the assurance team, who may own the audit's actions
    (`action_owners`)."""
    from assure.people.models import User

    case = Q(staff_record__allocated_children=child.pk)
    if child.team_id is not None:
        case |= Q(teams=child.team_id)
    works_the_case = access.holders("own_case_actions").filter(case)
    return User.objects.filter(pk__in=works_the_case.values("pk")).filter(
        access.sees_child_q(child)
    )


def case_managers(*, child: Any) -> QuerySet[Any]:
    """The people who manage this child's case: those of the case team (`case_team`) who
    manage the cases of the child's own team (`manage_cases`: its team manager, service
    manager and head of service). Whom a collaborative audit invites as its manager; an
    allocated worker from another team does not bring their own manager with them."""
    from assure.people.models import User

    if child.team_id is None:
        return User.objects.none()
    managers = access.holders("manage_cases", team_ids=[child.team_id])
    return case_team(child=child).filter(pk__in=managers.values("pk"))


def action_owners(*, child: Any) -> QuerySet[Any]:
    """Who may own an action from an audit of this child: the child's case team
    (`case_team`) and the assurance team, for their own follow-ups. Only people who see the
    child: an action on a record its owner cannot open could never be done. The form offers
    these and `services.action_add` refuses anyone else."""
    from assure.people.models import User

    assurance = access.holders("audit_cases")
    return User.objects.filter(
        Q(pk__in=case_team(child=child).values("pk")) | Q(pk__in=assurance.values("pk")),
        access.sees_child_q(child),
    )


def actions_for(*, user: Any, owner: Any = None, open_only: bool = True) -> QuerySet[CaseAction]:
    actions = CaseAction.objects.filter(access.child_visibility_q(user, "audit__child__"))
    if owner is not None:
        actions = actions.filter(owner=owner)
    if open_only:
        actions = actions.filter(status=CaseAction.ActionStatus.OPEN)
    return actions.select_related("audit__child", "owner").order_by("due_date", "id")


def escalations_unacknowledged(*, user: Any) -> QuerySet[Escalation]:
    return (
        Escalation.objects.filter(access.child_visibility_q(user, "child__"))
        .filter(acknowledged_at__isnull=True)
        .select_related("child", "raised_by", "audit")
        .order_by("acknowledge_by", "id")
    )


def escalations_to_acknowledge(*, user: Any) -> QuerySet[Escalation]:
    """The escalations waiting on this person: about children of their own teams, for those
    who acknowledge escalations (the rule `services.child_managers` applies from the other
    side). Their work list shows these; the home page's banner shows the rest they oversee."""
    if not access.can(user, "acknowledge_escalations"):
        return Escalation.objects.none()
    return escalations_unacknowledged(user=user).filter(child__team_id__in=user.teams.values("pk"))


def notifications_for(*, user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user, read_at__isnull=True).select_related(
        "escalation__child"
    )


def is_overdue(day: dt.date | None) -> bool:
    return bool(day and day < clock.today())


# --- moderation: agreement and drift ---------------------------------------------------


@dataclass
class Agreement:
    label: str
    compared: int = 0
    agreed: int = 0
    drift_total: int = 0

    @property
    def rate(self) -> int | None:
        """Per cent of grades the moderator left as they were."""
        return round(100 * self.agreed / self.compared) if self.compared else None

    @property
    def drift(self) -> float | None:
        """Mean of (moderated score - auditor's score): below zero means the auditor graded
        more generously than the moderator."""
        return round(self.drift_total / self.compared, 2) if self.compared else None


def agreement_rates(*, user: Any) -> dict[str, list[Agreement]]:
    """Agreement between auditors and moderation, per auditor (question grades and overall
    grades together) and per question, over every audit that went into moderation. A grade
    the moderator did not change counts as agreed."""
    from .models import AuditTransition, Grade

    scores = dict(Grade.objects.filter(score__isnull=False).values_list("slug", "score"))
    moderated = AuditTransition.objects.filter(to_status=Status.IN_MODERATION).values("audit_id")
    audits = audits_for(user=user).filter(pk__in=moderated)
    # (audit, question key) -> who audited, the question, and the last grade of each kind
    pairs: dict[tuple[int, str], dict[str, str]] = {}
    answers = (
        Answer.objects.filter(audit__in=audits, question__type=Question.Type.GRADED)
        .values_list(
            "audit_id",
            "audit__auditor__username",
            "question__key",
            "question__text",
            "kind",
            "value",
        )
        .order_by("id")
    )
    for audit_id, who, key, text, kind, value in answers:
        pairs.setdefault((audit_id, key), {"who": who, "text": text})[kind] = value
    overall = (
        OverallGrade.objects.filter(audit__in=audits)
        .values_list("audit_id", "audit__auditor__username", "kind", "grade__slug")
        .order_by("id")
    )
    for audit_id, who, kind, slug in overall:
        pairs.setdefault((audit_id, "overall"), {"who": who, "text": "Overall grade"})[kind] = slug
    by_auditor: dict[str, Agreement] = {}
    by_question: dict[str, Agreement] = {}
    for pair in pairs.values():
        mine = pair.get("auditor", "")
        theirs = pair.get("moderation", mine)
        if mine not in scores or theirs not in scores:
            continue  # not applicable on either side: nothing to compare
        for group, label in ((by_auditor, pair["who"]), (by_question, pair["text"])):
            row = group.setdefault(label, Agreement(label=label))
            row.compared += 1
            row.agreed += mine == theirs
            row.drift_total += scores[theirs] - scores[mine]
    return {
        "auditors": sorted(by_auditor.values(), key=lambda a: a.label),
        "questions": sorted(by_question.values(), key=lambda a: (a.rate or 0, a.label)),
    }


# --- home page panels ------------------------------------------------------------------


def home_panels(*, user: Any) -> dict[str, Any]:
    """What the home page shows about audits beside the person's work list (which lists their
    own audits, those they take part in and their actions): their team's overdue actions,
    all overdue actions, and escalations waiting (lead, heads of service, director, and the
    child's team managers)."""
    panels: dict[str, Any] = {"today": clock.today()}
    panels["is_auditor"] = access.can(user, "audit_cases")
    if access.can(user, "oversee_team_actions"):
        panels["team_actions"] = list(
            actions_for(user=user)
            .filter(access.shares_a_team_q(user, "owner__"), due_date__lt=clock.today())
            .exclude(owner=user)
            .distinct()[:10]
        )
    if access.can(user, "see_escalations"):
        # Those waiting on the person are in their work list already.
        panels["escalations"] = list(
            escalations_unacknowledged(user=user).exclude(
                pk__in=escalations_to_acknowledge(user=user).values("pk")
            )[:10]
        )
    if access.can(user, "oversee_all_actions"):
        panels["overdue_actions"] = (
            actions_for(user=user).filter(due_date__lt=clock.today()).count()
        )
    return panels


def programmes_list() -> QuerySet[Any]:
    from .models import Programme

    return Programme.objects.annotate(strand_count=Count("strands")).order_by("-start_date", "name")


def strands_for(*, programme: Any) -> QuerySet[Any]:
    """A programme's strands with their audits counted by state."""
    return programme.strands.prefetch_related("auditors").annotate(
        audits_total=Count("audits"),
        audits_open=Count("audits", filter=~Q(audits__status=Status.CLOSED)),
        audits_closed=Count("audits", filter=Q(audits__status=Status.CLOSED)),
    )


def audits_summary(
    *, user: Any, status: str = "", auditor: str = "", child_id: str = ""
) -> QuerySet[Audit]:
    """Audits for lists and exports: one query, with the current overall grade annotated."""
    from django.db.models import OuterRef, Subquery

    audits = (
        audits_for(user=user)
        .select_related("child", "template", "auditor")
        .annotate(
            overall=Subquery(
                OverallGrade.objects.filter(audit=OuterRef("pk"), is_current=True).values(
                    "grade__slug"
                )[:1]
            )
        )
    )
    if status:
        audits = audits.filter(status=status)
    if auditor:
        audits = audits.filter(auditor__username=auditor)
    if child_id:
        audits = audits.filter(child__child_id=child_id)
    return audits.order_by("due_date", "id")


def audits_of_child(*, child: Any) -> list[Audit]:
    """A child's audits for their page (the caller has already read the child through the
    access policy), newest first, with the current overall grade and the findings (those a
    family audit shares with siblings included: each child's copy is on their own audit)."""
    return list(
        Audit.objects.filter(child=child)
        .select_related("template", "auditor", "family_audit")
        .prefetch_related(
            Prefetch(
                "overall_grades",
                queryset=OverallGrade.objects.filter(is_current=True).select_related("grade"),
                to_attr="current_grades",
            ),
            Prefetch(
                "findings",
                queryset=Finding.objects.select_related("question").order_by("created_at", "id"),
                to_attr="findings_shown",
            ),
        )
        .order_by("-created_at", "-id")
    )
