"""A NUL character anywhere in a request is refused with 400 before any view or API route,
on every route there is: in the path, the query string, a form and a JSON body (PostgreSQL
cannot store it; no route may answer 500 to it)."""

import pytest
from django.test import Client

from tests.api import bearer
from tests.factories import ChildFactory, EpisodeFactory, TeamFactory, UserFactory

from .test_security import ALL_URLS

# The routes a NUL broke before (issue 15), kept by name.
KNOWN = [
    "/api/v1/children?search=%00",
    "/api/v1/children/%00",
    "/api/v1/families/%00",
    "/api/v1/audits?child_id=%00",
    "/api/v1/tracker?team=%00",
    "/children/%00/",
    "/families/?q=%00",
    "/decisions/new/%00/",
]


@pytest.fixture
def lead(db):
    team = TeamFactory(name="North")
    EpisodeFactory(child=ChildFactory(child_id="N1", team=team))
    return UserFactory(username="lead", roles=["assurance_lead", "team_manager"], teams=[team])


def test_the_routes_that_broke_answer_400(client, lead):
    client.force_login(lead)
    headers = bearer(lead)
    for url in KNOWN:
        response = client.get(url, **headers) if url.startswith("/api/") else client.get(url)
        assert response.status_code == 400, (url, response.status_code)
        if url.startswith("/api/"):
            assert "cannot be stored" in response.json()["detail"]
        else:
            assert b"cannot be stored" in response.content


def test_a_nul_in_json_or_a_form_is_refused_before_the_route(client, lead):
    response = client.post(
        "/api/v1/panel-meetings",
        {"panel": "a\u0000", "date": "2026-06-01"},
        content_type="application/json",
        **bearer(lead, write=True),
    )
    assert response.status_code == 400
    client.force_login(lead)
    form = client.post("/families/new/", {"name": "The \x00 family", "family_id": "F1"})
    assert form.status_code == 400


@pytest.mark.parametrize(("name", "url"), ALL_URLS, ids=[name for name, _ in ALL_URLS])
def test_every_route_answers_400_to_a_nul(lead, name, url):
    staff = Client()
    staff.force_login(lead)
    headers = bearer(lead, write=True)
    nul_path = url.rstrip("/") + "%00" + ("/" if url.endswith("/") else "")
    for target in (url + ("&" if "?" in url else "?") + "q=%00", nul_path):
        for method in ("get", "post"):
            response = getattr(staff, method)(target, **headers)
            assert response.status_code == 400, (name, method, target, response.status_code)
