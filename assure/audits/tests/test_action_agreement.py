"""In a collaborative audit the practitioner, their manager and the auditor agree actions."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.html import escape

from assure.audits import services
from assure.audits.models import ActionAgreement
from assure.core import clock
from assure.core.models import DomainEvent


@pytest.fixture
def collaborative(people, child):
    audit = services.audit_create(
        child=child,
        template_slug="sgo-before-court",
        mode="collaborative",
        auditor=people.auditor,
        actor=people.lead,
    )
    services.participants_invite(
        audit=audit, practitioner=people.practitioner, manager=people.manager, actor=people.auditor
    )
    services.audit_transition(audit=audit, to="in_progress", actor=people.auditor)
    audit.refresh_from_db()
    action = services.action_add(
        audit=audit,
        description="Update the contact plan",
        owner=people.practitioner,
        due_date=clock.today() + dt.timedelta(days=30),
        priority="high",
        actor=people.auditor,
    )
    return audit, action


def test_participants_and_auditor_agree_each_once(people, collaborative):
    _, action = collaborative
    for person in (people.practitioner, people.manager, people.auditor):
        services.action_agree(action=action, actor=person)
    assert set(
        ActionAgreement.objects.filter(action=action).values_list("user__username", flat=True)
    ) == {"sw", "tm", "aud"}
    assert DomainEvent.objects.filter(verb="audit.action_agreed").count() == 3
    with pytest.raises(services.Conflict):
        services.action_agree(action=action, actor=people.practitioner)


def test_others_may_not_agree(people, collaborative):
    _, action = collaborative
    for person in (people.other_auditor, people.south_manager, people.director):
        with pytest.raises(services.Forbidden):
            services.action_agree(action=action, actor=person)
    assert not ActionAgreement.objects.exists()


def test_paper_audits_have_no_agreement(people, audit):
    services.audit_transition(audit=audit, to="in_progress", actor=people.auditor)
    audit.refresh_from_db()
    action = services.action_add(
        audit=audit,
        description="Chase the support plan",
        owner=people.practitioner,
        due_date=clock.today() + dt.timedelta(days=7),
        priority="medium",
        actor=people.auditor,
    )
    with pytest.raises(services.Conflict):
        services.action_agree(action=action, actor=people.auditor)


def test_agreeing_on_the_audit_page(client, people, collaborative):
    audit, action = collaborative
    client.force_login(people.practitioner)
    page = client.get(reverse("audits:detail", args=[audit.pk])).content.decode()
    assert reverse("audits:agree_action", args=[action.pk]) in page
    response = client.post(reverse("audits:agree_action", args=[action.pk]))
    assert response.status_code == 302
    page = client.get(reverse("audits:detail", args=[audit.pk])).content.decode()
    assert "Agreed by" in page and escape(people.practitioner.display_name) in page
    assert reverse("audits:agree_action", args=[action.pk]) not in page
    client.force_login(people.south_manager)
    assert client.post(reverse("audits:agree_action", args=[action.pk])).status_code == 404
