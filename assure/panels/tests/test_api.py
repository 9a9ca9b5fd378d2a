"""Panel API routes: members, meetings and their quorum, items, outcomes; query counts."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from assure.core import clock
from assure.panels import services
from assure.people.roles import Role
from tests.api import bearer as api_bearer
from tests.factories import UserFactory

MEETING_QUERIES = 7


def _bearer(user):
    return api_bearer(user)


def test_meeting_quorum_edges_through_the_api(panel, lead, seats, client):
    headers = _bearer(lead)

    def hold(*names):
        return client.post(
            "/api/v1/panel-meetings",
            {"panel": "permanence-panel", "date": "2026-03-10", "attendees": list(names)},
            content_type="application/json",
            **headers,
        )

    assert hold("chair", "adviser").json()["quorate"] is False
    assert hold("chair", "adviser", "indie").json()["quorate"] is True
    assert hold("adviser", "member1", "member2").json()["missing"] == ["the chair"]
    assert hold("nobody").status_code == 422
    practitioner = UserFactory(username="sw", roles=[Role.PRACTITIONER])
    response = client.post(
        "/api/v1/panel-meetings",
        {"panel": "permanence-panel", "date": "2026-03-10", "attendees": []},
        content_type="application/json",
        **_bearer(practitioner),
    )
    assert response.status_code == 403


def test_meeting_route_query_count_does_not_grow(panel, lead, seats, client):
    meeting = services.meeting_create(
        panel=panel, date=dt.date(2026, 3, 10), attendees=[seats["chair"]], actor=lead
    )
    headers = _bearer(lead)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/api/v1/panel-meetings/{meeting.pk}", **headers)
        assert response.status_code == 200
        return len(ctx)

    small = count()
    for n in range(10):
        user = UserFactory(username=f"extra{n}", roles=[Role.PANEL_MEMBER])
        with clock.frozen_at(dt.date(2025, 1, 1)):
            services.panel_member_add(
                panel=panel,
                user=user,
                panel_role="member",
                actor=lead,
                from_date=dt.date(2025, 1, 1),
            )
        meeting.attendees.add(user)
    assert small == count() == MEETING_QUERIES
