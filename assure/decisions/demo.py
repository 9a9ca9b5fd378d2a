"""Demo panels and proposals for the demo council (`assure seed-demo-decisions`): panel
seats, past and coming meetings, outcomes, and proposals at each state of the chain. Every
write goes through the services, so the children's histories show it all, and each is made
with the clock held at the moment it happened (`Timeline`), so that a proposal is drafted,
submitted and approved, put to a panel and decided there in that order, on working days,
and the history on the child's page tells it in that order."""

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
from assure.core.working_days import add_working_days, is_working_day
from assure.panels import services as panels
from assure.panels.models import Meeting, Panel
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
# The panel meetings (days from today): the permanence panel ten weeks ago (not quorate)
# and five weeks ago, and the coming permanence and SGO discharge panels.
MISSED, HELD, UPCOMING, LATER = -70, -35, 14, 28
# How far ahead a meeting is put in the diary, in working days: far enough that every
# meeting, the coming ones too, was arranged before any case was put to it.
SCHEDULED_AHEAD = 30
# Working days between one step of a proposal and the next (drafted, submitted, each
# approval): a manager takes a few days to read a proposal.
STEP = 3


def _working_days_before(day: dt.date, n: int) -> dt.date:
    """The working day `n` working days before `day` (distinct `n`, distinct days)."""
    while n > 0:
        day -= dt.timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def _steps(*, last: dt.date, count: int) -> tuple[dt.date, ...]:
    """`count` working days `STEP` apart ending on `last`: a proposal drafted, submitted,
    then approved at each step, oldest first."""
    return tuple(_working_days_before(last, STEP * (count - 1 - n)) for n in range(count))


def _scheduled(meeting_day: dt.date) -> dt.date:
    """The day a meeting was put in the diary."""
    return _working_days_before(meeting_day, SCHEDULED_AHEAD)


@dataclass(frozen=True)
class Timeline:
    """The days the demo's records were made on, from today: the meetings (on working days)
    and each proposal's steps (`drafted`, ...: drafted, submitted, then each approval) and
    the days each case was put to a panel. Every step falls on a working day after the one
    it follows, every item is put to a meeting after the proposal was submitted and the
    meeting arranged, and everything but the coming meetings is before today."""

    today: dt.date
    missed: dt.date
    held: dt.date
    asked: dt.date
    upcoming: dt.date
    later: dt.date
    drafted: tuple[dt.date, ...]
    with_tm: tuple[dt.date, ...]
    gated: tuple[dt.date, ...]
    panel_met: tuple[dt.date, ...]
    money: tuple[dt.date, ...]
    gated_to_missed: dt.date
    gated_to_held: dt.date
    panel_met_to_held: dt.date
    question_to_asked: dt.date
    to_upcoming: dt.date
    question_to_later: dt.date

    @property
    def in_care_days(self) -> list[dt.date]:
        """The days the care-plan proposals' children must be in care with an SGO plan:
        each proposal's drafting, the discharge panel's meeting, and today (they still
        wait for a decision)."""
        drafting = [steps[0] for steps in (self.drafted, self.with_tm, self.gated, self.panel_met)]
        return sorted({*drafting, self.asked, self.today})


def timeline() -> Timeline:
    """The demo's days, from the clock's today: the same every time on the same day."""
    today = clock.today()

    def ago(n: int) -> dt.date:
        return _working_days_before(today, n)

    missed, held = _working_day(MISSED), _working_day(HELD)
    later = _working_day(LATER)
    return Timeline(
        today=today,
        missed=missed,
        held=held,
        asked=_working_day(DISCHARGE_ASKED),
        upcoming=_working_day(UPCOMING),
        later=later,
        drafted=_steps(last=ago(2), count=1),
        with_tm=_steps(last=ago(7), count=2),
        # Approved by both managers before it first went to panel, eight working days
        # before the meeting that could not decide; put to the next one three days after.
        gated=_steps(last=_working_days_before(missed, 11), count=4),
        panel_met=_steps(last=_working_days_before(held, 9), count=4),
        money=_steps(last=ago(16), count=4),
        gated_to_missed=_working_days_before(missed, 8),
        gated_to_held=add_working_days(missed, 3),
        panel_met_to_held=_working_days_before(held, 7),
        question_to_asked=_working_days_before(_working_day(DISCHARGE_ASKED), 10),
        to_upcoming=ago(6),
        # Asked again at the next discharge panel, once it is in the diary.
        question_to_later=add_working_days(_scheduled(later), 1),
    )


