"""Ending a panel membership from the panel's page: the assurance lead picks the last day;
it is recorded with an event; a date before the start is refused; others may not."""

import datetime as dt

from django.urls import reverse

from assure.core import clock
from assure.core.models import DomainEvent
from assure.panels.models import PanelMember
from tests.factories import UserFactory

DAY = dt.date(2026, 3, 10)


def test_end_a_membership_through_the_pages(panel, lead, seats, client):
    member = PanelMember.objects.get(panel=panel, user=seats["member1"])
    end_url = reverse("panels:member_end", args=[member.pk])
    client.force_login(lead)
    with clock.frozen_at(DAY):
        detail = client.get(reverse("panels:detail", args=["permanence-panel"]))
        assert end_url.encode() in detail.content
        page = client.get(end_url)
        assert page.status_code == 200
        assert b"End the membership" in page.content and b"2026" in page.content

        refused = client.post(end_url, {"to_date": "2024-12-31"})
        assert refused.status_code == 200
        assert b"cannot end before it starts" in refused.content
        member.refresh_from_db()
        assert member.to_date is None

        done = client.post(end_url, {"to_date": "2026-03-01"})
        assert done.status_code == 302 and done.url == reverse(
            "panels:detail", args=["permanence-panel"]
        )
        member.refresh_from_db()
        assert member.to_date == dt.date(2026, 3, 1)
        assert not member.active_on(DAY) and member.active_on(dt.date(2026, 3, 1))
        event = DomainEvent.objects.get(verb="panel_member_ended")
        assert event.actor == lead and event.data["to"] == "2026-03-01"
        # Once ended in the past, the page no longer offers to end it.
        again = client.get(reverse("panels:detail", args=["permanence-panel"]))
        assert end_url.encode() not in again.content


def test_only_managers_end_memberships(panel, seats, client):
    member = PanelMember.objects.get(panel=panel, user=seats["member1"])
    end_url = reverse("panels:member_end", args=[member.pk])
    client.force_login(seats["chair"])
    assert client.get(end_url).status_code == 403
    assert client.post(end_url, {"to_date": "2026-03-01"}).status_code == 403
    detail = client.get(reverse("panels:detail", args=["permanence-panel"]))
    assert end_url.encode() not in detail.content
    member.refresh_from_db()
    assert member.to_date is None
    client.force_login(UserFactory(username="nobody", roles=[]))
    assert client.get(end_url).status_code == 403
