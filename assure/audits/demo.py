"""Demo audits for the demo council (after `assure seed-demo`): a programme with a strand per
queue tier, and audits at every stage, written through the services so that every step has
its domain events. Deterministic for a given seed."""

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction

from assure.core import clock
from assure.people.models import User

from . import family_services, services
from .models import Audit, FamilyAudit, Question, Theme
from .queue import TIER_MODES, TIER_TEMPLATES, priority_queue, sibling_groups

STAGES = ("closed", "closed", "in_moderation", "submitted", "in_progress", "scheduled")
STRENGTHS = [
    "The child's wishes and feelings are recorded in their own words.",
    "A clear chronology underpins the analysis of harm.",
    "The support plan was filed with the court report.",
]
AREAS = [
    "The carer's capacity to protect during contact was not tested.",
    "No recorded management decision at the point of the care plan change.",
    "Supervision notes do not show reflection on this child.",
]


@dataclass(frozen=True)
class DemoAudits:
    audits: int
    escalations: int
    family_audits: int = 0


def _answer_all(audit: Audit, actor: User, rng: random.Random) -> None:
    answers = []
    for q in Question.objects.filter(section__template=audit.template_id):
        if q.type == Question.Type.GRADED:
            value = rng.choices(
                ["outstanding", "good", "requires_improvement", "inadequate"], [1, 5, 3, 1]
            )[0]
        elif q.type == Question.Type.YES_NO:
            value = rng.choice(["yes", "yes", "partly", "no"])
        else:
            value = "The plan is sound in its analysis; support and oversight need tightening."
        answers.append({"question": q.pk, "value": value, "evidence": "Seen on the file."})
    services.answers_save(audit=audit, answers=answers, actor=actor)


def _findings(audit: Audit, actor: User, practitioner: User, rng: random.Random) -> None:
    questions = list(Question.objects.filter(section__template=audit.template_id))
    themes = list(Theme.objects.filter(active=True))
    for text, kind in (
        (rng.choice(STRENGTHS), "strength"),
        (rng.choice(AREAS), "area_for_development"),
    ):
        finding = services.finding_add(
            audit=audit,
            question=rng.choice(questions),
            type=kind,
            text=text,
            themes=rng.sample(themes, 2),
            actor=actor,
        )
        if kind == "area_for_development":
            services.action_add(
                audit=audit,
                finding=finding,
                description=f"Address: {text}",
                owner=practitioner,
                due_date=clock.today() + dt.timedelta(days=rng.randint(7, 42)),
                priority=rng.choice(["high", "medium"]),
                actor=actor,
            )


@transaction.atomic
def seed_demo_audits(*, count: int = 12, seed: int = 2021) -> DemoAudits:
    rng = random.Random(seed)  # noqa: S311 (demo data, repeatable by design)
    lead = User.objects.get(username="lead")
    auditor = User.objects.get(username="auditor")
    practitioner = User.objects.get(username="practitioner")
    today = clock.today()
    programme = services.programme_create(
        name=f"SGO assurance, {today:%B} to {(today + dt.timedelta(days=110)):%B}",
        start_date=today,
        end_date=today + dt.timedelta(days=110),
        actor=lead,
        description="Assure current SGO decisions, most urgent first (DOMAIN.md section 4).",
    )
    for tier in range(1, 6):
        services.strand_create(
            programme=programme,
            name=f"Tier {tier}",
            inclusion_tier=tier,
            mode=TIER_MODES[tier],
            template_slug=TIER_TEMPLATES[tier],
            auditors=[auditor, lead],
            due_days=28,
            actor=lead,
        )
    made, escalations = 0, 0
    for n, item in enumerate(priority_queue(user=lead, on=today)[:count]):
        audit = services.audit_create(
            child=item.child,
            template_slug=item.suggested_template,
            mode=item.suggested_mode,
            auditor=auditor,
            actor=lead,
            queue_tier=item.tier,
            due_date=today + dt.timedelta(days=28),
        )
        stage = STAGES[n % len(STAGES)]
        made += 1
        if stage == "scheduled":
            continue
        audit = services.audit_transition(audit=audit, to="in_progress", actor=auditor)
        _answer_all(audit, auditor, rng)
        _findings(audit, auditor, practitioner, rng)
        if n == 0:
            services.escalation_raise(
                audit=audit,
                actor=auditor,
                concern="The carer says the father visits unsupervised; no safety plan on file.",
            )
            escalations += 1
        if stage == "in_progress":
            continue
        audit = services.audit_transition(
            audit=audit,
            to="submitted",
            actor=auditor,
            overall_grade=services.suggest_overall_grade(audit) or "good",
        )
        if stage == "submitted":
            continue
        audit = services.audit_transition(audit=audit, to="in_moderation", actor=lead)
        if stage == "closed":
            services.audit_transition(audit=audit, to="closed", actor=lead, comment="Agreed.")
    family_audit = _family_audit(lead=lead, auditor=auditor, rng=rng)
    return DemoAudits(audits=made, escalations=escalations, family_audits=1 if family_audit else 0)


def _family_audit(*, lead: User, auditor: User, rng: random.Random) -> FamilyAudit | None:
    """One family audit in progress of the first sibling group left in the queue: most
    answers shared, one graded question per child, a shared finding and one about one
    child."""
    from django.db.models import Count, Q

    from assure.families.models import Family

    today = clock.today()
    groups = [
        g for g in sibling_groups(items=priority_queue(user=lead, on=today), on=today) if g.is_group
    ]
    if not groups:
        return None
    group = groups[0]
    children = group.children[:4]
    family = (
        Family.objects.annotate(n=Count("members", filter=Q(members__child__in=children)))
        .filter(n=len(children))
        .first()
    )
    family_audit = family_services.family_audit_create(
        children=children,
        template_slug=group.items[0].suggested_template,
        mode=group.items[0].suggested_mode,
        auditor=auditor,
        actor=lead,
        family=family,
        reason=group.reason,
        due_date=today + dt.timedelta(days=28),
    )
    family_services.family_audit_transition(
        family_audit=family_audit, to="in_progress", actor=auditor
    )
    audits = list(family_audit.child_audits.select_related("child").order_by("child__child_id"))
    questions = list(Question.objects.filter(section__template=family_audit.template_id))
    per_child = next(q for q in questions if q.type == Question.Type.GRADED)
    answers: list[dict[str, object]] = [
        {
            "question": per_child.pk,
            "shared": False,
            "per_child": {
                a.pk: {
                    "value": rng.choice(["good", "requires_improvement"]),
                    "evidence": "On file.",
                }
                for a in audits
            },
        }
    ]
    for q in questions:
        if q.pk == per_child.pk:
            continue
        value = {"graded": "good", "yes_no": "yes"}.get(
            q.type, "The siblings' plans were made together and read as one."
        )
        answers.append({"question": q.pk, "shared": True, "value": value, "evidence": ""})
    family_services.family_answers_save(family_audit=family_audit, answers=answers, actor=auditor)
    family_services.family_finding_add(
        family_audit=family_audit,
        question=rng.choice(questions),
        type="strength",
        text="The siblings' relationship is kept at the centre of the plan.",
        actor=auditor,
    )
    family_services.family_finding_add(
        family_audit=family_audit,
        question=per_child,
        type="area_for_development",
        text=rng.choice(AREAS),
        actor=auditor,
        audit=audits[-1],
    )
    return family_audit