def _at(day: dt.date, hour: int, minute: int = 0) -> Any:
    """The clock held at a time of day on `day`, in the council's time zone."""
    return clock.frozen_at(timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute))))


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


def _in_care_with_sgo_plan(children: Any, days: list[dt.date]) -> Any:
    """Those looked after on each of `days` with a plan in force then that includes an SGO,
    by the care-history rules."""
    for n, day in enumerate(days):
        plan, parallel = f"plan_{n}", f"parallel_{n}"
        children = (
            children.filter(care_periods.looked_after_exists(day))
            .annotate(
                **{
                    plan: care_plans.plan_at_subquery(day),
                    parallel: care_plans.plan_at_subquery(day, "parallel_plan"),
                }
            )
            .filter(care_plans.includes_q(care_plans.SGO, plan, parallel))
        )
    return children


def _children(people: dict[str, Any], *, days: Timeline) -> list[Child]:
    """Children for the four care-plan proposals and the panel's question: looked after (a
    care plan changes, and a care order is discharged, only for a child in care) with a plan
    in force that includes an SGO, by the care-history rules, from the day the first of
    these proposals was drafted to today, when they still wait for a decision."""
    children = list(
        _in_care_with_sgo_plan(_team_children(people), days.in_care_days).order_by("child_id")
    )
    # The discharge panel turns the question down because the carers have no support plan
    # yet: a child whose record agrees on the day it was asked, taken after the first four
    # where one fits (they go to the proposals), else from among them.
    asked = days.asked
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


