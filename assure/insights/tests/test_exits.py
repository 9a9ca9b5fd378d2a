"""The exits analysis on small constructed histories: routes, periods, re-entry, looked-after
counts, P2 entries, time in care and the access policy."""

import datetime as dt

import pytest

from assure.insights import exits
from assure.insights.exits import EpisodeRow, analyse, route_of
from assure.insights.selectors import exits_analysis
from tests.factories import TeamFactory, UserFactory

from .helpers import D, child_with, period


@pytest.mark.parametrize(
    ("reason", "route"),
    [
        ("E43", "sgo"),
        ("E44", "sgo"),
        ("E45", "sgo"),
        ("E46", "sgo"),
        ("E47", "sgo"),
        ("E48", "sgo"),
        ("E41", "cao"),
        ("E4A", "return_home_planned"),
        ("E4B", "return_home_unplanned"),
        ("E11", "adoption"),
        ("E12", "adoption"),
        ("E13", "return_home_without_pr"),
        ("E2", "other"),
        ("E8", "other"),
        ("E17", "adulthood"),
        ("", "other"),
    ],
)
def test_route_of(reason, route):
    assert route_of(reason) == route


def test_periods_by_month_and_quarter():
    assert exits.periods_between(D(2025, 11, 15), D(2026, 2, 1), "month") == [
        D(2025, 11, 1),
        D(2025, 12, 1),
        D(2026, 1, 1),
        D(2026, 2, 1),
    ]
    assert exits.periods_between(D(2025, 11, 15), D(2026, 4, 1), "quarter") == [
        D(2025, 10, 1),
        D(2026, 1, 1),
        D(2026, 4, 1),
    ]
    assert exits.month_ends_between(D(2024, 1, 31), D(2024, 3, 30)) == [
        D(2024, 1, 31),
        D(2024, 2, 29),
    ]


def row(pk, child, start, end=None, rne="S", rec=""):
    return EpisodeRow(
        pk=pk,
        child=child,
        start_date=start,
        end_date=end,
        reason_new_episode=rne,
        reason_ceased=rec,
    )


def test_exit_counts_period_start_and_time_in_care():
    rows = [
        # child 1: S then X1 move, leaves by SGO in March
        row(1, 1, D(2025, 1, 1), D(2025, 6, 1), "S", "X1"),
        row(2, 1, D(2025, 6, 1), D(2026, 3, 10), "P", "E45"),
        # child 2: returns home outside the plan in January, back in care in February
        row(3, 2, D(2025, 12, 1), D(2026, 1, 5), "S", "E4B"),
        row(4, 2, D(2026, 2, 1), None, "S", ""),
        # child 3: an X1 end is not an exit; still in care
        row(5, 3, D(2025, 1, 1), D(2026, 2, 1), "S", "X1"),
        row(6, 3, D(2026, 2, 1), None, "L", ""),
        # child 4: left before the range
        row(7, 4, D(2024, 1, 1), D(2025, 12, 31), "S", "E11"),
    ]
    result = analyse(
        rows, date_from=D(2026, 1, 1), date_to=D(2026, 3, 31), today=D(2026, 4, 9), interval="month"
    )
    counts = result.exit_counts()
    assert counts[(D(2026, 3, 1), "sgo")] == 1
    assert counts[(D(2026, 1, 1), "return_home_unplanned")] == 1
    assert sum(counts.values()) == 2
    assert len(result.series()) == 3 * len(exits.ROUTES)
    times = {t.route: t for t in result.time_in_care()}
    assert times["sgo"].median_days == (D(2026, 3, 10) - D(2025, 1, 1)).days
    assert times["return_home_unplanned"].median_days == 35
    assert times["adoption"].median_days is None
    # Back on 1 Feb after leaving on 5 Jan: within a month (by 5 Feb), and that month has run.
    reentry = {r.route: r for r in result.reentry(months=1)}
    home = reentry["return_home_unplanned"]
    assert (home.exits, home.followed_up, home.reentered, home.rate) == (1, 1, 1, 1.0)
    # The SGO exit on 10 Mar has not had its month by 9 Apr: in the window, not in the rate.
    sgo = reentry["sgo"]
    assert (sgo.exits, sgo.in_window, sgo.followed_up, sgo.rate) == (1, 1, 0, None)
    assert reentry["adoption"].rate is None
    a_year = {r.route: r for r in result.reentry(months=12)}
    assert a_year["return_home_unplanned"].in_window == 1  # 12 months not yet run
    # month ends: Jan (children 1, 3; child 2 has left), Feb (1, 2, 3), Mar (2, 3)
    assert result.looked_after() == [(D(2026, 1, 31), 2), (D(2026, 2, 28), 3), (D(2026, 3, 31), 2)]


