"""Demo panels and proposals for the demo council (`assure seed-demo-decisions`): panel
seats, past and coming meetings, outcomes, and proposals at each state of the chain. Every
write goes through the services, so the children's histories show it all."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from assure.children.models import Child
from assure.core import access, clock
from assure.panels import services as panels
from assure.panels.models import Panel
from assure.people.models import User
from assure.people.roles import Role
from assure.people.services import user_create

from . import services
from .models import Proposal

DEMO_USERNAMES = ("lead", "practitioner", "teammanager", "servicemanager", "headofservice")
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
CHILDREN_NEEDED = 6


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
    return people


def _children(people: dict[str, Any]) -> list[Child]:
    """Children with an SGO plan that the practitioner and the whole chain can see."""
    chain_teams = people["teammanager"].teams.values("pk")
    children = list(
        access.visible_children(people["practitioner"])
        .filter(team_id__in=chain_teams, restricted=False, permanence_plans__plan="sgo")
        .distinct()
        .order_by("child_id")[:CHILDREN_NEEDED]
    )
    if len(children) < CHILDREN_NEEDED:
        raise ValidationError("Too few children with an SGO plan in the demo team.")
    return children


def _raise(child: Child, people: dict[str, Any], *, kind: str = "sgo_care_plan") -> Proposal:
    plans = {
        "sgo_care_plan": (
            "Special guardianship order to the maternal grandmother",
            "Settled with her for two years; the full assessment is positive.",
        ),
        "sgo_financial_support": (
            "Special guardianship allowance, reviewed yearly",
            "Means test done; the support plan sets the allowance.",
        ),
    }
    plan, why = plans[kind]
    return services.proposal_create(
        child=child,
        decision_type=kind,
        proposed_plan=plan,
        rationale=why,
        actor=people["practitioner"],
        checklist={"support_plan": "Agreed with the carers"},
    )


def _approve(proposal: Proposal, people: dict[str, Any], *who: str) -> Proposal:
    proposal = services.proposal_submit(proposal=proposal, actor=people["practitioner"])
    for username in who:
        proposal = services.proposal_decide(
            proposal=proposal, decision="approve", actor=people[username]
        )
    return proposal


def _meeting(slug: str, days: int, people: dict[str, Any], *, quorate: bool = True):
    attendees = ["panelchair", "legal", "panel"] if quorate else ["panelchair", "panel"]
    return panels.meeting_create(
        panel=Panel.objects.get(slug=slug),
        date=clock.today() + dt.timedelta(days=days),
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
    for slug, username, role in SEATS:
        panels.panel_member_add(
            panel=Panel.objects.get(slug=slug),
            user=people[username],
            panel_role=role,
            actor=lead,
            from_date=start,
        )
    drafted, with_tm, gated, panel_met, money, question = _children(people)
    _raise(drafted, people)
    waiting_tm = _approve(_raise(with_tm, people), people)
    no_gates = _approve(_raise(gated, people), people, "teammanager", "servicemanager")
    audit_only = _approve(_raise(panel_met, people), people, "teammanager", "servicemanager")
    _approve(
        _raise(money, people, kind="sgo_financial_support"), people, "teammanager", "servicemanager"
    )
    chair = people["panelchair"]
    # Ten weeks ago: no legal adviser came, so nothing could be recommended.
    missed = _meeting("permanence-panel", -70, people, quorate=False)
    panels.agenda_item_add(meeting=missed, child=gated, proposal=no_gates, actor=lead)
    # Five weeks ago: quorate; deferred one proposal, supported another.
    past = _meeting("permanence-panel", -35, people)
    deferred = panels.agenda_item_add(meeting=past, child=gated, proposal=no_gates, actor=lead)
    panels.outcome_record(
        item=deferred,
        recommendation="defer",
        actor=chair,
        conditions="Bring back with the contact plan and the legal advice.",
        actions=[{"action": "Update the contact plan", "owner": "practitioner"}],
    )
    supported = panels.agenda_item_add(
        meeting=past, child=panel_met, proposal=audit_only, actor=lead
    )
    panels.outcome_record(item=supported, recommendation="support", actor=chair)
    discharge = _meeting("sgo-discharge-panel", -21, people)
    asked = panels.agenda_item_add(
        meeting=discharge, child=question, actor=lead, question="Discharge of the care order"
    )
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
