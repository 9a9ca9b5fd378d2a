"""Proposals, their decisions and panel outcomes join the whole-family chronology."""

from assure.decisions import services
from assure.families import chronology
from assure.families.selectors import family_chronology

from .conftest import panel_support


def test_proposals_and_outcomes_are_chronology_sources(world):
    assert {"proposal", "panel_outcome"} <= set(chronology.kinds())
    proposal = services.proposal_create(
        child=world["child"],
        decision_type="sgo_care_plan",
        actor=world["sw"],
        proposed_plan="SGO",
        rationale="r",
    )
    proposal = services.proposal_submit(proposal=proposal, actor=world["sw"])
    services.proposal_decide(
        proposal=proposal, decision="return", actor=world["tm"], comment="Add the contact plan"
    )
    panel_support(proposal=proposal, lead=world["lead"])
    events = family_chronology(children=[world["child"]])
    summaries = [(e.kind, e.summary) for e in events if e.kind in {"proposal", "panel_outcome"}]
    assert ("proposal", "Proposal raised: Care plan changes to special guardianship") in summaries
    assert (
        "proposal",
        "Care plan changes to special guardianship: Returned by the team manager",
    ) in summaries
    assert ("panel_outcome", "Permanence panel: Support") in summaries
    returned = next(e for e in events if "Returned" in e.summary)
    assert "Add the contact plan" in returned.detail
