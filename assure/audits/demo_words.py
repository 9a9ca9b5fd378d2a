"""What the demo auditors write: the facts of a child's record an auditor reads, the evidence
each answer gives from them, and findings that each belong to one question's subject.

A finding sits on the question it is about (a wishes-and-feelings finding on the wishes and
feelings question), and evidence says what was read on the file, in the child's own record's
names and dates, so that a demo audit reads as an audit of that child."""

import datetime as dt
import random
import re
from collections.abc import Callable
from dataclasses import dataclass

from assure.children import codes
from assure.children.models import Child
from assure.core import clock

# Question keys are `<template>-<subject>` ("sgo-bc-harm-risk", "pp-harm-risk"): the subject
# is what the demo's words are keyed by, so that they follow a question across templates.
_TEMPLATE_PREFIX = re.compile(r"^(sgo-bc|sgo-sr|pp|pwp)-")


def subject_of(key: str) -> str:
    return _TEMPLATE_PREFIX.sub("", key)


def _day(date: dt.date | None) -> str:
    return f"{date:%-d %B %Y}" if date else "a date not recorded"


@dataclass(frozen=True)
class Facts:
    """What an auditor reads first on a child's file."""

    name: str
    carer: str
    relationship: str
    viability: tuple[tuple[str, str, dt.date | None], ...]  # (carer, outcome, completed)
    full_start: dt.date | None
    full_done: dt.date | None
    full_outcome: str
    support_agreed: dt.date | None
    support_summary: str
    support_review: dt.date | None
    last_review: dt.date | None
    placed_since: dt.date | None
    placement: str
    proceedings_issued: dt.date | None
    court: str
    next_hearing: str
    worker: str
    team: str
    plan: str
    plan_agreed: dt.date | None


def facts_of(child: Child) -> Facts:
    """The child's record as the audit reads it, as of the council's today."""
    today = clock.today()
    plan = child.permanence_plans.order_by("-agreed_date", "-pk").first()
    sgo_plan = child.permanence_plans.filter(plan=codes.PermanencePlanType.SGO)
    sgo_plan = sgo_plan.order_by("-agreed_date", "-pk").first()
    carer = (sgo_plan.carer_name if sgo_plan else "") or ""
    assessments = list(child.sgo_assessments.order_by("start_date", "pk"))
    viability = tuple(
        (a.carer_name, a.get_recommendation_display().lower() or "not finished", a.completed_date)
        for a in assessments
        if a.stage == codes.AssessmentStage.VIABILITY
    )
    full = next(
        (a for a in reversed(assessments) if a.stage == codes.AssessmentStage.FULL),
        None,
    )
    if not carer and assessments:
        carer = assessments[-1].carer_name
    support = child.sgo_support_plans.order_by("-agreed_date", "-pk").first()
    review = child.reviews.filter(review_date__lte=today).order_by("-review_date").first()
    episode = child.episodes.order_by("-start_date").first()
    proceedings = child.proceedings.order_by("-issue_date", "-pk").first()
    hearing = (
        proceedings.hearings.filter(hearing_date__gte=today).order_by("hearing_date").first()
        if proceedings
        else None
    )
    relationship = next((a for a in assessments if a.carer_name == carer), None)
    return Facts(
        name=child.first_name or "The child",
        carer=carer,
        relationship=relationship.get_relationship_display().lower() if relationship else "",
        viability=viability,
        full_start=full.start_date if full else None,
        full_done=full.completed_date if full else None,
        full_outcome=(full.get_recommendation_display().lower() if full else ""),
        support_agreed=support.agreed_date if support else None,
        support_summary=support.summary if support else "",
        support_review=support.review_date if support else None,
        last_review=review.review_date if review else None,
        placed_since=episode.start_date if episode else None,
        placement=episode.placement_type if episode else "",
        proceedings_issued=proceedings.issue_date if proceedings else None,
        court=(proceedings.court if proceedings else "") or "the family court",
        next_hearing=(
            f"{hearing.get_hearing_type_display().lower()} on {_day(hearing.hearing_date)}"
            if hearing
            else ""
        ),
        worker=child.worker.name if child.worker_id else "",
        team=child.team.name if child.team_id else "",
        plan=plan.get_plan_display().lower() if plan else "",
        plan_agreed=plan.agreed_date if plan else None,
    )


