"""The access report: who looked at this child, and what did this user look at."""

import datetime as dt

import pytest
from django.urls import reverse

from assure.core import clock
from assure.core.models import AccessEvent
from tests.factories import ChildFactory, TeamFactory, UserFactory


@pytest.fixture
def setting(db):
    team = TeamFactory(name="North")
    lead = UserFactory(username="lead", roles=["assurance_lead"])
    pat = UserFactory(username="pat", roles=["practitioner"], teams=[team])
    kim = UserFactory(username="kim", roles=["auditor"])
    first = ChildFactory(child_id="F1", team=team)
    second = ChildFactory(child_id="S2", team=team)
    return {"lead": lead, "pat": pat, "kim": kim, "first": first, "second": second}


def _view(client, user, child_id: str, on: dt.date) -> None:
    client.force_login(user)
    with clock.frozen_at(on):
        assert client.get(reverse("children:detail", args=[child_id])).status_code == 200


def _rows(client, lead, **query) -> list[tuple[str, str]]:
    client.force_login(lead)
    response = client.get(reverse("core:access_report"), query)
    assert response.status_code == 200
    return [(e.user.username, e.child.child_id) for e in response.context["page"].object_list]


def test_report_filters_by_child_user_and_date(client, setting):
    _view(client, setting["pat"], "F1", dt.date(2026, 1, 10))
    _view(client, setting["kim"], "F1", dt.date(2026, 2, 10))
    _view(client, setting["pat"], "S2", dt.date(2026, 3, 10))
    lead = setting["lead"]
    assert _rows(client, lead, child="F1") == [("kim", "F1"), ("pat", "F1")]
    assert _rows(client, lead, user="pat") == [("pat", "S2"), ("pat", "F1")]
    assert _rows(client, lead, date_from="2026-02-01", date_to="2026-02-28") == [("kim", "F1")]
    assert _rows(client, lead, user="PAT", date_from="2026-03-01") == [("pat", "S2")]


def test_event_records_who_what_where_and_when(client, setting):
    _view(client, setting["pat"], "F1", dt.date(2026, 1, 10))
    event = AccessEvent.objects.get()
    assert (event.user, event.child, event.via, event.where) == (
        setting["pat"],
        setting["first"],
        "page",
        "/children/F1/",
    )
    assert event.at.date() == dt.date(2026, 1, 10)


def test_bad_dates_are_reported_not_crashed_on(client, setting):
    client.force_login(setting["lead"])
    response = client.get(reverse("core:access_report"), {"date_from": "2026-13-45"})
    assert response.status_code == 200
    assert b"From must be a real date" in response.content
    response = client.get(
        reverse("core:access_report"), {"date_from": "2026-03-01", "date_to": "2026-01-01"}
    )
    assert b"The end date must be the same as or after the start date" in response.content


@pytest.mark.parametrize("role", ["auditor", "practitioner", "director", "admin"])
def test_only_the_assurance_lead_may_read_the_report(client, setting, role):
    client.force_login(UserFactory(username=f"x_{role}", roles=[role]))
    response = client.get(reverse("core:access_report"))
    # An admin is first asked for their second factor; nobody but the lead reaches the report.
    assert response.status_code in {403, 302}
    if response.status_code == 302:
        assert "authenticator" in response["Location"]
