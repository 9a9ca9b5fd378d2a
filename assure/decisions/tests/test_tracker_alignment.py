"""The tracker shows each child's latest panel outcome, next panel and open proposals, so it
stays aligned with the panels and the sign-off chain."""

import datetime as dt

from assure.core import clock
from assure.decisions import services
from assure.panels import services as panel_services
from assure.panels.models import Panel
from assure.tracker.selectors import tracker_rows

from .conftest import panel_support


def _row(user, on=None):
    (row,) = [r for r in tracker_rows(user=user, on=on) if r.child.child_id == "SGO1"]
    return row


def test_tracker_row_carries_panel_outcome_next_panel_and_proposal(world):
    row = _row(world["lead"])
    assert (row.panel_outcome, row.next_panel, row.proposal) == (None, None, None)

    proposal = services.proposal_create(
        child=world["child"],
        decision_type="sgo_care_plan",
        proposed_plan="SGO to grandmother",
        rationale="Settled with her for a year",
        actor=world["sw"],
    )
    services.proposal_submit(proposal=proposal, actor=world["sw"])
    assert _row(world["lead"]).proposal == (
        "Care plan changes to special guardianship: submitted, waiting for the team manager"
    )

    panel_support(proposal=proposal, lead=world["lead"])
    today = clock.today()
    assert (
        _row(world["lead"]).panel_outcome == f"Permanence panel, {today.day} {today:%b %Y}: Support"
    )

    later = panel_services.meeting_create(
        panel=Panel.objects.get(slug="sgo-discharge-panel"),
        date=today + dt.timedelta(days=14),
        attendees=[],
        actor=world["lead"],
    )
    panel_services.agenda_item_add(
        meeting=later,
        child=world["child"],
        actor=world["lead"],
        question="Discharge of the care order",
    )
    fortnight = today + dt.timedelta(days=14)
    assert (
        _row(world["lead"]).next_panel == f"SGO discharge panel, {fortnight.day} {fortnight:%b %Y}"
    )
    # As at a date before the outcome, the tracker does not know it yet.
    assert _row(world["lead"], on=today - dt.timedelta(days=1)).panel_outcome is None


def test_tracker_shows_the_unmet_gates_at_the_last_step(world):
    from .conftest import close_audit

    # Raised and approved by two managers three weeks ago, so it is known at every date below.
    with clock.frozen_at(clock.now() - dt.timedelta(days=21)):
        proposal = services.proposal_create(
            child=world["child"],
            decision_type="sgo_care_plan",
            proposed_plan="SGO to grandmother",
            rationale="Settled with her for a year",
            actor=world["sw"],
        )
        proposal = services.proposal_submit(proposal=proposal, actor=world["sw"])
        proposal = services.proposal_decide(
            proposal=proposal, decision="approve", actor=world["tm"]
        )
        proposal = services.proposal_decide(
            proposal=proposal, decision="approve", actor=world["sm"]
        )
    name = "Care plan changes to special guardianship"
    assert _row(world["lead"]).proposal == (
        f"{name}: submitted, waiting for the head of service (gates unmet: audit, panel)"
    )
    close_audit(child=world["child"], auditor=world["auditor"])
    panel_support(proposal=proposal, lead=world["lead"])
    assert _row(world["lead"]).proposal == f"{name}: submitted, waiting for the head of service"
    # As at a day before the audit closed, its gate was still unmet.
    before = clock.today() - dt.timedelta(days=11)
    assert _row(world["lead"], on=before).proposal.endswith("(gates unmet: audit)")


def test_a_proposal_submitted_after_the_as_at_date_is_not_on_that_tracker(world):
    proposal = services.proposal_create(
        child=world["child"],
        decision_type="sgo_care_plan",
        proposed_plan="SGO to grandmother",
        rationale="Settled with her for a year",
        actor=world["sw"],
    )
    services.proposal_submit(proposal=proposal, actor=world["sw"])
    today = clock.today()
    assert _row(world["lead"], on=today).proposal is not None
    assert _row(world["lead"], on=today - dt.timedelta(days=1)).proposal is None
