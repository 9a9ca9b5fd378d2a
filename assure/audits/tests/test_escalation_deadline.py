"""An escalation's deadline reads the same on the home page's banner, the work list and the
escalations page: the house's GOV.UK style ("16 June 2025 at 11am")."""

import datetime as dt

from django.urls import reverse

from assure.audits import services
from assure.core import clock

DEADLINE = "16 June 2025 at 11am"  # the next working day, 10:00 UTC, in London's time


def test_the_deadline_is_written_one_way_wherever_it_is_shown(client, people, audit):
    with clock.frozen_at(dt.datetime(2025, 6, 13, 10, tzinfo=dt.UTC)):
        services.escalation_raise(audit=audit, concern="Unsafe.", actor=people.auditor)
        client.force_login(people.lead)
        banner = client.get(reverse("core:home")).content.decode()
        page = client.get(reverse("audits:escalations")).content.decode()
        client.force_login(people.manager)
        work_list = client.get(reverse("core:home")).content.decode()
    assert f"acknowledge by {DEADLINE}" in banner.split('data-testid="home-escalations"')[1]
    assert f'<dd class="govuk-summary-list__value">{DEADLINE}</dd>' in page
    assert f"Acknowledge by {DEADLINE}, saying what was done." in work_list
