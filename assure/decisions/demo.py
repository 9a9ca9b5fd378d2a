"""Demo panels and proposals for the demo council (`assure seed-demo-decisions`): panel
seats, past and coming meetings, outcomes, and proposals at each state of the chain. Every
write goes through the services, so the children's histories show it all."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from assure.children import codes
from assure.children.care import exits as care_exits
from assure.children.care import periods as care_periods
from assure.children.care import plans as care_plans
from assure.children.care import sgo as care_sgo
from assure.children.demo.council import DEMO_PASSWORD
from assure.children.models import Child, Episode, SGOSupportPlan
from assure.core import access, clock
from assure.core.working_days import is_working_day
from assure.panels import services as panels
from assure.panels.models import Panel
from assure.people.models import User
from assure.people.roles import Role
from assure.people.services import user_create

from . import services
from .models import Proposal

DEMO_USERNAMES = ("lead", "practitioner", "teammanager", "servicemanager", "headofservice")
# The panels' chair, who signs in with the demo password to chair a meeting (record who
# attended and the outcomes): printed with the other demo users.
CHAIR_USERNAME = "panelchair"
# Extra panel members, so each panel can be quorate: (username, first, last).
PANEL_PEOPLE = (
    ("panelchair", "Angela", "Ward"),
    ("panelmember2", "Owen", "Davies"),
    ("panelmember3", "Kemi", "Adebayo"),
)
# (panel slug, username, panel role)
SEATS = (
    ("permanence-panel", "panelchair", "chair"),
    ("permanence-panel", "legal", "legal_adviser"),
    ("permanence-panel", "panel", "member"),
    ("permanence-panel", "panelmember2", "member"),
    ("sgo-discharge-panel", "panelchair", "chair"),
    ("sgo-discharge-panel", "legal", "legal_adviser"),
    ("sgo-discharge-panel", "panelmember3", "member"),
    ("sgo-discharge-panel", "panel", "member"),
)
# Children in care with an SGO plan for the care-plan proposals (the SGO discharge panel's
# question takes one more).
PROPOSALS_IN_CARE = 4
# When the SGO discharge panel was asked about discharging a care order (days from today).
DISCHARGE_ASKED = -21


@dataclass(frozen=True)
class DemoDecisions:
    members: int
    meetings: int
    proposals: int


def _people() -> dict[str, Any]:
    people = {
        u.username: u for u in User.objects.filter(username__in=[*DEMO_USERNAMES, "legal", "panel"])
    }
    missing = sorted({*DEMO_USERNAMES, "legal", "panel"} - set(people))
    if missing:
        raise ValidationError(f"The demo users are missing ({', '.join(missing)}): run seed-demo.")
    for username, first, last in PANEL_PEOPLE:
        user = User.objects.filter(username=username).first() or user_create(
            username=username,
            roles=[Role.PANEL_MEMBER],
            first_name=first,
            last_name=last,
            email=f"{username}@demo.example",
            actor=people["lead"],
        )
        people[username] = user
    _let_the_chair_sign_in(people[CHAIR_USERNAME])
    return people


def _let_the_chair_sign_in(chair: Any) -> None:
    """The chair shares the demo users' password, and only when DEBUG is on, as they do."""
    if settings.DEBUG and not chair.has_usable_password():
        chair.password = make_password(DEMO_PASSWORD)
        chair.save(update_fields=["password"])


def _team_children(people: dict[str, Any]) -> Any:
    """The unrestricted children the practitioner and the whole chain can see."""
    chain_teams = people["teammanager"].teams.values("pk")
    return access.visible_children(people["practitioner"]).filter(
        team_id__in=chain_teams, restricted=False
    )