# --- evidence: what was read, for each subject ---------------------------------------------

Evidence = Callable[[Facts], str | None]


def _assessment(f: Facts) -> str | None:
    if not (f.carer and f.full_start):
        return None
    state = (
        f"{f.full_outcome}, {_day(f.full_done)}" if f.full_done else f"begun {_day(f.full_start)}"
    )
    return f"the full assessment of {f.carer} ({state})"


def _viability(f: Facts) -> str | None:
    if not f.viability:
        return None
    people = "; ".join(f"{who}, {outcome} ({_day(done)})" for who, outcome, done in f.viability)
    return f"Viability assessments on the file: {people}."


def _support(f: Facts) -> str | None:
    if not f.support_agreed:
        return None
    return (
        f"SGO support plan agreed {_day(f.support_agreed)}: {f.support_summary.lower()}; "
        f"review due {_day(f.support_review)}."
    )


def _either(*parts: str | None) -> str | None:
    """The first part the record gives."""
    return next((p for p in parts if p), None)


EVIDENCE: dict[str, list[Evidence]] = {
    "harm-risk": [
        lambda f: (
            (a := _assessment(f))
            and f"Chronology on the file and the harm and risk section of {a}."
        ),
        lambda f: (
            f"Chronology, strategy discussion notes and the risk section of the "
            f"{f.plan or 'care'} plan agreed {_day(f.plan_agreed)}."
        ),
    ],
    "identity": [
        lambda f: (
            (a := _assessment(f))
            and f"Identity section of {a}, and the notes of {f.name}'s life-story work."
        ),
    ],
    "health": [
        lambda f: (
            f"Latest health assessment on the file and the health section of "
            f"{_assessment(f) or 'the care plan'}."
        ),
    ],
    "education": [
        lambda f: (
            f"Personal education plan and school reports on the file; education section "
            f"of {_assessment(f) or 'the care plan'}."
        ),
    ],
    "history": [
        lambda f: (
            f"Placement history on the file: {f.placement or 'current placement'} since "
            f"{_day(f.placed_since)}; orders listed in {_assessment(f) or 'the care plan'}."
        ),
    ],
    "needs": [
        lambda f: (a := _assessment(f)) and f"Needs analysis in {a}, read with the care plan.",
        lambda f: (
            f"Care plan agreed {_day(f.plan_agreed)} and the review of {_day(f.last_review)}."
        ),
    ],
    "family": [
        lambda f: " ".join(
            ["Genogram and family history on the file.", _viability(f) or ""]
        ).strip(),
    ],
    "siblings": [
        lambda f: (
            f"Sibling assessment section and the contact records for {f.name}'s brothers "
            "and sisters."
        ),
    ],
    "siblings-together": [
        lambda f: f"Care plan agreed {_day(f.plan_agreed)}: section on placing the siblings.",
    ],
    "wishes-feelings": [
        lambda f: (
            f"Direct work with {f.name} recorded by {f.worker or 'the social worker'}, "
            f"and {f.name}'s views in the "
            f"{('review of ' + _day(f.last_review)) if f.last_review else 'care plan'}."
        ),
        lambda f: (
            f"Visit notes where {f.name} was seen alone; views section of "
            f"{_assessment(f) or 'the care plan'}."
        ),
    ],
    "parents-wishes": [
        lambda f: (
            f"Parents' statements and the notes of their meetings with "
            f"{f.worker or 'the social worker'}."
        ),
    ],
    "others-wishes": [
        lambda f: _viability(f) or "Notes of the family network meeting.",
    ],
    "relationship": [
        lambda f: (
            (a := _assessment(f)) and f"Relationship section of {a}; contact and visit notes."
        ),
    ],
    "parenting-capacity": [
        lambda f: (a := _assessment(f)) and f"Parenting capacity section of {a}.",
    ],
    "capacity-protect": [
        lambda f: (
            (a := _assessment(f))
            and f"Protective capacity section of {a}; contact records for the last three months."
        ),
    ],
    "understanding": [
        lambda f: (
            _assessment(f)
            and f"{f.carer}'s own statement, written for the full "
            "assessment, and the assessor's notes of their interviews."
        ),
    ],
    "checks": [
        lambda f: (
            f"DBS, local authority and reference checks on {f.carer or 'the carer'}, "
            "filed with the assessment."
        ),
    ],
    "carer-health": [
        lambda f: (
            f"Adult health report on {f.carer or 'the carer'} and the assessment's reading of it."
        ),
    ],
    "household": [
        lambda f: f"Checks on the other adults in {f.carer or 'the carer'}'s household.",
    ],
    "home-income": [
        lambda f: f"Home visit notes and the income section of {_assessment(f) or 'the file'}.",
    ],
    "implications": [
        lambda f: (a := _assessment(f)) and f"Implications section of {a}.",
    ],
    "other-options": [
        lambda f: f"Options analysis in {_assessment(f) or 'the care plan'}.",
    ],
    "recommendation": [
        lambda f: (a := _assessment(f)) and f"Recommendation section of {a}.",
    ],
    "contact-recommendation": [
        lambda f: f"Contact recommendation in {_assessment(f) or 'the care plan'}.",
    ],
    "timetable": [
        lambda f: (
            f.proceedings_issued
            and f"Proceedings issued {_day(f.proceedings_issued)} at {f.court}; "
            f"{_assessment(f) or 'the assessment'}."
        ),
    ],
    "lived-with-carer": [
        lambda f: (
            f"Placement history: {f.name} in {f.placement or 'placement'} since "
            f"{_day(f.placed_since)}."
        ),
    ],
    "preparation": [
        lambda f: f"Training and preparation notes for {f.carer or 'the carer'}.",
    ],
    "legal-advice": [
        lambda f: f"Letter to {f.carer or 'the carer'} about independent legal advice.",
    ],
    "supervision-order": [
        lambda f: f"Legal planning notes and {_assessment(f) or 'the care plan'}.",
    ],
    "life-story": [
        lambda f: f"Life-story work notes by {f.worker or 'the social worker'}.",
    ],
    "support-plan": [
        lambda f: _support(f) or "No SGO support plan on the file yet.",
    ],
    "contact-plan": [
        lambda f: f"Contact plan and the supervised contact records for {f.name}.",
    ],
    "legal-planning": [
        lambda f: (
            f.proceedings_issued
            and f"Legal planning meeting minutes; proceedings issued {_day(f.proceedings_issued)}"
            + (f", next the {f.next_hearing}." if f.next_hearing else ".")
        ),
        lambda f: "Legal gateway minutes and the legal planning meeting's decision.",
    ],
    "management-oversight": [
        lambda f: (
            f"Management oversight entries by the {f.team or 'team'} manager, and the "
            f"decision to agree the plan of {_day(f.plan_agreed)}."
        ),
    ],
    "supervision": [
        lambda f: (
            f"Supervision records of {f.worker or 'the social worker'} for the last six months."
        ),
    ],
    "recording": [
        lambda f: f"Case notes, visits and the chronology, read to {_day(clock.today())}.",
    ],
    "safe-to-proceed": [
        lambda f: (
            f"{_either(_assessment(f), 'The file as a whole')}, read with the support "
            "plan and the contact plan."
        ),
    ],
    # The support review (sgo-support-review).
    "plan-delivered": [lambda f: _support(f) or "No support plan on the file."],
    "plan-review": [lambda f: _support(f) or "No support plan review on the file."],
    "finances": [lambda f: f"Allowance payments and the means test for {f.carer or 'the carer'}."],
    "contact": [
        lambda f: f"Contact records since the order, and {f.carer or 'the carer'}'s notes."
    ],
    "therapeutic": [lambda f: f"Referrals made for {f.name} and {f.carer or 'the carer'}."],
    "progress": [lambda f: f"School reports and the health assessment for {f.name}."],
    "strain": [lambda f: f"Support worker's notes of visits to {f.carer or 'the carer'}."],
    # Permanence planning and placement with parents.
    "plan-timely": [
        lambda f: (
            f"Plan for permanence agreed {_day(f.plan_agreed)}; "
            + (f"reviews to {_day(f.last_review)}." if f.last_review else "no review yet.")
        ),
    ],
    "plan-evidence": [lambda f: f"Care plan agreed {_day(f.plan_agreed)} and its analysis."],
    "parallel": [lambda f: f"Parallel plan in the care plan of {_day(f.plan_agreed)}."],
    "drift": [lambda f: f"Tracker history and the review of {_day(f.last_review)}."],
    "iro": [lambda f: f"The IRO's review record of {_day(f.last_review)} and their notes."],
    "assessment": [lambda f: "Parenting assessment before the placement began."],
    "approval": [lambda f: f"Placement approval dated {_day(f.placed_since)}."],
    "visits": [lambda f: f"Statutory visit records since {_day(f.placed_since)}."],
    "discharge-plan": [lambda f: f"Care plan of {_day(f.plan_agreed)} and legal advice."],
}
FALLBACK = "Case notes, the care plan and the chronology on the file."


