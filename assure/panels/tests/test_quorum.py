"""The quorum check at its edges, and outcomes refused when it fails."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assure.core import clock
from assure.core.models import DomainEvent
from assure.panels import services
from assure.panels.models import Outcome, Panel, TermsOfReference
from assure.people.roles import Role
from tests.factories import ChildFactory, UserFactory

DAY = dt.date(2026, 3, 10)


def _meeting(panel, lead, *people):
    return services.meeting_create(panel=panel, date=DAY, attendees=list(people), actor=lead)


def test_default_panels_exist_with_terms(db):
    slugs = set(Panel.objects.values_list("slug", flat=True))
    assert slugs == {
        "legal-gateway",
        "legal-planning-meeting",
        "permanence-panel",
        "sgo-discharge-panel",
    }
    for panel in Panel.objects.all():
        terms = panel.terms.get()
        assert terms.version == 1
        assert terms.quorum_requires_chair and terms.quorum_requires_legal_adviser
        assert terms.quorum_other_members == 1


@pytest.mark.parametrize(
    ("present", "quorate", "missing"),
    [
        (["chair", "adviser", "member1"], True, []),
        (["chair", "adviser", "indie"], True, []),
        (["chair", "adviser", "member1", "member2", "indie"], True, []),
        (["chair", "adviser"], False, ["1 more member"]),
        (["adviser", "member1", "member2"], False, ["the chair"]),
        (["chair", "member1", "member2"], False, ["a legal adviser"]),
        ([], False, ["the chair", "a legal adviser", "1 more member"]),
    ],
)
def test_quorum_edges(panel, lead, seats, present, quorate, missing):
    meeting = _meeting(panel, lead, *[seats[p] for p in present])
    quorum = services.meeting_quorum(meeting)
    assert quorum.quorate is quorate
    assert quorum.missing == missing


def test_a_non_member_or_former_member_does_not_count(panel, lead, seats):
    visitor = UserFactory(username="visitor", roles=[Role.DIRECTOR])
    meeting = _meeting(panel, lead, seats["chair"], seats["adviser"], visitor)
    assert not services.meeting_quorum(meeting).quorate
    member = seats["member1"].panel_memberships.get()
    services.panel_member_end(member=member, to_date=DAY - dt.timedelta(days=1), actor=lead)
    meeting = _meeting(panel, lead, seats["chair"], seats["adviser"], seats["member1"])
    assert not services.meeting_quorum(meeting).quorate
    services.panel_member_end(member=member, to_date=DAY, actor=lead)
    assert services.meeting_quorum(meeting).quorate


def test_one_person_holding_two_seats_counts_once(panel, lead, seats):
    with clock.frozen_at(dt.date(2025, 1, 1)):
        services.panel_member_add(
            panel=panel,
            user=seats["chair"],
            panel_role="legal_adviser",
            actor=lead,
            from_date=dt.date(2025, 1, 1),
        )
    meeting = _meeting(panel, lead, seats["chair"], seats["member1"])
    assert services.meeting_quorum(meeting).missing == ["a legal adviser"]


def test_outcome_refused_when_not_quorate_and_recorded_when_quorate(panel, lead, seats):
    child = ChildFactory()
    meeting = _meeting(panel, lead, seats["chair"], seats["adviser"])
    item = services.agenda_item_add(meeting=meeting, child=child, actor=lead, question="SGO?")
    with pytest.raises(services.NotQuorate):
        services.outcome_record(item=item, recommendation="support", actor=seats["chair"])
    assert not Outcome.objects.exists()
    services.meeting_set_attendance(
        meeting=meeting,
        attendees=[seats["chair"], seats["adviser"], seats["member2"]],
        actor=lead,
    )
    outcome = services.outcome_record(
        item=item,
        recommendation="support",
        actor=seats["chair"],
        conditions="Support plan first",
        actions=[{"action": "Write the support plan", "owner": "member2"}],
    )
    assert outcome.is_current
    event = DomainEvent.objects.get(verb="panel_outcome_recorded")
    assert event.child == child and event.actor == seats["chair"]
    assert event.data["recommendation"] == "support"
    assert event.summary.endswith("Support. Conditions: Support plan first")
    with pytest.raises(ValidationError):
        services.meeting_set_attendance(meeting=meeting, attendees=[], actor=lead)


def test_only_the_chair_records_outcomes(panel, lead, seats):
    meeting = _meeting(panel, lead, seats["chair"], seats["adviser"], seats["member1"])
    item = services.agenda_item_add(meeting=meeting, child=ChildFactory(), actor=lead, question="?")
    for who in (seats["adviser"], seats["member1"], lead):
        with pytest.raises(PermissionDenied):
            services.outcome_record(item=item, recommendation="defer", actor=who)


def test_a_new_outcome_supersedes(panel, lead, seats):
    meeting = _meeting(panel, lead, seats["chair"], seats["adviser"], seats["member1"])
    item = services.agenda_item_add(meeting=meeting, child=ChildFactory(), actor=lead, question="?")
    first = services.outcome_record(item=item, recommendation="defer", actor=seats["chair"])
    second = services.outcome_record(item=item, recommendation="support", actor=seats["chair"])
    first.refresh_from_db()
    assert not first.is_current and second.supersedes == first


def test_actions_need_owners(panel, lead, seats):
    meeting = _meeting(panel, lead, seats["chair"], seats["adviser"], seats["member1"])
    item = services.agenda_item_add(meeting=meeting, child=ChildFactory(), actor=lead, question="?")
    with pytest.raises(ValidationError):
        services.outcome_record(
            item=item,
            recommendation="support",
            actor=seats["chair"],
            actions=[{"action": "Do it", "owner": ""}],
        )


def test_used_terms_never_change(panel, lead, seats):
    meeting = _meeting(panel, lead, seats["chair"])
    used = meeting.terms
    used.purpose = "Something else"
    with pytest.raises(ValidationError):
        used.save()
    revised = services.terms_revise(panel=panel, actor=lead, purpose="New", quorum_other_members=2)
    assert revised.version == 2
    assert TermsOfReference.objects.get(pk=used.pk).purpose != "Something else"
    later = _meeting(panel, lead, seats["chair"], seats["adviser"], seats["member1"])
    assert later.terms == revised
    assert services.meeting_quorum(later).missing == ["1 more member"]
    meeting.refresh_from_db()
    assert meeting.terms == used


def test_only_managers_add_members(panel, seats):
    with pytest.raises(PermissionDenied):
        services.panel_member_add(
            panel=panel, user=seats["member1"], panel_role="chair", actor=seats["chair"]
        )
