"""The tracker's writes: rule-set versions are never changed in place, only the assurance
lead makes them, and saved views belong to their owner."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assure.core.models import DomainEvent
from assure.tracker import services
from assure.tracker.models import RuleSet, SavedView
from tests.factories import UserFactory


@pytest.fixture
def lead(db):
    return UserFactory(username="lead", roles=["assurance_lead"])


def test_the_migrations_ship_version_1_then_the_statutory_version_2(db):
    first, second = RuleSet.objects.order_by("version")
    # Version 1 as it was shipped, kept as the record of what it said.
    assert (first.version, first.plo_overdue_days, first.plo_warning_days) == (1, 182, 140)
    assert (first.plan_amber_months, first.plan_red_months) == (4, 6)
    # Version 2: week 20 from day 133, the limit the statute's, the plan by the second review.
    assert (second.version, second.plo_warning_days, second.plo_overdue_days) == (2, 133, None)
    assert (second.plan_warning_weeks, second.plan_amber_months) == (4, None)
    assert (
        second.sgo_assessment_weeks,
        second.sgo_report_weeks,
        second.sgo_support_plan_weeks,
        second.sgo_final_hearing_week,
        second.stale_days,
    ) == (12, 4, 4, 25, 90)


def test_a_new_version_copies_the_rest_and_records_an_event(lead):
    third = services.rule_set_create(actor=lead, note="Sooner", stale_days=60)
    assert (third.version, third.stale_days, third.plo_warning_days) == (3, 60, 133)
    event = DomainEvent.objects.get(verb="tracker_rules_changed")
    assert event.data["before"]["stale_days"] == 90 and event.data["after"]["stale_days"] == 60
    assert RuleSet.objects.get(version=2).stale_days == 90


def test_a_version_is_never_changed_in_place(lead):
    first = RuleSet.objects.get(version=1)
    first.stale_days = 10
    with pytest.raises(ValidationError, match="never changed"):
        first.save()
    assert RuleSet.objects.get(version=1).stale_days == 90


def test_only_the_assurance_lead_changes_the_rules(db):
    auditor = UserFactory(username="aud", roles=["auditor"])
    with pytest.raises(PermissionDenied):
        services.rule_set_create(actor=auditor, stale_days=30)
    with pytest.raises(ValidationError, match="Unknown thresholds"):
        services.rule_set_create(
            actor=UserFactory(username="l2", roles=["assurance_lead"]), colour="red"
        )
    assert RuleSet.objects.count() == 2


def test_saved_views_are_per_user_and_replaced_by_name(lead):
    other = UserFactory(username="other", roles=["auditor"])
    services.saved_view_create(user=lead, name="Mine", query="rag=red")
    services.saved_view_create(user=lead, name="Mine", query="rag=amber")
    services.saved_view_create(user=other, name="Mine", query="plan=sgo")
    assert SavedView.objects.get(user=lead).query == "rag=amber"
    view = SavedView.objects.get(user=other)
    with pytest.raises(ValidationError):
        services.saved_view_delete(user=lead, view_id=view.pk)
    services.saved_view_delete(user=other, view_id=view.pk)
    assert not SavedView.objects.filter(user=other).exists()
    with pytest.raises(ValidationError):
        services.saved_view_create(user=lead, name="  ", query="")