def _children(people: dict[str, Any]) -> list[Child]:
    """Children for the four care-plan proposals and the panel's question: looked after today
    (a care plan changes, and a care order is discharged, only for a child in care) with a
    plan in force that includes an SGO, by the care-history rules."""
    today = clock.today()
    children = list(
        _team_children(people)
        .filter(care_periods.looked_after_exists(today))
        .annotate(
            plan_now=care_plans.plan_at_subquery(today),
            parallel_now=care_plans.plan_at_subquery(today, "parallel_plan"),
        )
        .filter(care_plans.includes_q(care_plans.SGO, "plan_now", "parallel_now"))
        .order_by("child_id")
    )
    # The discharge panel turns the question down because the carers have no support plan
    # yet: a child whose record agrees on the day it was asked, taken after the first four
    # where one fits (they go to the proposals), else from among them.
    asked = _working_day(DISCHARGE_ASKED)
    question = next(
        (
            child
            for child in [*children[PROPOSALS_IN_CARE:], *children[:PROPOSALS_IN_CARE]]
            if not care_sgo.support_plan_agreed(
                child.sgo_support_plans.values_list("agreed_date", flat=True), asked
            )
        ),
        None,
    )
    proposals = [child for child in children if child != question][:PROPOSALS_IN_CARE]
    if len(proposals) < PROPOSALS_IN_CARE or question is None:
        raise ValidationError("Too few children in care with an SGO plan in the demo team.")
    return [*proposals, question]


def _allowance_child(people: dict[str, Any], *, besides: list[Child]) -> Child:
    """A child an SGO allowance fits: one who left care through an SGO, or whose plan
    includes one, with a support plan agreed that gives financial support (the allowance is
    paid under it). Children who left care through an order come first: the allowance is
    most often paid once the order is made."""
    today = clock.today()
    left_through_sgo = Exists(
        Episode.objects.filter(
            child=OuterRef("pk"),
            reason_ceased__in=care_exits.SGO_EXIT_CODES,
            end_date__lte=today,
        )
    )
    financial = SGOSupportPlan.objects.filter(
        child=OuterRef("pk"), agreed_date__lte=today, financial_support=True
    )
    child = (
        _team_children(people)
        .exclude(pk__in=[c.pk for c in besides])
        .annotate(
            left_through_sgo=left_through_sgo,
            plan_now=care_plans.plan_at_subquery(today),
            parallel_now=care_plans.plan_at_subquery(today, "parallel_plan"),
        )
        .filter(Exists(financial))
        .filter(
            Q(left_through_sgo=True)
            | care_plans.includes_q(care_plans.SGO, "plan_now", "parallel_now")
        )
        .order_by("-left_through_sgo", "child_id")
        .first()
    )
    if child is None:
        raise ValidationError(
            "No child in the demo team has an agreed SGO support plan with financial support."
        )
    return child


@dataclass(frozen=True)
class CarerStory:
    """What the child's own record says of the carer the SGO plan names: the words a
    proposal's rationale uses, and the due-diligence items the record shows were done."""

    carer: str
    assessed: str
    supported: str
    done: dict[str, str]


def _day(date: dt.date) -> str:
    return f"{date:%-d %B %Y}"


def _relation(assessment: Any) -> str:
    """The carer's relationship to the child in brackets; nothing when it is only "other"."""
    if assessment.relationship in {"", codes.CarerRelationship.OTHER}:
        return ""
    return f" ({assessment.get_relationship_display().lower()})"


def _carer_story(child: Child) -> CarerStory:
    """Who the child's SGO plan names and how far their assessments and support plan have
    gone, in the words of the child's own record (a proposal written for another child, or
    a checklist that says less than its rationale, reads wrongly). An item the record does
    not show done is left for the proposer to record."""
    plans = child.permanence_plans.filter(plan=codes.PermanencePlanType.SGO)
    plan = plans.order_by("-agreed_date", "-pk").first()
    carer = (plan.carer_name if plan else "") or "the prospective special guardian"
    assessments = list(child.sgo_assessments.order_by("start_date", "pk"))
    done: dict[str, str] = {}
    viability = [a for a in assessments if a.stage == codes.AssessmentStage.VIABILITY]
    if viability and all(a.completed_date for a in viability):
        done["viability_assessments"] = "; ".join(
            f"{a.carer_name}{_relation(a)}: "
            f"{a.get_recommendation_display().lower() or 'complete'}, {_day(a.completed_date)}"
            for a in viability
        )
    full = next(
        (
            a
            for a in reversed(assessments)
            if a.stage == codes.AssessmentStage.FULL and a.carer_name == carer
        ),
        None,
    )
    if full is None:
        assessed = f"the full assessment of {carer} is still to start"
    elif full.completed_date is None:
        assessed = f"the full assessment of {carer} began on {_day(full.start_date)}"
    else:
        outcome = (full.get_recommendation_display() or "complete").lower()
        assessed = f"the full assessment of {carer} was {outcome} ({_day(full.completed_date)})"
        done["full_assessment"] = (
            f"Full assessment of {carer}, begun {_day(full.start_date)}, completed "
            f"{_day(full.completed_date)}: {outcome}"
        )
    support = (
        child.sgo_support_plans.filter(agreed_date__isnull=False).order_by("-agreed_date").first()
    )
    if support is None:
        supported = "the support plan is still to be agreed"
    else:
        supported = f"the support plan was agreed with the carers on {_day(support.agreed_date)}"
        done["support_plan"] = (
            f"Agreed with the carers on {_day(support.agreed_date)}"
            + (f", review due {_day(support.review_date)}" if support.review_date else "")
            + (f": {support.summary}" if support.summary else "")
        )
    return CarerStory(carer=carer, assessed=assessed, supported=supported, done=done)


