"""`GET /api/v1/insights/exits` and `/reentry`: the contract, 422s for bad input, the access
policy and pinned query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assure.core import clock
from assure.people.services import api_token_create
from tests.factories import TeamFactory, UserFactory

from .helpers import D, child_with, period

pytestmark = pytest.mark.django_db


def bearer_for(user) -> dict[str, str]:
    _, raw = api_token_create(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def teams():
    north, south = TeamFactory(name="North"), TeamFactory(name="South")
    a = child_with(child_id="A", team=north)
    period(a, start=D(2025, 1, 1), end=D(2026, 1, 10), reason="E45", moves=(D(2025, 5, 1),))
    period(a, start=D(2026, 3, 1))  # came back within 365 days
    b = child_with(child_id="B", team=south)
    period(b, start=D(2025, 6, 1), end=D(2026, 5, 2), reason="E4B")
    c = child_with(child_id="C", team=south)
    period(c, start=D(2025, 6, 1), end=D(2026, 2, 2), reason="E11")
    return {"north": north, "south": south}


def test_exits_series_by_quarter(client, teams):
    lead = UserFactory(username="lead", roles=["assurance_lead"])
    body = client.get(
        "/api/v1/insights/exits?from=2026-01-01&to=2026-06-30&interval=quarter",
        **bearer_for(lead),
    ).json()
    nonzero = [s for s in body["series"] if s["count"]]
    assert nonzero == [
        {"period_start": "2026-01-01", "route": "sgo", "count": 1},
        {"period_start": "2026-01-01", "route": "adoption", "count": 1},
        {"period_start": "2026-04-01", "route": "return_home_unplanned", "count": 1},
    ]
    assert len(body["series"]) == 2 * 8
    assert {s["route"] for s in body["series"]} == {
        "sgo",
        "cao",
        "return_home_planned",
        "return_home_unplanned",
        "return_home_without_pr",
        "adoption",
        "adulthood",
        "other",
    }


def test_reentry_items(client, teams):
    lead = UserFactory(username="lead", roles=["assurance_lead"])
    url = "/api/v1/insights/reentry?from=2026-01-01&to=2026-06-30&within_months={}"
    with clock.frozen_at(dt.date(2027, 7, 1)):  # every exit's 12 months have run
        body = client.get(url.format(12), **bearer_for(lead)).json()["items"]
    items = {i["route"]: i for i in body}
    assert items["sgo"] == {
        "route": "sgo",
        "exits": 1,
        "in_window": 0,
        "followed_up": 1,
        "reentered": 1,
        "rate": 1.0,
    }
    assert items["adoption"] == {
        "route": "adoption",
        "exits": 1,
        "in_window": 0,
        "followed_up": 1,
        "reentered": 0,
        "rate": 0.0,
    }
    assert items["cao"]["rate"] is None
    with clock.frozen_at(dt.date(2027, 7, 1)):
        short = client.get(url.format(1), **bearer_for(lead)).json()["items"]
    assert sum(i["reentered"] for i in short) == 0  # 50 days later: outside a month
    # While the 12 months have not run, the exits are still in the window: no rate yet.
    with clock.frozen_at(dt.date(2026, 7, 1)):
        early = {
            i["route"]: i for i in client.get(url.format(12), **bearer_for(lead)).json()["items"]
        }
    assert (early["sgo"]["in_window"], early["sgo"]["followed_up"], early["sgo"]["rate"]) == (
        1,
        0,
        None,
    )


def test_a_practitioner_counts_only_their_teams_children(client, teams):
    worker = UserFactory(username="w", roles=["practitioner"], teams=[teams["south"]])
    body = client.get(
        "/api/v1/insights/exits?from=2026-01-01&to=2026-06-30&interval=quarter",
        **bearer_for(worker),
    ).json()
    assert [(s["route"], s["count"]) for s in body["series"] if s["count"]] == [
        ("adoption", 1),
        ("return_home_unplanned", 1),
    ]
    items = client.get(
        "/api/v1/insights/reentry?from=2026-01-01&to=2026-06-30", **bearer_for(worker)
    ).json()["items"]
    assert sum(i["exits"] for i in items) == 2 and items[0]["exits"] == 0  # no SGO seen


@pytest.mark.parametrize(
    "query",
    [
        "",
        "from=2026-01-01",
        "from=2026-13-01&to=2026-12-31",
        "from=yesterday&to=2026-12-31",
        "from=2026-1-1&to=2026-12-31",
        "from=2026-02-30&to=2026-12-31",
        "from=2026-06-01&to=2026-01-01",
        "from=1900-01-01&to=2026-01-01",
        "from=2026-01-01&to=2026-12-31&interval=week",
        "from=2026-01-01&to=2026-12-31&within_months=0",
        "from=2026-01-01&to=2026-12-31&within_months=121",
        "from=2026-01-01&to=2026-12-31&within_months=lots",
        "from=2026-01-01&to=2026-12-31&within_months=99999999999999999999999",
        "from=" + "9" * 200 + "&to=2026-12-31",
        "from=9999-01-01&to=9999-12-31",
        "from=0001-01-01&to=0001-12-31",
    ],
)
def test_malformed_parameters_answer_422(client, query):
    lead = UserFactory(username="lead", roles=["assurance_lead"])
    headers = bearer_for(lead)
    for route in ("exits", "reentry"):
        if "within_months" in query and route == "exits":
            continue
        if "interval" in query and route == "reentry":
            continue
        response = client.get(f"/api/v1/insights/{route}?{query}", **headers)
        assert response.status_code == 422, (route, query, response.content)
        assert response.json()["detail"] == "The request is not valid."


def test_needs_a_token_and_a_role(client):
    assert client.get("/api/v1/insights/exits?from=2026-01-01&to=2026-02-01").status_code == 401
    admin = UserFactory(username="admin", roles=["admin"])
    response = client.get(
        "/api/v1/insights/exits?from=2026-01-01&to=2026-02-01", **bearer_for(admin)
    )
    assert response.status_code == 403


def build(first: int, last: int, team) -> None:
    for i in range(first, last):
        child = child_with(child_id=f"Q{i:04d}", team=team, p2=i % 3 == 0)
        period(child, start=D(2025, 1, 1), end=D(2025, 12, 1), reason="E45", moves=(D(2025, 4, 1),))
        period(child, start=D(2026, 2, 1))


# The token lookup (with its user) and its last-used stamp, the user's roles, the user's
# teams (inside the policy's subquery, no query of its own), the episodes, the P2 children
# and whether imports brought the care records (insights.selectors.records_run_to).
API_QUERIES = 6


@pytest.mark.parametrize("route", ["exits", "reentry"])
def test_query_counts_do_not_grow_with_the_children(client, route):
    team = TeamFactory(name="North")
    worker = UserFactory(username="w", roles=["practitioner"], teams=[team])
    url = f"/api/v1/insights/{route}?from=2025-01-01&to=2026-06-30"
    counts = []
    for first, last in ((0, 3), (3, 30)):
        build(first, last, team)
        headers = bearer_for(worker)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, **headers)
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts == [API_QUERIES, API_QUERIES]
    if route == "reentry":
        assert response.json()["items"][0] == {
            "route": "sgo",
            "exits": 30,
            "in_window": 0,
            "followed_up": 30,
            "reentered": 30,
            "rate": 1.0,
        }
