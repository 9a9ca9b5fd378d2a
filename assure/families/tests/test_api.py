"""GET /api/v1/families/{family_id}: the contract, and the access policy."""

from assure.core.models import AccessEvent
from assure.families.models import FamilyMember

from .conftest import RECORD_EVENTS, SECRETS, SHARED_EVENTS, bearer_for

URL = "/api/v1/families/F1"


def test_shape_for_the_auditor_leaves_out_the_restricted_sibling(client, auditor, family):
    response = client.get(URL, **bearer_for(auditor))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"family_id", "children", "carers", "chronology"}
    assert body["family_id"] == "F1"
    assert body["children"] == ["A1", "A2"]
    assert len(body["chronology"]) == 2 * RECORD_EVENTS + SHARED_EVENTS
    first = body["chronology"][0]
    assert first == {
        "date": "2020-01-10",
        "child_id": "A1",
        "child_ids": ["A1"],
        "kind": "entered_care",
        "summary": "Started to be looked after",
    }
    dates = [e["date"] for e in body["chronology"]]
    assert dates == sorted(dates)
    for secret in SECRETS:
        assert secret not in response.content.decode(), secret
    shared = [e for e in body["chronology"] if e["kind"] == "hearing"]
    assert [e["child_ids"] for e in shared] == [["A1", "A2"], ["A1", "A2"]]


def test_the_lead_sees_every_child(client, lead, family):
    body = client.get(URL, **bearer_for(lead)).json()
    assert body["children"] == ["A1", "A2", "R1"]
    assert len(body["chronology"]) == 3 * RECORD_EVENTS + SHARED_EVENTS
    assert {tuple(e["child_ids"]) for e in body["chronology"] if e["kind"] == "hearing"} == {
        ("A1", "A2", "R1")
    }


def test_filters(client, auditor, family):
    bearer = bearer_for(auditor)
    body = client.get(URL + "?child=A2&kind=plan&kind=hearing", **bearer).json()
    assert [(e["kind"], e["child_ids"]) for e in body["chronology"]] == [
        ("hearing", ["A1", "A2"]),
        ("hearing", ["A1", "A2"]),
        ("plan", ["A2"]),
    ]
    body = client.get(URL + "?date_from=2021-06-01&date_to=2021-06-01", **bearer).json()
    assert {e["kind"] for e in body["chronology"]} == {"legal_status", "placement"}
    # A child the caller may not see matches nothing, as for one that does not exist.
    assert client.get(URL + "?child=R1", **bearer).json()["chronology"] == []


def test_bad_values_are_422_not_500(client, auditor, family):
    bearer = bearer_for(auditor)
    for query in ("date_from=2024-13-45", "date_to=yesterday", "child=" + "x" * 500):
        response = client.get(f"{URL}?{query}", **bearer)
        assert response.status_code == 422, query


def test_404_when_nothing_is_visible(client, auditor, lead, family):
    FamilyMember.objects.exclude(child__child_id="R1").delete()
    response = client.get(URL, **bearer_for(auditor))
    assert response.status_code == 404
    assert response.json() == client.get("/api/v1/families/NOSUCH", **bearer_for(auditor)).json()
    assert client.get(URL, **bearer_for(lead)).status_code == 200


def test_logs_each_visible_child_and_needs_a_token(client, auditor, family):
    client.get(URL, **bearer_for(auditor))
    logged = AccessEvent.objects.filter(user=auditor, via="api")
    assert sorted(logged.values_list("child__child_id", flat=True)) == ["A1", "A2"]
    assert client.get(URL).status_code == 401
