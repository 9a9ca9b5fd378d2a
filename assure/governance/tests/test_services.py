"""The deletion proposal's workflow, every move and every refusal; legal holds; the rules
at their edges; and the access log deleted by age, except what a hold keeps."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assure.children.models import Child
from assure.core import access, clock
from assure.core.models import AccessEvent, DomainEvent
from assure.governance import retention, services
from assure.governance.models import DeletionProposal, Kind, LegalHold
from assure.governance.workflow import WORKFLOW, Refused
from tests.factories import ChildFactory

from .builders import looked_after_child, people

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 1)


@pytest.fixture
def staff():
    with clock.frozen_at(TODAY):
        yield people()


@pytest.fixture
def old(staff):
    return looked_after_child("OLD-1", born=dt.date(1940, 5, 1), team=staff["team"])


def _propose(staff, kind: str = Kind.LOOKED_AFTER_CHILD) -> DeletionProposal:
    return services.deletion_propose(actor=staff["officer"], kind=kind)


def test_the_table_has_the_moves_and_states_it_documents():
    pairs = {(m.source, m.action, m.target) for m in WORKFLOW.moves}
    assert pairs == {
        ("proposed", "approve", "approved"),
        ("proposed", "reject", "rejected"),
        ("approved", "delete", "deleted"),
        ("approved", "reject", "rejected"),
    }


@pytest.mark.parametrize("state", ["proposed", "approved", "deleted", "rejected"])
@pytest.mark.parametrize("action", ["approve", "reject", "delete"])
def test_every_pair_of_state_and_action(staff, old, state, action):
    proposal = _propose(staff)
    DeletionProposal.objects.filter(pk=proposal.pk).update(
        status=state, approved_by=staff["other_officer"]
    )
    proposal.refresh_from_db()
    act = {
        "approve": lambda: services.deletion_approve(
            actor=staff["other_officer"], proposal=proposal
        ),
        "reject": lambda: services.deletion_reject(
            actor=staff["other_officer"], proposal=proposal, reason="No"
        ),
        "delete": lambda: services.deletion_carry_out(
            actor=staff["other_officer"], proposal=proposal
        ),
    }[action]
    if WORKFLOW.find(state=state, action=action) is None:
        with pytest.raises(Refused, match="cannot be"):
            act()
        assert DeletionProposal.objects.get().status == state
    else:
        act()
        assert (
            DeletionProposal.objects.get().status
            == WORKFLOW.find(state=state, action=action).target
        )


def test_who_may_make_each_move(staff, old):
    proposal = _propose(staff)
    with pytest.raises(PermissionDenied, match="Nobody approves their own proposal"):
        services.deletion_approve(actor=staff["officer"], proposal=proposal)
    with pytest.raises(PermissionDenied, match="may approve a deletion"):
        services.deletion_approve(actor=staff["lead"], proposal=proposal)
    with pytest.raises(PermissionDenied):
        services.deletion_reject(actor=staff["manager"], proposal=proposal, reason="No")
    services.deletion_approve(actor=staff["other_officer"], proposal=proposal)
    with pytest.raises(PermissionDenied):
        services.deletion_carry_out(actor=staff["lead"], proposal=proposal)
    assert Child.objects.filter(pk=old.pk).exists()
    # The proposer may withdraw (reject) their own proposal.
    services.deletion_reject(actor=staff["officer"], proposal=proposal, reason="Withdrawn")
    assert DeletionProposal.objects.get().status == "rejected"


def test_only_who_may_propose(staff, old):
    with pytest.raises(PermissionDenied):
        services.deletion_propose(actor=staff["manager"], kind=Kind.LOOKED_AFTER_CHILD)
    assert access.can(staff["lead"], "propose_deletion")
    services.deletion_propose(actor=staff["lead"], kind=Kind.LOOKED_AFTER_CHILD)
    assert DeletionProposal.objects.count() == 1


def test_a_held_child_is_left_out_of_a_proposal_and_a_proposed_one_is_not_proposed_twice(
    staff, old
):
    held = looked_after_child("OLD-2", born=dt.date(1941, 1, 1), team=staff["team"])
    services.legal_hold_place(actor=staff["lead"], child=held, reason="Claim")
    proposal = _propose(staff)
    assert list(proposal.items.values_list("child__child_id", flat=True)) == ["OLD-1"]
    with pytest.raises(Refused, match="free to go"):
        _propose(staff)


def test_a_record_no_longer_past_its_period_stops_the_approval(staff, old):
    proposal = _propose(staff)
    # The council keeps looked-after children's records longer from now on.
    services.retention_rule_change(
        actor=staff["officer"],
        kind=Kind.LOOKED_AFTER_CHILD,
        years=100,
        years_after_death=15,
        note="Inquiry",
    )
    with pytest.raises(Refused, match="no longer past the retention period"):
        services.deletion_approve(actor=staff["other_officer"], proposal=proposal)


def test_the_rule_edges(staff):
    def change(**kwargs):
        return services.retention_rule_change(actor=staff["officer"], note="x", **kwargs)

    with pytest.raises(ValidationError):
        change(kind=Kind.LOOKED_AFTER_CHILD, years=74, years_after_death=15)
    with pytest.raises(ValidationError):
        change(kind=Kind.LOOKED_AFTER_CHILD, years=75, years_after_death=14)
    assert change(kind=Kind.LOOKED_AFTER_CHILD, years=75, years_after_death=15).version == 2
    with pytest.raises(ValidationError):
        change(kind=Kind.ADOPTED_CHILD, years=99)
    assert change(kind=Kind.OTHER_CHILD, years=1).years == 1  # the council's own choice
    with pytest.raises(PermissionDenied):
        services.retention_rule_change(
            actor=staff["lead"], kind=Kind.OTHER_CHILD, years=30, note="x"
        )


def test_the_75th_birthday_is_the_first_day_the_record_may_go():
    rules = {
        Kind.LOOKED_AFTER_CHILD: retention.Years(75, 15),
        Kind.ADOPTED_CHILD: retention.Years(100),
        Kind.OTHER_CHILD: retention.Years(25),
    }
    born = dt.date(1950, 3, 10)
    facts = retention.ChildFacts(date_of_birth=born, looked_after=True)
    assert retention.due(facts, rules).on == dt.date(2025, 3, 10)
    assert not retention.is_past(facts, rules, dt.date(2025, 3, 9))
    assert retention.is_past(facts, rules, dt.date(2025, 3, 10))
    died = retention.ChildFacts(date_of_birth=born, looked_after=True, died_on=dt.date(1960, 1, 1))
    assert retention.due(died, rules).on == dt.date(1975, 1, 1)
    adopted = retention.ChildFacts(
        date_of_birth=born, looked_after=True, adopted_on=dt.date(1952, 1, 1)
    )
    assert retention.due(adopted, rules).on == dt.date(2052, 1, 1)  # the longest rule
    never = retention.ChildFacts(date_of_birth=born, looked_after=False)
    assert retention.due(never, rules).on == dt.date(1975, 3, 10)
    unknown = retention.ChildFacts(date_of_birth=None, looked_after=True)
    assert retention.due(unknown, rules).on is None


def test_holds_are_placed_and_lifted_by_who_may_for_children_they_see(staff, old):
    from django.http import Http404

    with pytest.raises(PermissionDenied):
        services.legal_hold_place(actor=staff["officer"], child=old, reason="Claim")
    hidden = ChildFactory(child_id="R-1", restricted=True)
    from tests.factories import UserFactory

    legal = UserFactory(username="lawyer", roles=["legal"])
    with pytest.raises(Http404):
        services.legal_hold_place(actor=legal, child=hidden, reason="Claim")
    with pytest.raises(ValidationError):
        services.legal_hold_place(actor=legal, child=old, reason="  ")
    hold = services.legal_hold_place(actor=legal, child=old, reason="Claim")
    services.legal_hold_lift(actor=legal, hold=hold, reason="Settled")
    with pytest.raises(Refused, match="already been lifted"):
        services.legal_hold_lift(actor=legal, hold=hold, reason="Again")
    assert LegalHold.objects.get().lifted_by == legal
    assert [e.verb for e in DomainEvent.objects.filter(child=old).order_by("pk")] == [
        "legal_hold_placed",
        "legal_hold_lifted",
    ]


def test_the_access_log_goes_by_age_except_entries_about_a_held_child(staff):
    young = ChildFactory(child_id="Y-1")
    held = ChildFactory(child_id="Y-2")
    services.legal_hold_place(actor=staff["lead"], child=held, reason="Complaint")
    long_ago = dt.datetime(2015, 1, 1, tzinfo=dt.UTC)
    for child in (young, held):
        access.record_access(user=staff["lead"], child=child, via="page", where="/x/")
    AccessEvent.objects.update(at=long_ago)
    access.record_access(user=staff["lead"], child=young, via="page", where="/recent/")
    with clock.frozen_at(TODAY):
        proposal = services.deletion_propose(actor=staff["officer"], kind=Kind.ACCESS_LOG)
        assert proposal.count == 1
        services.deletion_approve(actor=staff["other_officer"], proposal=proposal)
        services.deletion_carry_out(actor=staff["other_officer"], proposal=proposal)
    left = sorted(AccessEvent.objects.values_list("child__child_id", "where"))
    assert left == [("Y-1", "/recent/"), ("Y-2", "/x/")]
    proposal.refresh_from_db()
    assert proposal.result["deleted"] == {"core.accessevent": 1}
