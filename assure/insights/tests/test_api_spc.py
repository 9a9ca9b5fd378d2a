"""`GET /api/v1/insights/spc` and `/spc/{measure}` (issue 16, item 1): the exact contract on
the demo council, agreement with the exits series, re-entry windows, 404s and 422s."""

import datetime as dt
from collections import Counter

import pytest

from assure.children.demo import seed_demo
from assure.core import clock
from assure.insights import measures, spc
from tests.factories import UserFactory

from .test_api import bearer_for

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 7, 15)
RANGE = "from=2024-07-01&to=2026-06-30&interval=month"
REQUIRED = {
    "exits",
    "exits_sgo",
    "exits_cao",
    "exits_return_home",
    "exits_adoption",
    "entries",
    "looked_after",
    "reentry_rate",
    "sgo_breakdowns",
}


@pytest.fixture
def demo():
    with clock.frozen_at(TODAY):
        seed_demo(children=150, seed=16)
        yield UserFactory(username="lead-api", roles=["assurance_lead"])


def test_every_measure_on_the_demo_council_keeps_the_contract(client, demo):
    auth = bearer_for(demo)
    listing = client.get("/api/v1/insights/spc", **auth).json()["items"]
    assert [i["measure"] for i in listing] == list(measures.ORDER)
    assert {i["measure"] for i in listing} >= REQUIRED
    assert {i["measure"]: i["improvement"] for i in listing}["reentry_rate"] == "down"
    charts_seen = Counter()
    for item in listing:
        response = client.get(f"/api/v1/insights/spc/{item['measure']}?{RANGE}", **auth)
        assert response.status_code == 200, item
        body = response.json()
        assert set(body) == {
            "measure",
            "chart",
            "improvement",
            "variation",
            "phases",
            "points",
            "open_interval",
        }
        if body["chart"] != "t":
            assert body["open_interval"] is None
        elif body["open_interval"] is not None:
            charts_seen["open"] += 1
            gap = body["open_interval"]
            assert set(gap) == {"since", "to", "days", "beyond_upper"}
            assert gap["since"] == body["points"][-1]["period_start"] and gap["to"] == "2026-06-30"
            upper = body["points"][-1]["upper"]
            assert gap["beyond_upper"] == (upper is not None and gap["days"] > upper)
        assert body["measure"] == item["measure"]
        assert body["chart"] in spc.CHARTS and body["variation"] in spc.VARIATIONS
        charts_seen[body["chart"]] += 1
        for phase in body["phases"]:
            assert set(phase) == {"start", "mean", "lower", "upper"}
        for point in body["points"]:
            assert set(point) == {"period_start", "value", "mean", "lower", "upper", "signals"}
            assert set(point["signals"]) <= set(spc.RULES)
            if point["upper"] is not None:
                assert point["lower"] <= point["mean"] <= point["upper"] + 1e-9
            if "outside_limits" in point["signals"]:
                assert not point["lower"] <= point["value"] <= point["upper"]
    # The demo council has common routes (XmR), rare ones (t) and both rates.
    assert {"xmr", "t", "p_prime", "u_prime"} <= set(charts_seen), charts_seen
    assert charts_seen["open"], "a rare route's latest event is before the end of the range"


def test_the_exits_chart_counts_what_the_exits_series_counts(client, demo):
    auth = bearer_for(demo)
    series = client.get(f"/api/v1/insights/exits?{RANGE}", **auth).json()["series"]
    by_month = Counter()
    for s in series:
        by_month[s["period_start"]] += s["count"]
    body = client.get(f"/api/v1/insights/spc/exits?{RANGE}", **auth).json()
    assert body["chart"] == "xmr"
    assert {p["period_start"]: p["value"] for p in body["points"]} == by_month


def test_reentry_rate_has_only_months_whose_windows_have_run(client, demo):
    body = client.get(f"/api/v1/insights/spc/reentry_rate?{RANGE}", **bearer_for(demo)).json()
    assert body["chart"] == "p_prime" and body["improvement"] == "down"
    assert body["points"], "the demo council has followed-up exits"
    # The month's last exit must have had 12 months by 15 July 2026: June 2025 at the latest.
    assert max(p["period_start"] for p in body["points"]) <= "2025-06-01"
    assert all(0 <= p["value"] <= 1 for p in body["points"])


def test_programme_start_carries_the_baseline_forward(client, demo):
    auth = bearer_for(demo)
    body = client.get(
        f"/api/v1/insights/spc/exits?{RANGE}&programme_start=2025-07-01", **auth
    ).json()
    assert len(body["phases"]) == 1  # carried forward: no second phase of limits
    baseline = [p for p in body["points"] if p["period_start"] < "2025-07-01"]
    assert len(baseline) == 12
    mean = sum(p["value"] for p in baseline) / 12
    assert body["phases"][0]["mean"] == pytest.approx(mean)
    assert all(p["mean"] == pytest.approx(mean) for p in body["points"])


def test_unknown_measure_and_bad_parameters(client, demo):
    auth = bearer_for(demo)
    assert client.get(f"/api/v1/insights/spc/nothing?{RANGE}", **auth).status_code == 404
    for query in (
        "from=2026-13-01&to=2026-06-30",
        "from=2026-06-01&to=2026-01-01",
        f"{RANGE}&programme_start=2026-02-30",
        f"{RANGE}&interval=week",
    ):
        assert client.get(f"/api/v1/insights/spc/exits?{query}", **auth).status_code == 422
    panel = UserFactory(username="panel-api", roles=["panel_member"])
    assert client.get("/api/v1/insights/spc", **bearer_for(panel)).status_code == 403


def test_a_rare_event_charts_its_open_interval(client):
    """Thirteen adoptions in 2025, 20 and 40 days apart (upper limit 126.9 days), the last on
    31 December 2025: the days since are the open interval, to the end of the range."""
    from .helpers import child_with, period

    day = dt.date(2025, 1, 5)
    for n, gap in enumerate([0, *[20, 40] * 6]):
        day += dt.timedelta(days=gap)
        period(child_with(child_id=f"A{n}"), start=dt.date(2024, 1, 1), end=day, reason="E11")
    auth = bearer_for(UserFactory(username="lead-open", roles=["assurance_lead"]))
    with clock.frozen_at(TODAY):
        quiet = client.get(
            "/api/v1/insights/spc/exits_adoption?from=2025-01-01&to=2026-06-30&programme_start=",
            **auth,
        ).json()
        recent = client.get(
            "/api/v1/insights/spc/exits_adoption?from=2025-01-01&to=2026-04-30&programme_start=",
            **auth,
        ).json()
    assert quiet["chart"] == "t" and quiet["points"][-1]["upper"] == pytest.approx(126.94, 0.01)
    assert quiet["open_interval"] == {
        "since": "2025-12-31",
        "to": "2026-06-30",
        "days": 181,
        "beyond_upper": True,
    }
    assert quiet["variation"] == "neither"  # the signal now, though the last event was not
    assert not quiet["points"][-1]["signals"]
    assert recent["open_interval"] == {
        "since": "2025-12-31",
        "to": "2026-04-30",
        "days": 120,
        "beyond_upper": False,
    }
    assert recent["variation"] == "common_cause"
