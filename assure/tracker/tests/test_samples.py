"""Acceptance: the tracker's counts for the shared 903 sample (cs-demand-model-regional,
imported through the 903 importer for one of its three councils) match a calculation in
plain Python over the CSV, at several dates including a leap day."""

import csv
import datetime as dt
from collections import defaultdict
from pathlib import Path

import holidays
import pytest

from assure.imports.services import import_execute
from assure.tracker import selectors
from tests.factories import UserFactory

SAMPLE = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "cs-demand-model-regional"
COUNCIL = "Southwark"  # the regional file holds three boroughs; a council imports its own
DATES = [
    dt.date(2018, 3, 31),
    dt.date(2019, 9, 30),
    dt.date(2020, 2, 29),
    dt.date(2020, 3, 1),
    dt.date(2021, 3, 31),
]


def episodes_by_child() -> dict[str, list[tuple[dt.date, dt.date | None, str, str, str]]]:
    """(DECOM, DEC, REC, LS, PLACE) per child; a child's episode repeated in a later year's
    return counts once, as that later year gives it."""
    with (SAMPLE / "episodes.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    latest: dict[tuple[str, str], dict[str, str]] = {}
    for row in rows:
        if row["LA"] != COUNCIL:
            continue
        key = (row["CHILD"], row["DECOM"])
        if key not in latest or int(row["YEAR"]) >= int(latest[key]["YEAR"]):
            latest[key] = row
    children: dict[str, list[tuple[dt.date, dt.date | None, str, str, str]]] = defaultdict(list)
    for row in latest.values():
        end = dt.date.fromisoformat(row["DEC"]) if row["DEC"] else None
        start = dt.date.fromisoformat(row["DECOM"])
        children[row["CHILD"]].append((start, end, row["REC"], row["LS"], row["PLACE"]))
    return children


ENGLAND = holidays.country_holidays("GB", subdiv="ENG", years=range(2010, 2025))


def twenty_working_days_after(day: dt.date) -> dt.date:
    left = 20
    while left:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in ENGLAND:
            left -= 1
    return day


def second_review_due(start: dt.date, current: tuple, episodes: list[tuple]) -> dt.date | None:
    """With no reviews in the sample, the second review falls due 3 months after the first
    was due: 20 working days after entering care, or 4 weeks after placement for adoption
    (from the start of the run of A3 to A6 placements). None on short breaks (V3, V4)."""
    if current[3] in {"V3", "V4"}:
        return None
    if current[4] in {"A3", "A4", "A5", "A6"}:
        placed = current[0]
        while True:
            before = [e for e in episodes if e[1] == placed and e[4] in {"A3", "A4", "A5", "A6"}]
            if not before:
                break
            placed = min(before)[0]
        return months_later(placed + dt.timedelta(days=28), 3)
    return months_later(twenty_working_days_after(start), 3)


def year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 Feb
        return day.replace(year=day.year - 1, day=28)


def months_later(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    first_of_next = dt.date(day.year + year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
    last_day = (first_of_next - dt.timedelta(days=1)).day
    return dt.date(day.year + year, month + 1, min(day.day, last_day))


def expected_counts(on: dt.date) -> dict[str, int]:
    counts = {"in_care": 0, "left": 0, "no_plan_amber": 0, "no_plan_red": 0}
    for episodes in episodes_by_child().values():
        open_now = [e for e in episodes if e[0] <= on and (e[1] is None or e[1] > on)]
        if open_now:
            counts["in_care"] += 1
            start = max(open_now)[0]
            while True:  # back through the X1 episodes that lead into this one
                before = [e for e in episodes if e[1] == start and e[2] == "X1"]
                if not before:
                    break
                start = min(before)[0]
            due = second_review_due(start, max(open_now), episodes)
            if due is not None and on > due:
                counts["no_plan_red"] += 1
            elif due is not None and on >= due - dt.timedelta(weeks=4):
                counts["no_plan_amber"] += 1
        elif any(
            start <= on and end is not None and year_before(on) < end <= on and rec != "X1"
            for start, end, rec, _, _ in episodes
        ):
            counts["left"] += 1
    return counts


@pytest.mark.django_db
def test_tracker_counts_match_the_sample_files():
    result = import_execute(kind="ssda903", paths=[SAMPLE], options={"la": COUNCIL})
    assert result.status == "applied"
    lead = UserFactory(username="lead", roles=["assurance_lead"])
    for on in DATES:
        rows = selectors.tracker_rows(user=lead, on=on)
        levels = [f.level for r in rows for f in r.flags if f.code == "no_permanence_plan"]
        counts = {
            "in_care": sum(r.looked_after for r in rows),
            "left": sum(not r.looked_after for r in rows),
            "no_plan_amber": levels.count("amber"),
            "no_plan_red": levels.count("red"),
        }
        expected = expected_counts(on)
        assert counts == expected, on
        assert expected["in_care"] > 50 and expected["left"] > 10  # a real test at each date
