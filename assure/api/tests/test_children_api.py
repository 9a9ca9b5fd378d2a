"""The children API's contract (issue 2 item 9)."""

import datetime as dt

import pytest

from assure.children.models import Episode
from assure.core.models import AccessEvent
from assure.people.services import api_token_create
from tests.factories import (
    ChildFactory,
    EpisodeFactory,
    SocialCareEventFactory,
    TeamFactory,
    UserFactory,
)

# GET /api/v1/children/{id}: the token, the child through the access policy and the read's
# log, the care record, and the social care events in one query whatever their number.
QUERIES = 13


@pytest.fixture
def lead(db):
    return UserFactory(username="lead", roles=["assurance_lead"])


@pytest.fixture
def bearer(lead):
    _, raw = api_token_create(user=lead)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def children(db):
    north, south = TeamFactory(name="North"), TeamFactory(name="South")
    # Fixed names: the search below must not depend on what Faker happens to invent.
    in_care = ChildFactory(
        child_id="A1",
        team=north,
        date_of_birth=dt.date(2015, 3, 4),
        first_name="Amara",
        last_name="Okoro",
    )
    EpisodeFactory(
        child=in_care,
        start_date=dt.date(2023, 1, 2),
        legal_status="C1",
        end_date=dt.date(2023, 5, 1),
        reason_ceased="X1",
    )
    EpisodeFactory(
        child=in_care, start_date=dt.date(2023, 5, 1), reason_new_episode="L", legal_status="C2"
    )
    left = ChildFactory(child_id="B2", team=south, first_name="Jordan", last_name="Smith")
    EpisodeFactory(
        child=left,
        start_date=dt.date(2022, 1, 1),
        end_date=dt.date(2023, 1, 1),
        reason_ceased="E45",
        reason_place_change="",
    )
    unallocated = ChildFactory(child_id="C3", team=None, first_name="Cal", last_name="Reid")
    return {"in_care": in_care, "left": left, "unallocated": unallocated}


def test_list_shape_and_filters(client, bearer, children):
    body = client.get("/api/v1/children", **bearer).json()
    assert body["count"] == 3
    by_id = {item["child_id"]: item for item in body["items"]}
    assert by_id["A1"] == {
        "child_id": "A1",
        "date_of_birth": "2015-03-04",
        "sex": "F",
        "team": "North",
        "worker": None,
        "legal_status": "C2",
        "placement_type": "U4",
        "looked_after": True,
        "restricted": False,
    }
    assert by_id["B2"]["looked_after"] is False
    assert by_id["C3"]["team"] is None

    def ids(query: str) -> list[str]:
        return [
            i["child_id"] for i in client.get(f"/api/v1/children?{query}", **bearer).json()["items"]
        ]

    assert ids("team=North") == ["A1"]
    assert ids("looked_after=true") == ["A1"]
    assert ids("looked_after=false") == ["B2", "C3"]
    assert ids("search=smith") == ["B2"]
    assert ids("search=A1") == ["A1"]


def test_pagination(client, bearer, children):
    first = client.get("/api/v1/children?page=1&page_size=2", **bearer).json()
    second = client.get("/api/v1/children?page=2&page_size=2", **bearer).json()
    assert first["count"] == second["count"] == 3
    assert [i["child_id"] for i in first["items"]] == ["A1", "B2"]
    assert [i["child_id"] for i in second["items"]] == ["C3"]
    beyond = client.get("/api/v1/children?page=9&page_size=2", **bearer).json()
    assert beyond == {"count": 3, "items": []}


@pytest.mark.parametrize(
    "query",
    [
        "page_size=501",
        "page_size=0",
        "page=0",
        "page=abc",
        "looked_after=maybe",
        "page_size=1e9",
        "search=" + "x" * 101,
    ],
)
def test_malformed_parameters_are_422_not_500(client, bearer, children, query):
    response = client.get(f"/api/v1/children?{query}", **bearer)
    assert response.status_code == 422
    assert response.json()["detail"] == "The request is not valid."


def test_detail_episodes_in_order_with_every_field(client, bearer, children):
    body = client.get("/api/v1/children/A1", **bearer).json()
    assert body["child_id"] == "A1"
    assert body["looked_after"] is True
    assert [e["start_date"] for e in body["episodes"]] == ["2023-01-02", "2023-05-01"]
    assert body["episodes"][0] == {
        "start_date": "2023-01-02",
        "end_date": "2023-05-01",
        "reason_new_episode": "S",
        "legal_status": "C1",
        "category_of_need": "N1",
        "placement_type": "U4",
        "placement_provider": "PR1",
        "reason_ceased": "X1",
        "reason_place_change": None,
        "home_postcode": "AB1 2CD",
        "placement_postcode": "AB3 4EF",
        "urn": "SC123456",
    }
    assert body["episodes"][1]["end_date"] is None
    assert body["episodes"][1]["reason_ceased"] is None


def test_detail_of_child_with_no_episodes(client, bearer, children):
    body = client.get("/api/v1/children/C3", **bearer).json()
    assert body["episodes"] == []
    assert body["looked_after"] is False