def _allowance_child(people: dict[str, Any], *, besides: list[Child], on: dt.date) -> Child:
    """A child an SGO allowance fits on the day it is proposed (`on`): one who left care
    through an SGO, or whose plan includes one, with a support plan agreed that gives
    financial support (the allowance is paid under it). Children who left care through an
    order come first: the allowance is most often paid once the order is made."""
    left_through_sgo = Exists(
        Episode.objects.filter(
            child=OuterRef("pk"),
            reason_ceased__in=care_exits.SGO_EXIT_CODES,
            end_date__lte=on,
        )
    )
    financial = SGOSupportPlan.objects.filter(
        child=OuterRef("pk"), agreed_date__lte=on, financial_support=True
    )
    child = (
        _team_children(people)
        .exclude(pk__in=[c.pk for c in besides])
        .annotate(
            left_through_sgo=left_through_sgo,
            plan_now=care_plans.plan_at_subquery(on),
            parallel_now=care_plans.plan_at_subquery(on, "parallel_plan"),
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


def sgo_plan_on(child: Child, on: dt.date) -> Any:
    """The latest plan in force by `on` that includes an SGO (the one a proposal that day
    is written from), or None."""
    plans = [p for p in child.permanence_plans.order_by("pk") if care_plans.includes_sgo(p)]
    return care_plans.plan_at(plans, on)


def _done_by(date: dt.date | None, on: dt.date) -> bool:
    return date is not None and date <= on


def _carer_story(child: Child, *, on: dt.date) -> CarerStory:
    """Who the child's SGO plan names and how far their assessments and support plan had
    gone on `on`, the day the proposal is written, in the words of the child's own record
    (a proposal written for another child, a checklist that says less than its rationale,
    or one that tells of work done after it was written, reads wrongly). An item the record
    does not show done is left for the proposer to record."""
    plan = sgo_plan_on(child, on)
    carer = (plan.carer_name if plan else "") or "the prospective special guardian"
    assessments = [
        a for a in child.sgo_assessments.order_by("start_date", "pk") if care_sgo.known_on(a, on)
    ]
    done: dict[str, str] = {}
    viability = [a for a in assessments if a.stage == codes.AssessmentStage.VIABILITY]
    if viability and all(_done_by(a.completed_date, on) for a in viability):
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
    elif not _done_by(full.completed_date, on):
        assessed = f"the full assessment of {carer} began on {_day(full.start_date)}"
    else:
        outcome = (full.get_recommendation_display() or "complete").lower()
        assessed = f"the full assessment of {carer} was {outcome} ({_day(full.completed_date)})"
        done["full_assessment"] = (
            f"Full assessment of {carer}, begun {_day(full.start_date)}, completed "
            f"{_day(full.completed_date)}: {outcome}"
        )
    support = child.sgo_support_plans.filter(agreed_date__lte=on).order_by("-agreed_date").first()
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


def _raise(child: Child, people: dict[str, Any], *, on: dt.date) -> Proposal:
    """A care-plan change to special guardianship, written on `on` from the child's record
    as it stood then."""
    story = _carer_story(child, on=on)
    with _at(on, 10):
        return services.proposal_create(
            child=child,
            decision_type="sgo_care_plan",
            proposed_plan=f"Special guardianship order to {story.carer}",
            rationale=(
                f"{child.first_name or 'The child'} is settled in the placement; "
                f"{story.assessed}; {story.supported}."
            ),
            actor=people["practitioner"],
            # What the record shows done; the rest (the child's wishes and feelings, the
            # checks, time with the carers, the contact plan, legal advice) is what the story
            # leaves open, for the proposer and the panel.
            checklist=story.done,
        )


def _raise_allowance(child: Child, people: dict[str, Any], *, on: dt.date) -> Proposal:
    """An SGO allowance under the child's agreed support plan, written on `on`. The record
    holds no financial assessment, so the means test is left for the proposer to record: the
    checklist says only what the record shows (the support plan) and what the proposal
    itself sets (the amount's review)."""
    story = _carer_story(child, on=on)
    support = (
        child.sgo_support_plans.filter(agreed_date__lte=on, financial_support=True)
        .order_by("-agreed_date", "-pk")
        .first()
    )
    left = (
        child.episodes.filter(reason_ceased__in=care_exits.SGO_EXIT_CODES, end_date__lte=on)
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
    with _at(on, 10):
        return services.proposal_create(
            child=child,
            decision_type="sgo_financial_support",
            proposed_plan=f"Special guardianship allowance to {story.carer}, reviewed yearly",
            rationale=(
                f"{standing}; the support plan agreed with the carers on "
                f"{_day(support.agreed_date)} includes financial support, which this "
                "allowance pays."
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
    proposal: Proposal,
    people: dict[str, Any],
    *who: str,
    days: tuple[dt.date, ...],
    unrecorded_reason: str = "",
) -> Proposal:
    """Submit on the first of `days` (the one after the proposal was drafted), then approve
    by each of `who` in turn on the days after; `unrecorded_reason` is the last approver's
    word for the checks left unrecorded."""
    submitted, *decided = days
    with _at(submitted, 15):
        proposal = services.proposal_submit(proposal=proposal, actor=people["practitioner"])
    for n, (username, day) in enumerate(zip(who, decided, strict=True), start=1):
        reason = unrecorded_reason if n == len(who) else ""
        with _at(day, 11):
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


def _meeting(slug: str, day: dt.date, people: dict[str, Any]) -> Meeting:
    """A meeting on `day`, put in the diary by the assurance lead `SCHEDULED_AHEAD` working
    days before it (who attended is recorded on the day)."""
    with _at(_scheduled(day), 9, 30):
        return panels.meeting_create(
            panel=Panel.objects.get(slug=slug), date=day, attendees=[], actor=people["lead"]
        )


def _attended(meeting: Meeting, people: dict[str, Any], *, quorate: bool = True) -> None:
    """The chair records who came as the meeting opens: without the legal adviser, it is not
    quorate."""
    attendees = ["panelchair", "legal", "panel"] if quorate else ["panelchair", "panel"]
    with _at(meeting.date, 10):
        panels.meeting_set_attendance(
            meeting=meeting, attendees=[people[u] for u in attendees], actor=people["panelchair"]
        )


def _put(meeting: Meeting, child: Child, people: dict[str, Any], *, on: dt.date, **case: Any):
    """The assurance lead puts a case (`proposal=` or `question=`) to a meeting on `on`."""
    with _at(on, 14):
        return panels.agenda_item_add(meeting=meeting, child=child, actor=people["lead"], **case)


@transaction.atomic
def seed_demo_decisions() -> DemoDecisions:
    """Seed the demo panels and proposals. Deterministic: the same demo council gives the
    same seats, meetings and proposals, on the same days for the same today."""
    people = _people()
    lead = people["lead"]
    days = timeline()
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
    drafted, with_tm, gated, panel_met, question = chosen = _children(people, days=days)
    money = _allowance_child(people, besides=chosen, on=days.money[0])
    _raise(drafted, people, on=days.drafted[0])
    waiting_tm = _approve(
        _raise(with_tm, people, on=days.with_tm[0]), people, days=days.with_tm[1:]
    )
    no_gates = _approve(
        _raise(gated, people, on=days.gated[0]),
        people,
        "teammanager",
        "servicemanager",
        days=days.gated[1:],
    )
    audit_only = _approve(
        _raise(panel_met, people, on=days.panel_met[0]),
        people,
        "teammanager",
        "servicemanager",
        days=days.panel_met[1:],
    )
    _approve(
        _raise_allowance(money, people, on=days.money[0]),
        people,
        "teammanager",
        "servicemanager",
        days=days.money[1:],
        unrecorded_reason=MEANS_TEST_REASON,
    )
    chair = people["panelchair"]
    # Ten weeks ago: no legal adviser came, so nothing could be recommended.
    missed = _meeting("permanence-panel", days.missed, people)
    _put(missed, gated, people, on=days.gated_to_missed, proposal=no_gates)
    _attended(missed, people, quorate=False)
    # Five weeks ago: quorate; deferred one proposal, supported another.
    past = _meeting("permanence-panel", days.held, people)
    supported = _put(past, panel_met, people, on=days.panel_met_to_held, proposal=audit_only)
    deferred = _put(past, gated, people, on=days.gated_to_held, proposal=no_gates)
    _attended(past, people)
    with _at(past.date, 12, 30):
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
    with _at(past.date, 12, 45):
        panels.outcome_record(item=supported, recommendation="support", actor=chair)
    discharge = _meeting("sgo-discharge-panel", days.asked, people)
    asked = _put(
        discharge,
        question,
        people,
        on=days.question_to_asked,
        question="Discharge of the care order",
    )
    _attended(discharge, people)
    with _at(discharge.date, 12, 30):
        panels.outcome_record(
            item=asked,
            recommendation="not_support",
            actor=chair,
            conditions="Too early: the carers need the support plan in place first.",
        )
    # Coming up: the next permanence panel and SGO discharge panel, arranged already, with
    # nobody's attendance and no outcome yet.
    upcoming = _meeting("permanence-panel", days.upcoming, people)
    _put(upcoming, with_tm, people, on=days.to_upcoming, proposal=waiting_tm)
    _put(upcoming, gated, people, on=days.to_upcoming, proposal=no_gates)
    later = _meeting("sgo-discharge-panel", days.later, people)
    _put(
        later,
        question,
        people,
        on=days.question_to_later,
        question="Discharge of the care order, again",
    )
    return DemoDecisions(members=len(SEATS), meetings=5, proposals=5)
