"""The arrangements review's sign-off rows: approvers who took the case to panel, and
approvals without a closed audit (possible only under a scheme without the audit gate)."""

from assure.decisions import services
from assure.decisions.models import DecisionType
from assure.panels.review import arrangements_review
from tests.factories import UserFactory

from .conftest import close_audit, panel_support


def _approve_all(world, proposal, last="hos"):
    proposal = services.proposal_submit(proposal=proposal, actor=world["sw"])
    proposal = services.proposal_decide(proposal=proposal, decision="approve", actor=world["tm"])
    proposal = services.proposal_decide(proposal=proposal, decision="approve", actor=world["sm"])
    return services.proposal_decide(proposal=proposal, decision="approve", actor=world[last])


def test_review_flags_approver_who_put_it_to_panel_and_approval_without_audit(world):
    director = UserFactory(username="dir", roles=["director"])
    sgo = DecisionType.objects.get(slug="sgo_care_plan")
    services.scheme_revise(
        decision_type=sgo,
        actor=director,
        chain=["team_manager", "service_manager", "head_of_service"],
        checklist=[],
        gates=["panel"],
        gate_panels=["permanence-panel"],
    )
    proposal = services.proposal_create(
        child=world["child"],
        decision_type="sgo_care_plan",
        actor=world["sw"],
        proposed_plan="SGO",
        rationale="r",
    )
    panel_support(proposal=proposal, lead=world["lead"])
    item = proposal.panel_items.get()
    item.added_by = world["sm"]  # the service manager took it to panel
    item.save()
    proposal = _approve_all(world, proposal)
    report = arrangements_review(user=world["lead"])
    assert [p.pk for p in report.approved_without_audit] == [proposal.pk]
    assert [(r["decision"].by, r["how"]) for r in report.approve_own_panel_items] == [
        (world["sm"], "put it to panel")
    ]
    close_audit(child=world["child"], auditor=world["auditor"], days_ago=1)
    assert arrangements_review(user=world["lead"]).approved_without_audit == []
