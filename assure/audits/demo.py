"""Demo audits for the demo council (after `assure seed-demo`): a programme with a strand per
queue tier, and audits at every stage, written through the services so that every step has
its domain events. Deterministic for a given seed."""

import dataclasses
import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction

from assure.core import access, clock
from assure.people.models import User

from . import demo_words as words
from . import family_services, selectors, services
from .models import Audit, FamilyAudit, Question, Theme
from .queue import TIER_MODES, TIER_TEMPLATES, priority_queue, sibling_groups

STAGES = ("closed", "closed", "in_moderation", "submitted", "in_progress", "scheduled")
GRADES = ["outstanding", "good", "requires_improvement", "inadequate"]
# The answer a finding's question gets, so that the grade and the finding agree.
AGREEING = {
    ("strength", "graded"): ["good", "outstanding"],
    ("strength", "yes_no"): ["yes"],
    ("area_for_development", "graded"): [
        "requires_improvement",
        "requires_improvement",
        "inadequate",
    ],
    ("area_for_development", "yes_no"): ["partly", "no"],
}

# The questions a finding about the siblings' relationship is about, most fitting first.
SIBLING_SUBJECTS = ("siblings", "siblings-together", "contact", "plan-evidence", "wishes-feelings")


@dataclass(frozen=True)
class DemoAudits:
    audits: int
    escalations: int
    family_audits: int = 0


def _graded(finding: words.DemoFinding, questions: list[Question]) -> bool:
    return _question_for(finding, questions).type == Question.Type.GRADED


def _question_for(finding: words.DemoFinding, questions: list[Question]) -> Question:
    """The question the finding is about: the first of its subjects the template asks."""
    by_subject = {words.subject_of(q.key): q for q in questions}
    return next(by_subject[s] for s in finding.subjects if s in by_subject)


def _choose_findings(
    questions: list[Question], rng: random.Random
) -> list[tuple[words.DemoFinding, Question]]:
    """A strength and an area for development, each on the question it is about."""
    subjects = {words.subject_of(q.key) for q in questions}
    strength = rng.choice(words.findings_for(subjects, "strength"))
    on = _question_for(strength, questions)
    # The area for development is about something else: one question, one verdict.
    areas = [
        f
        for f in words.findings_for(subjects, "area_for_development")
        if _question_for(f, questions) != on
    ]
    area = rng.choice(areas)
    return [(strength, on), (area, _question_for(area, questions))]


def _summary(facts: words.Facts, chosen: list[tuple[words.DemoFinding, Question]]) -> str:
    strength, area = (f.text for f, _ in chosen)
    plan = f" for {facts.name} to live with {facts.carer}" if facts.carer else ""
    return f"The plan{plan} rests on the file's evidence. Strength: {strength} To develop: {area}"


def _answer_all(
    audit: Audit,
    actor: User,
    rng: random.Random,
    chosen: list[tuple[words.DemoFinding, Question]],
    questions: list[Question],
    *,
    unsafe: bool = False,
) -> None:
    facts = words.facts_of(audit.child)
    kinds = {q.pk: f.kind for f, q in chosen}
    answers = []
    for q in questions:
        if q.pk in kinds:
            value = rng.choice(AGREEING[(kinds[q.pk], q.type)])
        elif words.subject_of(q.key) == "safe-to-proceed":
            # "No" only where the auditor escalates: an unsafe plan is not left to the queue.
            value = "no" if unsafe else "yes"
        elif q.type == Question.Type.GRADED:
            value = rng.choices(GRADES, [1, 5, 3, 1])[0]
        elif q.type == Question.Type.YES_NO:
            value = rng.choice(["yes", "yes", "partly", "no"])
        else:
            answers.append(
                {
                    "question": q.pk,
                    "value": _summary(facts, chosen),
                    "evidence": words.summary_evidence(facts),
                }
            )
            continue
        answers.append(
            {"question": q.pk, "value": value, "evidence": words.evidence_for(q.key, facts, rng)}
        )
    services.answers_save(audit=audit, answers=answers, actor=actor)


