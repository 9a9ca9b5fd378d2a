"""Every shared sample file imports with exact counts, and specific children's records
match the files field by field."""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from pathlib import Path

import pytest

from assure.children.models import Child, Episode
from assure.core.models import DomainEvent
from assure.imports.models import ImportRun

pytestmark = pytest.mark.django_db

REGIONAL = "cs-demand-model-regional"
# The regional sample holds three London boroughs: each is imported on its own.
COUNCILS = {"Hillingdon": "312", "Southwark": "210", "Bromley": "305"}


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def latest_by_key(rows: list[dict[str, str]], *key: str) -> dict[tuple[str, ...], dict[str, str]]:
    """The row from the latest YEAR for each key: how a regional history is merged."""
    latest: dict[tuple[str, ...], dict[str, str]] = {}
    for row in rows:
        k = tuple(row[c] for c in key)
        if k not in latest or int(row["YEAR"]) >= int(latest[k]["YEAR"]):
            latest[k] = row
    return latest


def exact_duplicates(rows: list[dict[str, str]]) -> int:
    return len(rows) - len({tuple(row.items()) for row in rows})


def iso(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def test_regional_sample_counts_one_council_at_a_time(shared_data, run):
    folder = shared_data / REGIONAL
    header, episodes, uasc = (read(folder / f) for f in ("header.csv", "episodes.csv", "uasc.csv"))
    everything = header + episodes + uasc
    for name, code in COUNCILS.items():
        mine = [row for row in everything if row["LA"] == name]
        children = {row["CHILD"] for row in mine}
        expected_episodes = latest_by_key(
            [row for row in episodes if row["LA"] == name], "CHILD", "DECOM"
        )
        before = Episode.objects.count()

        result = run(folder, options={"la": code})

        assert result.status == "applied", result.errors
        assert [(Path(f.path).name, f.table, f.rows) for f in result.files] == [
            ("episodes.csv", "Episodes", len(episodes)),
            ("header.csv", "Header", len(header)),
            ("uasc.csv", "UASC", len(uasc)),
        ]
        assert result.rows_read == len(everything)
        assert result.rows_rejected == 0 and result.errors == []
        assert result.children == len(children)
        assert result.episodes_loaded == len(expected_episodes)
        assert Episode.objects.count() - before == len(expected_episodes)
        assert result.extra["council"] == {"code": code, "name": name, "from": "--la"}
        # The other two boroughs' rows are counted, never stored.
        assert result.extra["left_out"] == [
            {
                "la": other_code,
                "name": other,
                "rows": sum(1 for row in everything if row["LA"] == other),
                "children": len({row["CHILD"] for row in everything if row["LA"] == other}),
            }
            for other, other_code in sorted(COUNCILS.items(), key=lambda item: item[1])
            if other != name
        ]
        duplicates = [p for p in result.warnings if p.code == "duplicate-row"]
        assert len(duplicates) == sum(
            exact_duplicates([row for row in rows if row["LA"] == name])
            for rows in (header, episodes, uasc)
        )
    assert Child.objects.count() == len({row["CHILD"] for row in everything})
    assert Child.objects.filter(uasc=True).count() == len({row["CHILD"] for row in uasc})
    assert Episode.objects.count() == len(latest_by_key(episodes, "CHILD", "DECOM"))
    assert ImportRun.objects.count() == 3


def test_a_regional_file_is_refused_without_a_council(shared_data, run):
    result = run(shared_data / REGIONAL)
    assert result.status == "rejected" and result.exit_code == 1
    assert [p.code for p in result.errors] == ["several-councils"]
    message = result.errors[0].message
    for name, code in COUNCILS.items():
        assert f"{name} ({code})" in message
    assert "COUNCIL_LA_CODE" in message and "--la" in message
    assert [c["la"] for c in result.extra["councils_found"]] == sorted(COUNCILS.values())
    assert Child.objects.count() == 0


def test_the_council_setting_keeps_only_its_children(shared_data, run, settings):
    settings.COUNCIL_LA_CODE = "305"
    result = run(shared_data / REGIONAL)
    assert result.status == "applied"
    assert result.extra["council"] == {"code": "305", "name": "Bromley", "from": "COUNCIL_LA_CODE"}
    bromley = {row["CHILD"] for f in ("header.csv", "episodes.csv", "uasc.csv")
               for row in read(shared_data / REGIONAL / f) if row["LA"] == "Bromley"}  # fmt: skip
    assert set(Child.objects.values_list("child_id", flat=True)) == bromley
    # --la wins over the setting; a name works as well as a code.
    result = run(
        shared_data / REGIONAL, options={"la": "london borough of hillingdon"}, dry_run=True
    )
    assert result.extra["council"] == {"code": "312", "name": "Hillingdon", "from": "--la"}


def test_an_unknown_council_is_refused(shared_data, run):
    result = run(shared_data / REGIONAL, options={"la": "Atlantis"})
    assert result.status == "rejected"
    assert "unknown-council" in {p.code for p in result.errors}
    assert Child.objects.count() == 0


def test_regional_episodes_match_the_latest_year_field_by_field(shared_data, run):
    expected = latest_by_key(read(shared_data / REGIONAL / "episodes.csv"), "CHILD", "DECOM")
    for code in COUNCILS.values():
        run(shared_data / REGIONAL, options={"la": code})
    stored = {
        (e.child.child_id, e.start_date.isoformat()): e
        for e in Episode.objects.select_related("child")
    }
    assert stored.keys() == expected.keys()
    for key, row in expected.items():
        episode = stored[key]
        assert (
            episode.reason_new_episode,
            episode.legal_status,
            episode.category_of_need,
            episode.placement_type,
            episode.placement_provider,
            episode.end_date,
            episode.reason_ceased,
            episode.reason_place_change,
            episode.home_postcode,
            episode.placement_postcode,
            episode.urn,
        ) == (
            row["RNE"],
            row["LS"],
            row["CIN"],
            row["PLACE"],
            row["PLACE_PROVIDER"],
            iso(row["DEC"]),
            row["REC"],
            row["REASON_PLACE_CHANGE"],
            row["HOME_POST"],
            row["PL_POST"],
            row["URN"],
        ), key


def test_a_regional_child_is_merged_across_years(shared_data, run):
    run(shared_data / REGIONAL, options={"la": "Southwark"})
    child = Child.objects.get(child_id="296227")
    assert (child.sex, child.date_of_birth, child.ethnicity, child.upn, child.uasc) == (
        "F",
        dt.date(2017, 9, 11),
        "NOBT",
        "R056024362409",
        False,
    )
    episodes = list(
        child.episodes.values_list(
            "start_date",
            "reason_new_episode",
            "legal_status",
            "category_of_need",
            "placement_type",
            "placement_provider",
            "end_date",
            "reason_ceased",
            "reason_place_change",
            "home_postcode",
            "placement_postcode",
            "urn",
        )
    )
    assert episodes == [
        (
            dt.date(2017, 9, 11),
            "S",
            "C1",
            "N2",
            "U5",
            "PR4",
            dt.date(2017, 9, 13),
            "X1",
            "PLACE",
            "C13 6WC",
            "C26 9VP",
            "9961998",
        ),
        # 2017's return had this episode open; 2018's closed it: the later year wins.
        (
            dt.date(2017, 9, 13),
            "P",
            "C1",
            "N2",
            "U4",
            "PR1",
            dt.date(2018, 10, 2),
            "X1",
            "",
            "B12 2KE",
            "S19 8BX",
            "3013387",
        ),
        (
            dt.date(2018, 10, 2),
            "L",
            "V3",
            "N2",
            "U4",
            "PR1",
            dt.date(2018, 11, 1),
            "E17",
            "",
            "B12 2KE",
            "S19 8BX",
            "3013387",
        ),
    ]


def test_a_uasc_child_keeps_its_ceased_date_and_custody_reason(shared_data, run):
    run(shared_data / REGIONAL, options={"la": "Hillingdon"})
    child = Child.objects.get(child_id="87408")
    assert (child.uasc, child.uasc_ceased_date, child.sex, child.date_of_birth) == (
        True,
        dt.date(2023, 1, 5),
        "F",
        dt.date(2005, 1, 9),
    )
    assert child.episodes.count() == 7
    first = child.episodes.first()
    assert (first.reason_new_episode, first.reason_place_change) == ("S", "CUSTOD")


def test_episode_repair_sample_is_stored_with_warnings(shared_data, run):
    path = shared_data / "liia-tools" / "SSDA903_episodes_for_testing_fixes_INPUT.csv"
    rows = read(path)
    # Barking and Dagenham's sample, with a row each from Newham and Sutton mixed in.
    result = run(path, options={"la": "301"})
    assert result.status == "applied"
    mine = [r for r in rows if r["LA"] == "Barking and Dagenham"]
    assert result.episodes_loaded == len({(r["CHILD"], r["DECOM"]) for r in mine}) == 20
    assert Child.objects.count() == len({r["CHILD"] for r in mine}) == 8
    assert [(o["name"], o["rows"]) for o in result.extra["left_out"]] == [
        ("Newham", 2),
        ("Sutton", 1),
    ]
    # RULE4_BAD's second episode starts while the first is still open.
    overlaps = {(Path(p.file).name, p.row) for p in result.warnings if p.code == "episodes-overlap"}
    assert (path.name, 20) in overlaps
    rule3a = list(
        Episode.objects.filter(child__child_id="RULE3A_BAD").values_list(
            "start_date", "reason_ceased", "end_date", "placement_type"
        )
    )
    assert rule3a == [
        (dt.date(2017, 11, 25), "X1", dt.date(2018, 1, 25), "U3"),
        (dt.date(2018, 1, 25), "E45", dt.date(2018, 5, 16), "U3"),
        (dt.date(2018, 3, 22), "", None, "U1"),
    ]
    events = DomainEvent.objects.filter(verb="child.imported")
    assert events.count() == 8
    assert events.first().data["import_run"] == ImportRun.objects.get().pk


def test_dirty_dfe_sample_is_rejected_with_each_problem_classified(shared_data, run):
    folder = shared_data / "liia-tools-pipeline"
    result = run(folder)

    assert result.status == "rejected"
    assert Child.objects.count() == 0 and Episode.objects.count() == 0
    errors = {(Path(p.file).name, p.row, p.column, p.value, p.code) for p in result.errors}
    assert errors == {
        # Dummy value in RNE: a code in no year's list.
        ("SSDA903_2020_episodes.csv", 6, "RNE", "*DUMMY*", "unknown-code"),
        # Duplicate child IDs with different details in one return: which is right is unknown.
        ("SSDA903_2020_header.csv", 3, "CHILD", "689661", "conflicting-rows"),
        ("SSDA903_2020_header.csv", 4, "CHILD", "689661", "conflicting-rows"),
        ("SSDA903_2020_header.csv", 6, "CHILD", "249901", "conflicting-rows"),
    }
    assert result.rows_rejected == 4
    warnings = {(p.row, p.column, p.value, p.code) for p in result.warnings}
    # The unknown extra column is reported and ignored.
    assert (1, "TEST_COLUMN", "", "extra-column") in warnings
    # Missing legal status can be stored: a warning.
    assert (3, "LS", "", "missing-value") in warnings
    # Bad postcodes are stored as given: warnings.
    assert (3, "PL_POST", "C251YT", "invalid-postcode") in warnings
    assert (5, "PL_POST", "2TR", "invalid-postcode") in warnings
    assert (2, "UPN", "3412", "invalid-upn") in warnings
    # An unknown ethnicity no longer loses the row: it is stored blank, with a warning.
    assert (6, "ETHNIC", "UNKN", "unknown-code") in warnings


def test_dirty_dfe_sample_with_skip_invalid_rows_stores_the_rest(shared_data, run):
    result = run(shared_data / "liia-tools-pipeline", skip_invalid_rows=True)
    assert result.status == "applied"
    assert result.rows_rejected == 4
    assert result.episodes_loaded == 4
    child = Child.objects.get(child_id="689661")
    # The first of the conflicting Header rows is kept; DfE dates are dd/mm/yyyy.
    assert (child.sex, child.date_of_birth, child.upn) == ("M", dt.date(2015, 7, 11), "3412")
    assert list(child.episodes.values_list("start_date", "legal_status", "placement_postcode")) == [
        (dt.date(2018, 12, 2), "", "C251YT"),
        (dt.date(2018, 12, 11), "V4", "T28 2WB"),
        (dt.date(2019, 5, 16), "J2", "C25 1YT"),
    ]
    assert list(
        Episode.objects.filter(child__child_id="249901").values_list("start_date", flat=True)
    ) == [dt.date(2019, 3, 30)]
    # 249901's second Header row conflicts with the first and is left out; the first is kept.
    assert Child.objects.get(child_id="249901").date_of_birth == dt.date(2013, 1, 7)


def test_reimporting_the_same_files_changes_nothing(shared_data, run):
    run(shared_data / REGIONAL, options={"la": "210"})
    before = (
        list(Child.objects.values_list("child_id", "updated_at")),
        list(Episode.objects.values()),
        DomainEvent.objects.filter(verb="child.imported").count(),
    )
    again = run(shared_data / REGIONAL, options={"la": "210"})
    assert again.status == "applied"
    assert again.episodes_loaded == 0
    assert again.changes == {}
    assert before == (
        list(Child.objects.values_list("child_id", "updated_at")),
        list(Episode.objects.values()),
        DomainEvent.objects.filter(verb="child.imported").count(),
    )


def test_every_sample_file_imports_on_its_own(shared_data, run):
    files = sorted(p for p in shared_data.rglob("*.csv"))
    assert len(files) == 6
    outcomes = {}
    for path in files:
        result = run(path, dry_run=True)
        outcomes[path.name] = (result.status, sorted({p.code for p in result.errors}))
    assert outcomes == {
        "SSDA903_2020_episodes.csv": ("rejected", ["unknown-code"]),
        "SSDA903_2020_header.csv": ("rejected", ["conflicting-rows"]),
        # The regional files hold several councils' children: none is chosen here.
        "SSDA903_episodes_for_testing_fixes_INPUT.csv": ("rejected", ["several-councils"]),
        "episodes.csv": ("rejected", ["several-councils"]),
        "header.csv": ("rejected", ["several-councils"]),
        "uasc.csv": ("rejected", ["several-councils"]),
    }
    assert Child.objects.count() == 0


def _grouped(rows: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    by_child: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_child[row["CHILD"]].append(row)
    return by_child


def test_an_applied_import_leaves_planner_statistics(shared_data, run):
    from django.db import connection

    result = run(shared_data / REGIONAL, options={"la": "312"})
    assert result.status == "applied"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'children_episode'")
        else:
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'children_episode'")
        assert cursor.fetchone()[0] > 0
