"""Acceptance: exits, re-entry and looked-after figures for the shared 903 sample
(cs-demand-model-regional, loaded through the 903 importer) match an independent
calculation in plain Python over the CSV."""

import csv
import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from assure.core import clock
from assure.imports.services import import_execute
from assure.insights.selectors import exits_analysis
from tests.factories import UserFactory

SAMPLE = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "cs-demand-model-regional"
FROM, TO = dt.date(2018, 4, 1), dt.date(2021, 3, 31)
COUNCIL = "Southwark"  # the files hold three councils' children; Assure imports one
ROUTE = {
    "E41": "cao",
    "E4A": "return_home_planned",
    "E4B": "return_home_unplanned",
    "E11": "adoption",
    "E12": "adoption",
    "E13": "return_home_without_pr",
}
ROUTE.update(dict.fromkeys(("E5", "E6", "E7", "E15", "E17"), "adulthood"))
ROUTE.update({f"E4{n}": "sgo" for n in "345678"})


def sample_episodes() -> dict[str, list[dict[str, str]]]:
    """Episodes per child, each (CHILD, DECOM) once as its latest YEAR gives it."""
    with (SAMPLE / "episodes.csv").open(encoding="utf-8-sig", newline="") as handle:
        latest: dict[tuple[str, str], dict[str, str]] = {}
        for row in csv.DictReader(handle):
            if row["LA"] != COUNCIL:
                continue
            key = (row["CHILD"], row["DECOM"])
            if key not in latest or int(row["YEAR"]) >= int(latest[key]["YEAR"]):
                latest[key] = row
    children: dict[str, list[dict[str, str]]] = {}
    for row in latest.values():
        children.setdefault(row["CHILD"], []).append(row)
    return children


def same_day_months_later(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months on, or that month's last day."""
    year, month = day.year + (day.month - 1 + months) // 12, (day.month - 1 + months) % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError(day)


def expected() -> dict[str, object]:
    exits_by_quarter: Counter = Counter()
    reentry = {months: Counter() for months in (12, 24)}
    looked_after: Counter = Counter()
    month_ends = []
    year, month = FROM.year, FROM.month
    while (year, month) <= (TO.year, TO.month):
        nxt = dt.date(year + month // 12, month % 12 + 1, 1)
        month_ends.append(nxt - dt.timedelta(days=1))
        year, month = nxt.year, nxt.month
    for rows in sample_episodes().values():
        # A period starts where no X1 episode ends that day (RNE is not trusted for this).
        x1_ends = {r["DEC"] for r in rows if r["REC"] == "X1" and r["DEC"]}
        new_starts = [dt.date.fromisoformat(r["DECOM"]) for r in rows if r["DECOM"] not in x1_ends]
        for r in rows:
            if not r["DEC"] or r["REC"] == "X1":
                continue
            left = dt.date.fromisoformat(r["DEC"])
            if not FROM <= left <= TO:
                continue
            route = ROUTE.get(r["REC"], "other")
            quarter = dt.date(left.year, (left.month - 1) // 3 * 3 + 1, 1)
            exits_by_quarter[(quarter, route)] += 1
            for months, tally in reentry.items():
                tally[(route, "exits")] += 1
                deadline = same_day_months_later(left, months)
                if deadline <= clock.today():
                    tally[(route, "followed")] += 1
                    if any(left < s <= deadline for s in new_starts):
                        tally[(route, "back")] += 1
        for end in month_ends:
            if any(
                dt.date.fromisoformat(r["DECOM"]) <= end
                and (not r["DEC"] or dt.date.fromisoformat(r["DEC"]) > end)
                for r in rows
            ):
                looked_after[end] += 1
    return {
        "exits": exits_by_quarter,
        "reentry": reentry,
        "looked_after": looked_after,
        "month_ends": month_ends,
    }


@pytest.mark.django_db
def test_exit_and_reentry_figures_match_the_sample_files():
    result = import_execute(kind="ssda903", paths=[SAMPLE], options={"la": COUNCIL})
    assert result.status == "applied", result
    lead = UserFactory(username="lead", roles=["assurance_lead"])
    want = expected()

    result = exits_analysis(user=lead, date_from=FROM, date_to=TO, interval="quarter")

    got = {(s["period_start"], s["route"]): s["count"] for s in result.series() if s["count"]}
    assert got == dict(want["exits"])
    assert sum(got.values()) > 200  # a real test: the sample has hundreds of exits in range
    for months, tally in want["reentry"].items():
        items = {
            i.route: (i.exits, i.followed_up, i.reentered) for i in result.reentry(months=months)
        }
        assert items == {
            route: (tally[(route, "exits")], tally[(route, "followed")], tally[(route, "back")])
            for route in items
        }, months
    assert sum(i.reentered for i in result.reentry(months=24)) > 0  # one council: a few
    assert result.looked_after() == [(e, want["looked_after"][e]) for e in want["month_ends"]]