def _action_owner(audit: Audit, auditor: User) -> User:
    """Who the demo gives an action to: the child's allocated worker when they sign in, else
    the team's manager, else someone else who works the case, else the auditor (a follow-up of
    their own). Always one `selectors.action_owners` offers."""
    owners = selectors.action_owners(child=audit.child)
    case = owners.exclude(pk__in=access.holders("audit_cases").values("pk")).order_by("username")
    return (
        case.filter(staff_record__allocated_children=audit.child).first()
        or case.filter(pk__in=access.holders("manage_team_members").values("pk")).first()
        or case.first()
        or auditor
    )


def _findings(
    audit: Audit,
    actor: User,
    rng: random.Random,
    chosen: list[tuple[words.DemoFinding, Question]],
) -> None:
    themes = {t.slug: t for t in Theme.objects.filter(active=True)}
    for demo_finding, question in chosen:
        finding = services.finding_add(
            audit=audit,
            question=question,
            type=demo_finding.kind,
            text=demo_finding.text,
            themes=[themes[slug] for slug in demo_finding.themes if slug in themes],
            actor=actor,
        )
        if demo_finding.action:
            services.action_add(
                audit=audit,
                finding=finding,
                description=demo_finding.action,
                owner=_action_owner(audit, actor),
                due_date=clock.today() + dt.timedelta(days=rng.randint(7, 42)),
                priority=rng.choice(["high", "medium"]),
                actor=actor,
            )


@transaction.atomic
def seed_demo_audits(*, count: int = 12, seed: int = 2021) -> DemoAudits:
    rng = random.Random(seed)  # noqa: S311 (demo data, repeatable by design)
    lead = User.objects.get(username="lead")
    auditor = User.objects.get(username="auditor")
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
        questions = list(Question.objects.filter(section__template=audit.template_id))
        chosen = _choose_findings(questions, rng)
        _answer_all(audit, auditor, rng, chosen, questions, unsafe=n == 0)
        _findings(audit, auditor, rng, chosen)
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
    subjects = {words.subject_of(q.key) for q in questions}
    # The one child's area for development is answered for each child: its question is the
    # one the finding is about, graded lower for that child than for the others.
    area = rng.choice(
        [f for f in words.findings_for(subjects, "area_for_development") if _graded(f, questions)]
    )
    per_child = _question_for(area, questions)
    facts = {a.pk: words.facts_of(a.child) for a in audits}
    # Shared answers are read across the siblings' files, so they speak of each child.
    together = dataclasses.replace(facts[audits[0].pk], name="each child")
    answers: list[dict[str, object]] = [
        {
            "question": per_child.pk,
            "shared": False,
            "per_child": {
                a.pk: {
                    "value": "requires_improvement" if a is audits[-1] else "good",
                    "evidence": words.evidence_for(per_child.key, facts[a.pk], rng),
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
        evidence = (
            f"The files of {', '.join(a.child.first_name or a.child.child_id for a in audits)} "
            f"read together to {today:%-d %B %Y}."
            if q.type == Question.Type.TEXT
            else words.evidence_for(q.key, together, rng)
        )
        answers.append({"question": q.pk, "shared": True, "value": value, "evidence": evidence})
    family_services.family_answers_save(family_audit=family_audit, answers=answers, actor=auditor)
    themes = {t.slug: t for t in Theme.objects.filter(active=True)}
    by_subject = {words.subject_of(q.key): q for q in questions}
    family_services.family_finding_add(
        family_audit=family_audit,
        question=next((by_subject[s] for s in SIBLING_SUBJECTS if s in by_subject), per_child),
        type="strength",
        text="The siblings' relationship is kept at the centre of the plan.",
        themes=[themes[s] for s in ("planning", "contact") if s in themes],
        actor=auditor,
    )
    family_services.family_finding_add(
        family_audit=family_audit,
        question=per_child,
        type="area_for_development",
        text=area.text,
        themes=[themes[s] for s in area.themes if s in themes],
        actor=auditor,
        audit=audits[-1],
    )
    return family_audit
