"""The insights of the demo council, Hartsmere (`assure seed-demo-insights`, run by `make demo`
after the children, audits and decisions): evidence from every source a council gathers, so
that the triangulation matrix shows themes several sources agree on; a concluded practice
review of one family, whose conclusions and recommendation flow in as its own source;
recommendations the director has decided; and a response plan whose work streams have leads,
actions with owners and due dates (some overdue), and dated progress.

Everything goes through the services, as a person would, so the events are recorded. Dates
are relative to `clock.today()`, so the demo always looks current."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q

from assure.audits.models import Theme
from assure.children.demo.council import ADOLESCENTS, CIC_NORTH, CIC_SOUTH, COURT, KINSHIP
from assure.core import access, clock
from assure.families import review_services
from assure.families.models import Family
from assure.people.models import Team, User

from . import services
from .models import ActionStatus, EvidenceItem, Rag, Recommendation, Source, WorkStream

# (source, days ago, kind, themes, team or "", summary, reference)
EVIDENCE: list[tuple[str, int, str, tuple[str, ...], str, str, str]] = [
    (
        Source.OTHER_AUDIT,
        300,
        "area_for_development",
        ("management-oversight", "timeliness"),
        KINSHIP,
        "Thematic audit of 20 SGO assessments: management oversight recorded on 9; "
        "six assessments filed after the court's deadline.",
        "TA-2025-04",
    ),
    (
        Source.OTHER_AUDIT,
        120,
        "strength",
        ("child-voice",),
        CIC_NORTH,
        "Dip sample of care plans: the child's own words are quoted in 14 of 15 plans.",
        "DS-CIC-N-07",
    ),
    (
        Source.DIAGNOSTIC,
        240,
        "area_for_development",
        ("support-planning", "assessment-quality"),
        "",
        "Regional diagnostic of SGO support: support plans list services but rarely say who "
        "pays, for how long, or what happens at review.",
        "RAA diagnostic",
    ),
    (
        Source.DIAGNOSTIC,
        200,
        "area_for_development",
        ("legal-planning", "timeliness"),
        COURT,
        "Legal gateway diagnostic: pre-proceedings letters are timely, but a third of cases "
        "had no legal planning meeting before week 10.",
        "LGM review",
    ),
    (
        Source.IRO_ESCALATION,
        150,
        "area_for_development",
        ("planning", "timeliness"),
        CIC_SOUTH,
        "IRO escalation: the permanence plan was not confirmed at the second review and no "
        "date was set for the kinship assessment.",
        "IRO-ESC-031",
    ),
    (
        Source.IRO_ESCALATION,
        60,
        "area_for_development",
        ("contact",),
        KINSHIP,
        "IRO escalation: family time moved to a contact centre with no risk assessment "
        "recorded; the carer was not told why.",
        "IRO-ESC-044",
    ),
    (
        Source.COMPLAINT,
        180,
        "area_for_development",
        ("support-planning",),
        KINSHIP,
        "Complaint from a special guardian: the promised support allowance review did not "
        "happen and letters went unanswered for eight weeks.",
        "CF-1187",
    ),
    (
        Source.COMPLAINT,
        45,
        "strength",
        ("child-voice", "contact"),
        ADOLESCENTS,
        "Compliment from a young person's grandmother: the social worker kept her informed "
        "and the young person's wishes shaped the contact plan.",
        "CF-1242",
    ),
    (
        Source.PERFORMANCE_INDICATOR,
        270,
        "area_for_development",
        ("timeliness",),
        "",
        "Care proceedings averaged 41 weeks over the year, against the 26-week limit.",
        "CP-WEEKS",
    ),
    (
        Source.PERFORMANCE_INDICATOR,
        30,
        "strength",
        ("timeliness", "planning"),
        "",
        "Reviews held on time rose to 94% this quarter from 86% a year ago.",
        "LAC-REV-TIMELY",
    ),
    (
        Source.PRACTICE_OBSERVATION,
        210,
        "strength",
        ("supervision",),
        CIC_NORTH,
        "Observed supervision: reflective, with clear actions for each child and dates "
        "agreed with the worker.",
        "OBS-SUP-03",
    ),
    (
        Source.PRACTICE_OBSERVATION,
        90,
        "area_for_development",
        ("assessment-quality", "risk-analysis"),
        KINSHIP,
        "Observed viability visit: the worker gathered history well but did not explore "
        "the carer's capacity to protect the child during contact.",
        "OBS-VIA-02",
    ),
    (
        Source.PANEL_OBSERVATION,
        160,
        "area_for_development",
        ("assessment-quality", "support-planning"),
        "",
        "Permanence panel: three SGO reports this quarter lacked an analysis of the carer's "
        "ability to meet the child's needs until 18.",
        "Panel Q2",
    ),
    (
        Source.PANEL_OBSERVATION,
        40,
        "strength",
        ("legal-planning",),
        "",
        "Permanence panel: legal advice is now summarised in every report; the panel found "
        "it much easier to test the plan.",
        "Panel Q4",
    ),
]

RECOMMENDATIONS: list[tuple[str, str, tuple[str, ...], str]] = [
    # (title, detail, evidence themes to link, decision: accepted / not_accepted / "")
    (
        "Strengthen management oversight of SGO assessments",
        "A team manager signs off each assessment's analysis before it is filed, recorded on "
        "the child's record with the date.",
        ("management-oversight", "assessment-quality"),
        "accepted",
    ),
    (
        "Make SGO support plans say who pays, for how long and when they are reviewed",
        "Adopt the regional support plan template; the kinship team reviews every plan at "
        "six months.",
        ("support-planning",),
        "accepted",
    ),
    (
        "Hold a legal planning meeting by week 10 in every case",
        "Legal and the court team book the meeting when proceedings are issued.",
        ("legal-planning", "timeliness"),
        "accepted",
    ),
    (
        "Move all family time to the contact centre",
        "Proposed after the contact escalation; the director preferred a risk assessment in "
        "each case.",
        ("contact",),
        "not_accepted",
    ),
    (
        "Train every worker in capacity-to-protect assessments",
        "A half-day workshop led by the principal social worker, with observed practice after.",
        ("risk-analysis",),
        "",
    ),
]

# Work stream: (its lead, [(description, owner, days from today, recommendation index or
# None, [(status, rag, progress text)])]). Leads and owners are demo people (by user name),
# kept by name as the plan's forms keep them when picked from the list.
PLAN: dict[str, tuple[str, list[tuple[str, str, int, int | None, list[tuple[str, str, str]]]]]] = {
    "Practice development": (
        "lead",
        [
            (
                "Introduce a manager's sign-off of the analysis in every SGO assessment",
                "teammanager",
                -14,
                0,
                [
                    ("in_progress", "amber", "Template changed; two of five teams using it."),
                ],
            ),
            (
                "Adopt the regional SGO support plan template",
                "headofservice",
                45,
                1,
                [
                    ("in_progress", "green", "Template agreed with the regional adoption agency."),
                ],
            ),
            (
                "Book a legal planning meeting when proceedings are issued",
                "legal",
                30,
                2,
                [
                    ("in_progress", "green", "Court team books meetings from this month."),
                    ("complete", "green", "Every case issued this quarter had its meeting."),
                ],
            ),
        ],
    ),
    "Workforce": (
        "servicemanager",
        [
            (
                "Capacity-to-protect workshop for kinship and court team workers",
                "servicemanager",
                60,
                None,
                [],
            ),
            (
                "Reflective supervision for every worker monthly, recorded on the child's file",
                "headofservice",
                -30,
                None,
                [
                    ("in_progress", "red", "Recording at 62%: two teams short of managers."),
                ],
            ),
        ],
    ),
    "Communications": (
        "performance",
        [
            (
                "A leaflet for special guardians on the support they can ask for and how",
                "teammanager",
                21,
                1,
                [
                    ("in_progress", "amber", "Draft with the carers' forum for comments."),
                ],
            ),
            (
                "Share the quarter's audit learning at the practice forum",
                "auditor",
                90,
                None,
                [],
            ),
        ],
    ),
    "HR": (
        "director",
        [
            (
                "Recruit two permanent team managers for the children in care teams",
                "director",
                -7,
                None,
                [
                    ("in_progress", "amber", "One appointed; the second post is re-advertised."),
                ],
            ),
        ],
    ),
}


@dataclass
class DemoInsights:
    evidence: int
    recommendations: int
    actions: int


def _themes(slugs: tuple[str, ...]) -> list[Theme]:
    return list(Theme.objects.filter(slug__in=slugs))


def _evidence(*, lead: User, performance: User, today: dt.date) -> list[EvidenceItem]:
    teams = {t.name: t for t in Team.objects.all()}
    child = access.visible_children(lead).order_by("child_id").first()
    items = []
    for n, (source, days, kind, themes, team, summary, reference) in enumerate(EVIDENCE):
        actor = performance if source == Source.PERFORMANCE_INDICATOR else lead
        items.append(
            services.evidence_create(
                actor=actor,
                source=source,
                date=today - dt.timedelta(days=days),
                kind=kind,
                summary=summary,
                themes=_themes(themes),
                team=teams.get(team),
                # One item is about a child, as an IRO escalation usually is.
                child_id=child.child_id if child and n == 4 else "",
                reference=reference,
            )
        )
    return items


def _practice_review(*, lead: User, auditor: User) -> None:
    """A concluded review of one family: its conclusions and recommendation flow into the
    evidence (source "practice review") and to the director."""
    visible = access.visible_children(lead)
    # A family of brothers and sisters the lead may all see.
    family = (
        Family.objects.annotate(
            seen=Count("members", filter=Q(members__child__in=visible.values("pk")))
        )
        .filter(seen__gte=2)
        .order_by("family_id")
        .first()
    )
    if family is None:
        return
    children = list(visible.filter(family_memberships__family=family).order_by("child_id"))
    review = review_services.practice_review_start(
        family=family,
        title="Siblings' route to permanence",
        period_start=clock.today() - dt.timedelta(days=540),
        period_end=clock.today() - dt.timedelta(days=60),
        children=children,
        reviewers=[auditor],
        actor=lead,
    )
    review_services.practice_review_conclusions_save(
        review=review,
        conclusions=(
            "The siblings' plans were made separately by two teams, so the assessment of "
            "whether they could live together came late. Contact between them was kept up "
            "well by their carers."
        ),
        actor=auditor,
    )
    review_services.practice_review_recommendation_add(
        review=review,
        text="Assess brothers and sisters together when proceedings start, in one team.",
        actor=auditor,
        themes=_themes(("planning", "assessment-quality")),
    )
    review_services.practice_review_transition(review=review, to="concluded", actor=auditor)


def _recommendations(
    *, lead: User, director: User, items: list[EvidenceItem]
) -> list[Recommendation]:
    made = []
    for title, detail, themes, decision in RECOMMENDATIONS:
        evidence = [i for i in items if {t.slug for t in i.themes.all()} & set(themes)]
        recommendation = services.recommendation_create(
            actor=lead, title=title, detail=detail, evidence=evidence
        )
        if decision:
            recommendation = services.recommendation_decide(
                actor=director,
                recommendation=recommendation,
                accepted=decision == "accepted",
                reason=(
                    "Agreed: the evidence from several sources points the same way."
                    if decision == "accepted"
                    else "Not agreed: a risk assessment in each case is more proportionate."
                ),
            )
        made.append(recommendation)
    return made


def _plan(*, lead: User, recommendations: list[Recommendation], today: dt.date) -> int:
    names = {u.username: u.display_name for u in User.objects.all()}
    actions = 0
    for name, (stream_lead, planned) in PLAN.items():
        stream = WorkStream.objects.filter(name=name).first()
        stream = services.work_stream_save(
            actor=lead, name=name, lead=names[stream_lead], work_stream=stream
        )
        for description, owner, days, rec, updates in planned:
            action = services.action_create(
                actor=lead,
                work_stream=stream,
                description=description,
                owner=names[owner],
                due_date=today + dt.timedelta(days=days),
                recommendation=recommendations[rec] if rec is not None else None,
            )
            for status, rag, text in updates:
                services.action_update(
                    actor=lead,
                    action=action,
                    text=text,
                    status=ActionStatus(status),
                    rag=Rag(rag),
                    evidence_of_impact=(
                        "Re-audit of 10 cases found the meeting held by week 10 in all."
                        if status == "complete"
                        else ""
                    ),
                )
            actions += 1
    return actions


@transaction.atomic
def seed_demo_insights() -> DemoInsights:
    lead = User.objects.get(username="lead")
    auditor = User.objects.get(username="auditor")
    director = User.objects.get(username="director")
    performance = User.objects.get(username="performance")
    today = clock.today()
    items = _evidence(lead=lead, performance=performance, today=today)
    _practice_review(lead=lead, auditor=auditor)
    recommendations = _recommendations(lead=lead, director=director, items=items)
    actions = _plan(lead=lead, recommendations=recommendations, today=today)
    return DemoInsights(
        evidence=EvidenceItem.objects.count(),
        recommendations=Recommendation.objects.count(),
        actions=actions,
    )