def test_reentry_is_a_new_period_not_a_continuation():
    rows = [
        # left home on 1 Mar; an overlapping X1 chain carries on: not a re-entry
        row(1, 1, D(2026, 1, 1), D(2026, 3, 1), "S", "E4A"),
        row(2, 1, D(2026, 1, 1) + dt.timedelta(days=1), D(2026, 3, 5), "S", "X1"),
        row(3, 1, D(2026, 3, 5), None, "P", ""),
    ]
    result = analyse(rows, date_from=D(2026, 3, 1), date_to=D(2026, 3, 31), today=D(2027, 6, 1))
    assert [r.reentered for r in result.reentry(months=12)] == [0] * len(exits.ROUTES)
    assert [r.followed_up for r in result.reentry(months=12)] == [0, 0, 1, 0, 0, 0, 0, 0]


def test_reentry_on_both_sides_of_12_calendar_months():
    rows = [
        row(1, 1, D(2025, 1, 1), D(2025, 8, 31), "S", "E4A"),
        row(2, 1, D(2026, 8, 31), None, "S", ""),  # back on the last day of the 12 months
        row(3, 2, D(2025, 1, 1), D(2025, 8, 31), "S", "E4A"),
        row(4, 2, D(2026, 9, 1), None, "S", ""),  # a day too late
    ]
    on_the_day = analyse(
        rows, date_from=D(2025, 8, 1), date_to=D(2025, 8, 31), today=D(2026, 8, 31)
    )
    planned = on_the_day.reentry(months=12)[2]
    assert (planned.exits, planned.followed_up, planned.reentered) == (2, 2, 1)
    day_before = analyse(
        rows, date_from=D(2025, 8, 1), date_to=D(2025, 8, 31), today=D(2026, 8, 30)
    )
    assert day_before.reentry(months=12)[2].followed_up == 0


@pytest.mark.django_db
def test_p2_entries_and_the_access_policy():
    north, south = TeamFactory(name="North"), TeamFactory(name="South")
    a = child_with(child_id="A", team=north, p2=True)
    period(a, start=D(2026, 2, 3))
    b = child_with(child_id="B", team=south, p2=True)
    period(b, start=D(2026, 3, 3), end=D(2026, 3, 20), reason="E45")
    c = child_with(child_id="C", team=north)
    period(c, start=D(2025, 3, 3), end=D(2026, 1, 20), reason="E4A", moves=(D(2025, 8, 1),))
    lead = UserFactory(username="lead", roles=["assurance_lead"])
    worker = UserFactory(username="worker", roles=["practitioner"], teams=[north])
    everyone = exits_analysis(user=lead, date_from=D(2026, 1, 1), date_to=D(2026, 3, 31))
    assert everyone.p2_entries() == [0, 1, 1]
    assert sum(everyone.exit_counts().values()) == 2
    mine = exits_analysis(user=worker, date_from=D(2026, 1, 1), date_to=D(2026, 3, 31))
    assert mine.p2_entries() == [0, 1, 0]
    assert [(s["route"], s["count"]) for s in mine.series() if s["count"]] == [
        ("return_home_planned", 1)
    ]
    assert mine.looked_after() == [(D(2026, 1, 31), 0), (D(2026, 2, 28), 1), (D(2026, 3, 31), 1)]
    stranger = UserFactory(username="nobody", roles=["practitioner"])
    nothing = exits_analysis(user=stranger, date_from=D(2026, 1, 1), date_to=D(2026, 3, 31))
    assert nothing.exits == []
