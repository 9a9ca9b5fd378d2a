"""The page of emails not sent, as the administrator reads it: moments in the house's words."""

import datetime as dt

import pytest
from django.urls import reverse

from assure.core import clock
from assure.core.models import Email
from assure.people.tests.helpers import sign_in_with_second_factor
from tests.factories import UserFactory
from tests.html import normalised


@pytest.mark.django_db
def test_queued_and_given_up_emails_give_their_moments_in_words(client):
    with clock.frozen_at(dt.datetime(2026, 12, 7, 17, 10, tzinfo=dt.UTC)):
        now = clock.now()
        for status in (Email.Status.QUEUED, Email.Status.FAILED):
            Email.objects.create(
                to=["sam@council.example"],
                subject="Escalation",
                body="-",
                reason="escalation",
                created_at=now,
                status=status,
                next_attempt_at=now + dt.timedelta(minutes=5),
            )
        sign_in_with_second_factor(client=client, user=UserFactory(roles=["admin"]))
        page = normalised(client.get(reverse("core:email_deliveries")).content.decode())
    assert page.count("7 December 2026 at 5:10pm") == 2  # queued, of each email
    assert "7 December 2026 at 5:15pm" in page  # the queued one's next try
    assert "7 Dec 2026" not in page
