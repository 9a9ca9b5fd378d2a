"""The family page, its chronology and filters, the families list and the child page's link."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from assure.core.models import AccessEvent
from assure.families.models import FamilyMember

from .conftest import RECORD_EVENTS, SECRETS, SHARED_EVENTS, normalised

URL = "/families/F1/"


def _events(response) -> list[tuple[str, str]]:
    html = response.content.decode()
    return re.findall(r'data-kind="([a-z_]+)" data-key="([^"]+)"', html)


def _dates(response) -> list[str]:
    chronology = response.content.decode().split('data-testid="chronology"')[1]
    return re.findall(r'<time datetime="([0-9-]+)"', chronology)


def test_restricted_sibling_does_not_leak_to_the_auditor(client, auditor, family):
    client.force_login(auditor)
    response = client.get(URL)
    assert response.status_code == 200
    html = normalised(response.content.decode())
    assert "Alex Smith" in html and "Bea Smith" in html
    for secret in SECRETS:
        assert secret not in html, secret
    assert len(_events(response)) == 2 * RECORD_EVENTS + SHARED_EVENTS
    assert f"{2 * RECORD_EVENTS + SHARED_EVENTS} events" in html


def test_the_assurance_lead_sees_the_restricted_sibling(client, lead, family):
    client.force_login(lead)
    response = client.get(URL)
    html = response.content.decode()
    assert "Rowan Hidden" in html and "Secret Guardian" in html
    assert len(_events(response)) == 3 * RECORD_EVENTS + SHARED_EVENTS


def test_page_is_the_same_as_if_the_sibling_were_not_in_the_family(client, auditor, family):
    client.force_login(auditor)
    with_sibling = normalised(client.get(URL).content.decode())
    FamilyMember.objects.filter(child__child_id="R1").delete()
    without_sibling = normalised(client.get(URL).content.decode())
    assert with_sibling == without_sibling


def test_chronology_holds_every_event_in_date_order(client, lead, family):
    client.force_login(lead)
    response = client.get(URL)
    dates = _dates(response)
    assert dates == sorted(dates)
    kinds = [kind for kind, _ in _events(response)]
    for kind, count in {
        "entered_care": 3,
        "legal_status": 6,
        "placement": 3,
        "left_care": 3,
        "review": 3,
        "plan": 3,
        "assessment": 6,
        "support_plan": 3,
        "proceedings": 2,
        "hearing": 2,
    }.items():
        assert kinds.count(kind) == count, kind


def test_shared_proceedings_appear_once_naming_the_visible_children(client, auditor, family):
    client.force_login(auditor)
    html = client.get(URL + "?kind=proceedings").content.decode()
    issued = html.split("Proceedings issued: Care order")
    assert len(issued) == 2
    byline = issued[1].split('moj-timeline__byline">')[1].split("</p>")[0]
    assert byline == "Alex Smith (A1), Bea Smith (A2)"


def test_filters(client, auditor, family):
    client.force_login(auditor)
    only_a1 = client.get(URL + "?child=A1")
    assert len(_events(only_a1)) == RECORD_EVENTS + SHARED_EVENTS
    hearings = client.get(URL + "?kind=hearing&kind=review")
    assert sorted({k for k, _ in _events(hearings)}) == ["hearing", "review"]
    assert len(_events(hearings)) == 2 + 2
    dated = client.get(URL + "?date_from=2021-01-01&date_to=2021-03-01")
    assert _dates(dated) and all("2021-01-01" <= d <= "2021-03-01" for d in _dates(dated))
    # A1's move left care on 2021-02-01 and A2 entered care 2021-01-10, reviewed 2021-02-05,
    # changed legal status 2021-03-01.
    assert sorted(k for k, _ in _events(dated)) == sorted(
        ["left_care", "entered_care", "review", "legal_status"]
    )


@pytest.mark.parametrize(
    "query",
    [
        "child=R1",
        "child=NOPE",
        "kind=bogus",
        "date_from=2024-13-45",
        "date_from=not-a-date&date_to=2020-02-30",
        "date_from=2022-01-01&date_to=2020-01-01",
        "child=" + "x" * 5000,
        "page=abc&kind=",
    ],
)
def test_bad_filter_values_are_ignored_not_500(client, auditor, family, query):
    client.force_login(auditor)
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    html = normalised(response.content.decode())
    for secret in SECRETS:
        assert secret not in html, secret


def test_an_invisible_child_filter_answers_as_for_one_that_does_not_exist(client, auditor, family):
    client.force_login(auditor)
    hidden = normalised(client.get(URL + "?child=R1").content.decode())
    assert "R1" not in hidden
    missing = client.get(URL + "?child=ZZ").content.decode()
    assert normalised(hidden) == normalised(missing)


def test_family_with_no_visible_child_is_404(client, auditor, lead, family):
    FamilyMember.objects.exclude(child__child_id="R1").delete()
    client.force_login(auditor)
    assert client.get(URL).status_code == 404
    assert client.get("/families/NOSUCH/").status_code == 404
    client.force_login(lead)
    assert client.get(URL).status_code == 200


def test_reading_the_page_logs_each_visible_child(client, auditor, family):
    client.force_login(auditor)
    client.get(URL)
    logged = AccessEvent.objects.filter(user=auditor, via="page", where=URL)
    assert sorted(logged.values_list("child__child_id", flat=True)) == ["A1", "A2"]
    assert logged.first().detail == {"family_id": "F1"}


def test_families_list_shows_only_visible_children(client, auditor, lead, family):
    from assure.families.models import Family

    only_hidden = Family.objects.create(
        family_id="F2", name="Hidden family", created_at=family.created_at
    )
    FamilyMember.objects.create(
        family=only_hidden,
        child=family.members.get(child__child_id="R1").child,
        linked_at=family.created_at,
    )
    client.force_login(auditor)
    html = normalised(client.get("/families/").content.decode())
    assert "Alex Smith (A1)" in html and "Bea Smith (A2)" in html
    assert "F2" not in normalised(html) and "Hidden" not in html and "Rowan" not in html
    assert "1 family" in html
    client.force_login(lead)
    html = client.get("/families/?q=F2").content.decode()
    assert "Hidden family" in html and "1 family" in html


def test_child_page_links_to_the_family(client, auditor, family):
    client.force_login(auditor)
    html = client.get(reverse("children:detail", args=["A1"])).content.decode()
    assert 'href="/families/F1/"' in html
    assert "The Smiths (F1)" in html


def test_navigation_has_families_for_those_who_see_children(client, auditor, db):
    from tests.factories import UserFactory

    client.force_login(auditor)
    assert 'href="/families/"' in client.get("/").content.decode()
    panel_member = UserFactory(username="panel", roles=["panel_member"])
    client.force_login(panel_member)
    assert client.get("/families/").status_code == 403


def test_create_link_and_unlink_through_the_pages(client, auditor, family):
    client.force_login(auditor)
    response = client.post(
        "/families/new/", {"family_id": "F9", "name": "", "child": "A1", "relationship": "child"}
    )
    assert response.status_code == 302 and response.url == "/families/F9/"
    # A restricted child gets the same answer as one that does not exist.
    for child_id in ("R1", "NOPE"):
        response = client.post(
            "/families/F9/children/", {"action": "link", "child": child_id, "relationship": "child"}
        )
        assert response.status_code == 200
        assert "There is no child with that ID" in response.content.decode()
    response = client.post(
        "/families/F9/children/", {"action": "link", "child": "A2", "relationship": "sibling"}
    )
    assert response.status_code == 302
    assert set(
        FamilyMember.objects.filter(family__family_id="F9").values_list(
            "child__child_id", flat=True
        )
    ) == {"A1", "A2"}
    client.post("/families/F9/children/", {"action": "unlink", "child": "A2"})
    response = client.post("/families/F9/children/", {"action": "unlink", "child": "A1"})
    assert response.url == "/families/"
    assert not FamilyMember.objects.filter(family__family_id="F9").exists()


def test_unlinking_an_invisible_child_does_nothing(client, auditor, family):
    client.force_login(auditor)
    client.post("/families/F1/children/", {"action": "unlink", "child": "R1"})
    assert FamilyMember.objects.filter(child__child_id="R1").exists()


def test_print_stylesheet_is_linked(client, auditor, family):
    client.force_login(auditor)
    html = client.get(URL).content.decode()
    assert 'media="print"' in html and "families/print.css" in html


def test_dates_of_events_are_iso(family):
    assert dt.date(2020, 1, 10).isoformat() == "2020-01-10"
