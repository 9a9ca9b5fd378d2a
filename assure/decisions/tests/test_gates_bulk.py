"""The bulk gate check used by the tracker gives, for every proposal, exactly what the
per-proposal check used at sign-off gives, in a number of queries that does not grow."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from assure.core import clock
from assure.decisions import services
from assure.decisions.gates import audit_gate_met, unmet_gates, unmet_gates_for
from assure.decisions.models import Proposal
from assure.panels import services as panel_services
from assure.panels.models import Panel
from assure.people.roles import Role
from tests.factories import ChildFactory, EpisodeFactory, UserFactory

from .conftest import close_audit


def _seats(lead):
    panel = Panel.objects.get(slug="permanence-panel")
    seats = []
    for name, role in [("chair", "chair"), ("adviser", "legal_adviser"), ("m1", "member")]:
        user = UserFactory(username=f"bulk-{name}", roles=[Role.PANEL_MEMBER])
        with clock.frozen_at(dt.date(2025, 1, 1)):
            panel_services.panel_member_add(
                panel=panel, user=user, panel_role=role, actor=lead, from_date=dt.date(2025, 1, 1)
            )
        seats.append(user)
    return panel, seats


def _at_last_step(world, child):
    proposal = services.proposal_create(
        child=child,
        decision_type="sgo_care_plan",
        actor=world["sw"],
        proposed_plan="SGO to an aunt",
        rationale="Settled",
    )
    proposal = services.proposal_submit(proposal=proposal, actor=world["sw"])
    proposal = services.proposal_decide(proposal=proposal, decision="approve", actor=world["tm"])
    return services.proposal_decide(proposal=proposal, decision="approve", actor=world["sm"])


def _outcome(*, panel, seats, proposal, lead, recommendation="support", quorate=True):
    meeting = panel_services.meeting_create(
        panel=panel, date=clock.today(), attendees=seats, actor=lead
    )
    item = panel_services.agenda_item_add(
        meeting=meeting, child=proposal.child, proposal=proposal, actor=lead
    )
    panel_services.outcome_record(item=item, recommendation=recommendation, actor=seats[0])
    if not quorate:
        meeting.attendees.remove(seats[2])  # the attendance is corrected: no quorum after all


def _case_world(world):
    panel, seats = _seats(world["lead"])
    cases = {}
    for name in ("met", "too_old", "inadequate", "not_quorate", "not_support", "nothing"):
        child = ChildFactory(child_id=f"B-{name}", team=world["north"])
        EpisodeFactory(child=child)
        cases[name] = _at_last_step(world, child)
    audit = {"met": 10, "too_old": 91, "inadequate": 5, "not_quorate": 10, "not_support": 10}
    for name, days_ago in audit.items():
        grade = "inadequate" if name == "inadequate" else "good"
        close_audit(
            child=cases[name].child, auditor=world["auditor"], grade=grade, days_ago=days_ago
        )
    for name in ("met", "too_old", "inadequate"):
        _outcome(panel=panel, seats=seats, proposal=cases[name], lead=world["lead"])
    _outcome(
        panel=panel, seats=seats, proposal=cases["not_quorate"], lead=world["lead"], quorate=False
    )
    _outcome(
        panel=panel,
        seats=seats,
        proposal=cases["not_support"],
        lead=world["lead"],
        recommendation="not_support",
    )
    return cases


def test_bulk_matches_the_per_proposal_check(world):
    cases = _case_world(world)
    proposals = Proposal.objects.select_related("scheme").filter(
        pk__in=[p.pk for p in cases.values()]
    )
    bulk = unmet_gates_for(proposals)
    expected = {
        "met": [],
        "too_old": ["audit"],
        "inadequate": ["audit"],
        "not_quorate": ["panel"],
        "not_support": ["panel"],
        "nothing": ["audit", "panel"],
    }
    assert {name: bulk[p.pk] for name, p in cases.items()} == expected
    assert {name: unmet_gates(proposal=p) for name, p in cases.items()} == expected
    # Eleven days ago the audit closed ten days ago was not yet closed, and the one closed
    # 91 days ago was still within the window: both checks agree on each.
    earlier = clock.now() - dt.timedelta(days=11)
    then = unmet_gates_for(proposals, on=earlier)
    assert ("audit" in then[cases["met"].pk], "audit" in then[cases["too_old"].pk]) == (
        True,
        False,
    )
    for proposal in proposals:
        met = audit_gate_met(proposal=proposal, on=earlier)
        assert ("audit" not in then[proposal.pk]) is met


def test_bulk_queries_do_not_grow_with_the_proposals(world):
    cases = _case_world(world)
    proposals = list(Proposal.objects.select_related("scheme").filter(pk=cases["met"].pk))
    with CaptureQueriesContext(connection) as one:
        unmet_gates_for(proposals)
    everything = list(Proposal.objects.select_related("scheme"))
    with CaptureQueriesContext(connection) as many:
        unmet_gates_for(everything)
    assert len(everything) == 6
    assert len(one) == len(many) == 4
    assert unmet_gates_for([]) == {}