def _raise(child: Child, people: dict[str, Any]) -> Proposal:
    """A care-plan change to special guardianship, written from the child's record."""
    story = _carer_story(child)
    return services.proposal_create(
        child=child,
        decision_type="sgo_care_plan",
        proposed_plan=f"Special guardianship order to {story.carer}",
        rationale=(
            f"{child.first_name or 'The child'} is settled in the placement; {story.assessed}; "
            f"{story.supported}."
        ),
        actor=people["practitioner"],
        # What the record shows done; the rest (the child's wishes and feelings, the checks,
        # time with the carers, the contact plan, legal advice) is what the story leaves
        # open, for the proposer and the panel.
        checklist=story.done,
    )


def _raise_allowance(child: Child, people: dict[str, Any]) -> Proposal:
    """An SGO allowance under the child's agreed support plan. The record holds no financial
    assessment, so the means test is left for the proposer to record: the checklist says
    only what the record shows (the support plan) and what the proposal itself sets (the
    amount's review)."""
    story = _carer_story(child)
    support = (
        child.sgo_support_plans.filter(agreed_date__isnull=False, financial_support=True)
        .order_by("-agreed_date", "-pk")
        .first()
    )
    left = (
        child.episodes.filter(reason_ceased__in=care_exits.SGO_EXIT_CODES)
        .order_by("-end_date")
        .first()
    )
    name = child.first_name or "The child"
    standing = (
        f"{name} left care on {_day(left.end_date)} under a special guardianship order to "
        f"{story.carer}"
        if left
        else f"{name}'s plan is a special guardianship order to {story.carer}"
    )
    checks = {
        "support_plan": (
            f"Agreed with the carers on {_day(support.agreed_date)}, with financial support"
            + (f", review due {_day(support.review_date)}" if support.review_date else "")
            + (f": {support.summary}" if support.summary else "")
        ),
        "amount_and_review": "Weekly allowance, reviewed every year",
    }
    return services.proposal_create(
        child=child,
        decision_type="sgo_financial_support",
        proposed_plan=f"Special guardianship allowance to {story.carer}, reviewed yearly",
        rationale=(
            f"{standing}; the support plan agreed with the carers on "
            f"{_day(support.agreed_date)} includes financial support, which this allowance pays."
        ),
        actor=people["practitioner"],
        checklist=checks,
    )


# The means test is not in the demo's records: the last approver approves the allowance with
# it unrecorded and says why, as the sign-off page asks.
MEANS_TEST_REASON = (
    "The allowance starts once the financial assessment is on the case record; the support "
    "plan already commits to it."
)


def _approve(
    proposal: Proposal, people: dict[str, Any], *who: str, unrecorded_reason: str = ""
) -> Proposal:
    """Submit, then approve by each of `who` in turn; `unrecorded_reason` is the last
    approver's word for the checks left unrecorded."""
    proposal = services.proposal_submit(proposal=proposal, actor=people["practitioner"])
    for n, username in enumerate(who, start=1):
        reason = unrecorded_reason if n == len(who) else ""
        proposal = services.proposal_decide(
            proposal=proposal,
            decision="approve",
            actor=people[username],
            confirm_unrecorded=bool(reason),
            unrecorded_reason=reason,
        )
    return proposal