@pytest.mark.parametrize("header", [None, "Bearer nonsense", "Basic abc", "Bearer "])
def test_bad_or_missing_token_is_401(client, children, header):
    headers = {"HTTP_AUTHORIZATION": header} if header else {}
    for url in ("/api/v1/children", "/api/v1/children/A1"):
        response = client.get(url, **headers)
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_session_alone_does_not_authenticate_the_api(client, lead, children):
    client.force_login(lead)
    assert client.get("/api/v1/children").status_code == 401


def test_openapi_schema_describes_the_routes(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/children" in schema["paths"]
    assert "/api/v1/children/{child_id}" in schema["paths"]
    assert "BearerToken" in schema["components"]["securitySchemes"]


def test_episodes_are_ordered_even_when_inserted_out_of_order(client, bearer, children):
    Episode.objects.create(
        child=children["unallocated"],
        start_date=dt.date(2024, 6, 1),
        reason_new_episode="P",
        legal_status="V2",
        placement_type="U6",
    )
    Episode.objects.create(
        child=children["unallocated"],
        start_date=dt.date(2024, 1, 1),
        reason_new_episode="S",
        legal_status="V2",
        placement_type="U6",
        end_date=dt.date(2024, 6, 1),
        reason_ceased="X1",
    )
    body = client.get("/api/v1/children/C3", **bearer).json()
    assert [e["start_date"] for e in body["episodes"]] == ["2024-01-01", "2024-06-01"]


def _events(child):
    """A referral with its details, a plan still open, and a visit, written out of order."""
    SocialCareEventFactory(child=child, start_date=dt.date(2024, 3, 1))
    SocialCareEventFactory(
        child=child,
        kind="child_protection",
        start_date=dt.date(2023, 9, 4),
        source_list="List 7",
        details=[["Initial category of abuse", "Neglect"], ["Child seen alone", "Yes"]],
    )
    SocialCareEventFactory(
        child=child,
        kind="referral",
        start_date=dt.date(2023, 8, 1),
        end_date=None,
        source_list="List 3",
        details=[["Referral source", "6: Police"], ["No further action", ""]],
    )


def test_detail_social_care_events_in_date_order_with_every_field(client, bearer, children):
    _events(children["in_care"])
    SocialCareEventFactory(child=children["left"], start_date=dt.date(2023, 1, 1))
    body = client.get("/api/v1/children/A1", **bearer).json()
    assert body["social_care_events"] == [
        {
            "kind": "referral",
            "start_date": "2023-08-01",
            "end_date": None,
            "source_list": "List 3",
            # A column left blank is left out, as on the child's page.
            "details": [{"label": "Referral source", "value": "6: Police"}],
        },
        {
            "kind": "child_protection",
            "start_date": "2023-09-04",
            "end_date": None,
            "source_list": "List 7",
            "details": [
                {"label": "Initial category of abuse", "value": "Neglect"},
                {"label": "Child seen alone", "value": "Yes"},
            ],
        },
        {
            "kind": "social_work_visit",
            "start_date": "2024-03-01",
            "end_date": None,
            "source_list": "List 8",
            "details": [],
        },
    ]
    assert client.get("/api/v1/children/C3", **bearer).json()["social_care_events"] == []


def test_the_schema_types_social_care_events(client):
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    event = schema["SocialCareEventOut"]
    assert set(event["properties"]) == {
        "kind",
        "start_date",
        "end_date",
        "source_list",
        "details",
    }
    assert "section_47" in schema["SocialCareKind"]["enum"]
    assert set(schema["SocialCareDetail"]["properties"]) == {"label", "value"}


def test_another_teams_restricted_child_is_404_events_and_all(client, children):
    north_worker = UserFactory(roles=["practitioner"], teams=[children["in_care"].team])
    _, raw = api_token_create(user=north_worker)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    hidden = ChildFactory(child_id="R9", team=children["left"].team, restricted=True)
    _events(hidden)
    _events(children["in_care"])

    response = client.get("/api/v1/children/R9", **bearer)
    assert response.status_code == 404
    assert "social_care_events" not in response.json()
    assert not AccessEvent.objects.filter(child=hidden).exists()
    # Their own team's child, events included, is read and the read logged.
    body = client.get("/api/v1/children/A1", **bearer).json()
    assert len(body["social_care_events"]) == 3
    assert AccessEvent.objects.filter(
        child=children["in_care"], user=north_worker, via="api"
    ).exists()


def test_detail_query_count_is_the_same_for_one_event_as_for_many(
    client, bearer, children, django_assert_num_queries
):
    SocialCareEventFactory(child=children["in_care"])
    client.get("/api/v1/children/A1", **bearer)  # the token's first use updates it
    with django_assert_num_queries(QUERIES):
        assert len(client.get("/api/v1/children/A1", **bearer).json()["social_care_events"]) == 1
    for n in range(40):
        SocialCareEventFactory(
            child=children["in_care"], start_date=dt.date(2024, 3, 1) + dt.timedelta(days=n)
        )
    with django_assert_num_queries(QUERIES):
        assert len(client.get("/api/v1/children/A1", **bearer).json()["social_care_events"]) == 41
