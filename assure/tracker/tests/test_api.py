"""`GET /api/v1/tracker`: the contract, filters, errors and the access policy."""

import datetime as dt

import pytest

from assure.core import clock
from assure.people.services import api_token_create
from tests.factories import TeamFactory, UserFactory

from .helpers import child_in_care, plan_for, previous_permanence_for, proceedings_for

D = dt.date


def bearer_for(user) -> dict[str, str]:
    _, raw = api_token_create(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def data(db):
    north, south = TeamFactory(name="North"), TeamFactory(name="South")
    a = child_in_care(child_id="A1", start=D(2026, 1, 5), team=north)
    plan_for(a, plan="sgo", agreed=D(2026, 2, 1))
    proceedings_for(a, issued=D(2026, 1, 5), final=D(2026, 9, 1))
    b = child_in_care(
        child_id="B2", start=D(2025, 1, 1), end=D(2026, 3, 1), reason="E45", team=south
    )
    previous_permanence_for(b, code="P2")
    return {"north": north, "south": south}


def test_item_contract(client, data):
    lead = UserFactory(username="lead", roles=["assurance_lead"])
    body = client.get("/api/v1/tracker?as_of=2026-06-01", **bearer_for(lead)).json()
    assert body["count"] == 2
    items = {item["child_id"]: item for item in body["items"]}
    a = items["A1"]
    assert {
        k: a[k]
        for k in (
            "child_id",
            "looked_after",
            "period_start",
            "ceased_date",
            "reason_ceased",
            "legal_status",
            "placement_type",
            "permanence_plan",
            "proceedings_week",
            "next_hearing_date",
            "rag",
        )
    } == {
        "child_id": "A1",
        "looked_after": True,
        "period_start": "2026-01-05",
        "ceased_date": None,
        "reason_ceased": None,
        "legal_status": "C2",
        "placement_type": "U4",
        "permanence_plan": "sgo",
        "proceedings_week": 22,
        "next_hearing_date": "2026-09-01",
        "rag": "red",
    }
    assert {f["code"] for f in a["flags"]} == {"plo_week_20", "review_overdue", "stale_record"}
    assert all(set(f) == {"code", "message"} and f["message"] for f in a["flags"])
    b = items["B2"]
    assert (b["looked_after"], b["ceased_date"], b["reason_ceased"], b["permanence_plan"]) == (
        False,
        "2026-03-01",
        "E45",
        None,
    )
    assert b["flags"] == [
        {
            "code": "sgo_breakdown",
            "message": (
                "Entered care on 1 Jan 2025 after a special guardianship order broke down "
                "(previous permanence P2)."
            ),
        }
    ]


def test_as_of_defaults_to_today_by_the_clock(client, data):
    headers = bearer_for(UserFactory(username="lead", roles=["assurance_lead"]))
    with clock.frozen_at(D(2026, 1, 4)):
        assert client.get("/api/v1/tracker", **headers).json()["count"] == 1
    with clock.frozen_at(D(2027, 3, 1)):
        assert [
            i["child_id"] for i in client.get("/api/v1/tracker", **headers).json()["items"]
        ] == ["A1"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("rag=red", ["A1", "B2"]),
        ("team=North", ["A1"]),
        ("looked_after=false", ["B2"]),
        ("plan=sgo", ["A1"]),
        ("plan=none", ["B2"]),
        ("flag=sgo_breakdown", ["B2"]),
        ("page_size=1&page=2", ["B2"]),
    ],
)
def test_filters(client, data, query, expected):
    headers = bearer_for(UserFactory(username="lead", roles=["assurance_lead"]))
    body = client.get(f"/api/v1/tracker?as_of=2026-06-01&{query}", **headers).json()
    assert [i["child_id"] for i in body["items"]] == expected


@pytest.mark.parametrize(
    "query",
    [
        "as_of=2026-02-30",
        "as_of=yesterday",
        "as_of=20260101",
        "rag=purple",
        "page_size=501",
        "flag=nonsense",
        "page=0",
    ],
)
def test_bad_input_is_a_422(client, data, query):
    headers = bearer_for(UserFactory(username="lead", roles=["assurance_lead"]))
    response = client.get(f"/api/v1/tracker?{query}", **headers)
    assert response.status_code == 422
    assert response.json()["detail"] == "The request is not valid."


def test_access_policy(client, data):
    practitioner = UserFactory(username="pat", roles=["practitioner"], teams=[data["south"]])
    body = client.get("/api/v1/tracker?as_of=2026-06-01", **bearer_for(practitioner)).json()
    assert [i["child_id"] for i in body["items"]] == ["B2"]
    other = UserFactory(username="sam", roles=["practitioner"], teams=[TeamFactory(name="East")])
    assert client.get("/api/v1/tracker?as_of=2026-06-01", **bearer_for(other)).json() == {
        "count": 0,
        "items": [],
    }
    admin = UserFactory(username="admin", roles=["admin"])
    assert client.get("/api/v1/tracker", **bearer_for(admin)).status_code == 403
    assert client.get("/api/v1/tracker").status_code == 401