def _working_day(days: int) -> dt.date:
    """About `days` from today, on a working day (panels do not sit at weekends or on bank
    holidays): later for a coming meeting, earlier for one held."""
    day = clock.today() + dt.timedelta(days=days)
    step = dt.timedelta(days=1 if days > 0 else -1)
    while not is_working_day(day):
        day += step
    return day


def _during(meeting: Any) -> Any:
    """The clock at midday on a held meeting's day: outcomes are recorded at the meeting,
    not when the demo is made."""
    return clock.frozen_at(timezone.make_aware(dt.datetime.combine(meeting.date, dt.time(12, 30))))


def _meeting(slug: str, days: int, people: dict[str, Any], *, quorate: bool = True):
    """A meeting `days` from today. Who attended is recorded only for one held already."""
    attendees = ["panelchair", "legal", "panel"] if quorate else ["panelchair", "panel"]
    if days > 0:
        attendees = []
    return panels.meeting_create(
        panel=Panel.objects.get(slug=slug),
        date=_working_day(days),
        attendees=[people[u] for u in attendees],
        actor=people["lead"],
    )


@transaction.atomic
def seed_demo_decisions() -> DemoDecisions:
    """Seed the demo panels and proposals. Deterministic: the same demo council gives the
    same seats, meetings and proposals."""
    people = _people()
    lead = people["lead"]
    start = clock.today() - dt.timedelta(days=400)
    # Seats are never back-dated, so the demo seats its people on the day they joined.
    with clock.frozen_at(start):
        for slug, username, role in SEATS:
            panels.panel_member_add(
                panel=Panel.objects.get(slug=slug),
                user=people[username],
                panel_role=role,
                actor=lead,
                from_date=start,
            )
    drafted, with_tm, gated, panel_met, question = chosen = _children(people)
    money = _allowance_child(people, besides=chosen)
    _raise(drafted, people)
    waiting_tm = _approve(_raise(with_tm, people), people)
    no_gates = _approve(_raise(gated, people), people, "teammanager", "servicemanager")
    audit_only = _approve(_raise(panel_met, people), people, "teammanager", "servicemanager")
    _approve(
        _raise_allowance(money, people),
        people,
        "teammanager",
        "servicemanager",
        unrecorded_reason=MEANS_TEST_REASON,
    )
    chair = people["panelchair"]
    # Ten weeks ago: no legal adviser came, so nothing could be recommended.
    missed = _meeting("permanence-panel", -70, people, quorate=False)
    panels.agenda_item_add(meeting=missed, child=gated, proposal=no_gates, actor=lead)
    # Five weeks ago: quorate; deferred one proposal, supported another.
    past = _meeting("permanence-panel", -35, people)
    deferred = panels.agenda_item_add(meeting=past, child=gated, proposal=no_gates, actor=lead)
    supported = panels.agenda_item_add(
        meeting=past, child=panel_met, proposal=audit_only, actor=lead
    )
    with _during(past):
        panels.outcome_record(
            item=deferred,
            recommendation="defer",
            actor=chair,
            conditions="Bring back with the contact plan and the legal advice.",
            actions=[
                {
                    "action": "Update the contact plan",
                    "owner": people["practitioner"].display_name,
                }
            ],
        )
        panels.outcome_record(item=supported, recommendation="support", actor=chair)
    discharge = _meeting("sgo-discharge-panel", DISCHARGE_ASKED, people)
    asked = panels.agenda_item_add(
        meeting=discharge, child=question, actor=lead, question="Discharge of the care order"
    )
    with _during(discharge):
        panels.outcome_record(
            item=asked,
            recommendation="not_support",
            actor=chair,
            conditions="Too early: the carers need the support plan in place first.",
        )
    # Coming up: the next permanence panel and SGO discharge panel.
    upcoming = _meeting("permanence-panel", 14, people)
    panels.agenda_item_add(meeting=upcoming, child=with_tm, proposal=waiting_tm, actor=lead)
    panels.agenda_item_add(meeting=upcoming, child=gated, proposal=no_gates, actor=lead)
    later = _meeting("sgo-discharge-panel", 28, people)
    panels.agenda_item_add(
        meeting=later, child=question, actor=lead, question="Discharge of the care order, again"
    )
    return DemoDecisions(members=len(SEATS), meetings=5, proposals=5)