def summary_evidence(facts: Facts) -> str:
    """What the summary rests on: the file as a whole, by its main documents."""
    read = [f"the care plan of {_day(facts.plan_agreed)}"]
    read += [a for a in (_assessment(facts),) if a]
    if facts.support_agreed:
        read.append(f"the support plan of {_day(facts.support_agreed)}")
    if facts.last_review:
        read.append(f"the review of {_day(facts.last_review)}")
    return f"The file read to {_day(clock.today())}: {', '.join(read)}."


def evidence_for(key: str, facts: Facts, rng: random.Random) -> str:
    """What was read for this question on this child's file."""
    written = [e(facts) for e in EVIDENCE.get(subject_of(key), [])]
    written = [w for w in written if w]
    return rng.choice(written) if written else FALLBACK


# --- findings: each with the subjects it may be recorded against ---------------------------


@dataclass(frozen=True)
class DemoFinding:
    kind: str  # strength or area_for_development
    text: str
    subjects: tuple[str, ...]  # the questions it is about, most fitting first
    themes: tuple[str, ...]
    action: str = ""  # what an area for development asks to be done


FINDINGS = (
    DemoFinding(
        "strength",
        "The child's wishes and feelings are recorded in their own words.",
        ("wishes-feelings",),
        ("child-voice",),
    ),
    DemoFinding(
        "strength",
        "A clear chronology underpins the analysis of harm.",
        ("harm-risk",),
        ("risk-analysis", "assessment-quality"),
    ),
    DemoFinding(
        "strength",
        "The support plan was filed with the court report.",
        ("support-plan", "plan-delivered"),
        ("support-planning", "legal-planning"),
    ),
    DemoFinding(
        "strength",
        "Case notes are up to date and written so the child could read them later.",
        ("recording",),
        ("recording",),
    ),
    DemoFinding(
        "area_for_development",
        "The carer's capacity to protect during contact was not tested.",
        ("capacity-protect", "contact"),
        ("contact", "risk-analysis"),
        "Test with the carer how they will keep the child safe during contact, and add it to "
        "the assessment.",
    ),
    DemoFinding(
        "area_for_development",
        "No recorded management decision at the point of the care plan change.",
        ("management-oversight",),
        ("management-oversight", "planning"),
        "Record the manager's decision on the care plan change, with its reasons.",
    ),
    DemoFinding(
        "area_for_development",
        "Supervision notes do not show reflection on this child.",
        ("supervision",),
        ("supervision",),
        "Discuss this child in the next supervision and record the reflection and actions.",
    ),
    DemoFinding(
        "area_for_development",
        "The child's views were not sought after the plan changed.",
        ("wishes-feelings",),
        ("child-voice", "planning"),
        "Visit the child, ask what they think of the new plan, and record it in their words.",
    ),
)


def findings_for(subjects: set[str], kind: str) -> list[DemoFinding]:
    """The demo findings of a kind that one of this template's questions is about."""
    return [f for f in FINDINGS if f.kind == kind and subjects.intersection(f.subjects)]
