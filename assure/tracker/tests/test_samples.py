"""Acceptance: the tracker's counts for the shared 903 sample (cs-demand-model-regional,
imported through the 903 importer) match a calculation in plain Python over the CSV, at
several dates including a leap day."""

import csv
import datetime as dt
from collections import defaultdict
from pathlib import Path

import pytest

from assure.imports.services import import_execute
from assure.tracker import selectors
from tests.factories import UserFactory

SAMPLE = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "cs-demand-model-regional"
DATES = [
    dt.date(2018, 3, 31),
    dt.date(2019, 9, 30),
    dt.date(2020, 2, 29),
    dt.date(2020, 3, 1),
    dt.date(2021, 3, 31),
]


def episodes_by_child() -> dict[str, list[tuple[dt.date, dt.date | None, str]]]:
    """(DECOM, DEC, REC) per child; a child's episode repeated in a later year's return
    counts once, as that later year gives it."""
    with (SAMPLE / "episodes.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    latest: dict[tuple[str, str], dict[str, str]] = {}
    for row in rows:
        key = (row["CHILD"], row["DECOM"])
        if key not in latest or int(row["YEAR"]) >= int(latest[key]["YEAR"]):
            latest[key] = row
    children: dict[str, list[tuple[dt.date, dt.date | None, str]]] = defaultdict(list)
    for row in latest.values():
        end = dt.date.fromisoformat(row["DEC"]) if row["DEC"] else None
        children[row["CHILD"]].append((dt.date.fromisoformat(row["DECOM"]), end, row["REC"]))
    return children


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
            if on > months_later(start, 6):
                counts["no_plan_red"] += 1
            elif on > months_later(start, 4):
                counts["no_plan_amber"] += 1
        elif any(
            start <= on and end is not None and year_before(on) < end <= on and rec != "X1"
            for start, end, rec in episodes
        ):
            counts["left"] += 1
    return counts


@pytest.mark.django_db
def test_tracker_counts_match_the_sample_files():
    result = import_execute(kind="ssda903", paths=[SAMPLE])
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
