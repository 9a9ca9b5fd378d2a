"""Whole-file integrity (a cut-off file, a repeated column, a row of the wrong width, dates
out of range) and field-level problems that keep the row (a bad MOTHER no longer loses the
child's date of birth); and the limits that keep memory bounded."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from assure.children.models import Child, Episode, MissingEpisode
from assure.imports.framework import Problem, Problems, RowSet
from assure.imports.models import ImportRun
from assure.imports.ssda903 import store as scratch

from .conftest import EPISODE_COLUMNS, HEADER_COLUMNS

pytestmark = pytest.mark.django_db

EPISODE = "C1,01/02/2020,S,C2,N1,U4,PR1,,,,AB1 2CD,AB3 4EF,SC123456"


def nothing_stored() -> bool:
    return not Child.objects.exists() and not ImportRun.objects.exists()


# Whole files --------------------------------------------------------------------------------


def test_a_file_cut_off_inside_a_quoted_field_is_refused(write, run):
    path = write("e.csv", f'{EPISODE_COLUMNS}\n{EPISODE}\nC2,01/02/2020,S,C2,N1,U4,PR1,,,,"AB1 2')
    result = run(path, skip_invalid_rows=True)
    assert result.status == "rejected"
    assert [(p.code, p.row) for p in result.errors] == [("file-truncated", None)]
    assert "opens on line 3" in result.errors[0].message
    assert nothing_stored()


def test_a_repeated_column_is_refused_naming_it(write, run):
    path = write("h.csv", "CHILD,SEX,DOB,ETHNIC,DOB\nC1,1,01/01/2015,WBRI,02/02/2015\n")
    result = run(path, skip_invalid_rows=True)
    assert result.status == "rejected"
    problem = result.errors[0]
    assert (problem.code, problem.column, problem.row) == ("repeated-column", "DOB", None)
    assert "columns 3 and 5" in problem.message
    assert nothing_stored()


@pytest.mark.parametrize(
    ("line", "fields"),
    [(EPISODE + ",EXTRA", 14), (EPISODE.rsplit(",", 2)[0], 11)],
    ids=["more", "fewer"],
)
def test_a_row_of_the_wrong_width_is_an_error_naming_the_line(write, run, line, fields):
    other = EPISODE.replace("C1,", "C2,")
    path = write("e.csv", f"{EPISODE_COLUMNS}\n{other}\n{line}\n")
    result = run(path)
    assert result.status == "rejected"
    assert [(p.code, p.row, p.value) for p in result.errors] == [
        ("wrong-field-count", 3, str(fields))
    ]
    assert f"Line 3 has {fields} fields but the header has 13" in result.errors[0].message
    assert nothing_stored()
    # Leaving it out stores the rest.
    result = run(path, skip_invalid_rows=True)
    assert result.status == "applied" and result.rows_rejected == 1
    assert list(Child.objects.values_list("child_id", flat=True)) == ["C2"]


def test_a_malformed_row_is_an_error_and_the_rest_read(write, run):
    path = write("e.csv", f'{EPISODE_COLUMNS}\n{EPISODE}\nC2,"01/02"/2020,S\n')
    result = run(path, skip_invalid_rows=True)
    assert [(p.code, p.row) for p in result.errors] == [("malformed-row", 3)]
    assert result.status == "applied"
    assert list(Episode.objects.values_list("child__child_id", flat=True)) == ["C1"]


# Dates ----------------------------------------------------------------------------------------


def test_a_date_of_birth_in_the_future_is_an_error(write, run):
    path = write("h.csv", f"{HEADER_COLUMNS}\nC1,1,01/01/9999,WBRI,,,\nC2,1,01/01/2015,WBRI,,,\n")
    result = run(path)
    assert [(p.code, p.row, p.column) for p in result.errors] == [("dob-in-future", 2, "DOB")]
    assert nothing_stored()


def test_a_date_before_1900_is_an_error_where_the_history_needs_it(write, run):
    episodes = write("e.csv", f"{EPISODE_COLUMNS}\n{EPISODE.replace('2020', '1020')}\n")
    result = run(episodes)
    assert [(p.code, p.column) for p in result.errors] == [("date-before-1900", "DECOM")]
    header = write("h.csv", f"{HEADER_COLUMNS}\nC1,2,01/01/2005,WBRI,,1,01/01/1888\n")
    result = run(header)
    assert result.status == "applied"
    assert ("date-before-1900", "MC_DOB") in {(p.code, p.column) for p in result.warnings}
    child = Child.objects.get()
    assert (child.mother_child_dob, child.date_of_birth) == (None, dt.date(2005, 1, 1))


def test_a_date_after_the_given_collection_year_is_a_warning(write, run):
    late = "C1,01/02/2020,S,C2,N1,U4,PR1,15/04/2020,E4A,,AB1 2CD,AB3 4EF,SC123456"
    named = write("903_2019-20_episodes.csv", f"{EPISODE_COLUMNS}\n{late}\n")
    result = run(named, dry_run=True)
    assert result.status == "dry_run"
    assert [(p.code, p.column) for p in result.warnings if p.code == "date-after-year"] == [
        ("date-after-year", "DEC")
    ]
    assert result.extra["collection_years"][0]["from"] == "file name"
    # With no year given, the year is worked out from the dates: nothing is after it.
    plain = write("episodes.csv", f"{EPISODE_COLUMNS}\n{late}\n")
    assert "date-after-year" not in {p.code for p in run(plain, dry_run=True).warnings}
    # --year says it too.
    given = run(plain, dry_run=True, options={"year": 2020})
    assert "date-after-year" in {p.code for p in given.warnings}


# Field-level problems -------------------------------------------------------------------------


def test_a_bad_mother_keeps_the_childs_details(write, run):
    path = write("h.csv", f"{HEADER_COLUMNS}\nC1,2,14/03/2010,WBRI,,x,\n")
    result = run(path)
    assert result.status == "applied" and result.errors == []
    child = Child.objects.get()
    assert (child.date_of_birth, child.sex, child.ethnicity, child.is_mother) == (
        dt.date(2010, 3, 14),
        "F",
        "WBRI",
        None,
    )
    problem = next(p for p in result.warnings if p.column == "MOTHER")
    assert (problem.code, problem.value, problem.row) == ("invalid-value", "x", 2)
    assert "stored with MOTHER blank" in problem.message


def test_whole_numbers_written_as_1_0_are_read_with_one_warning(write, run):
    path = write(
        "h.csv",
        f"{HEADER_COLUMNS}\n1234.0,2.0,14/03/2005,WBRI,,1.0,01/01/2021\n"
        "5678.0,2.0,14/03/2006,WBRI,,0.0,\n",
    )
    result = run(path)
    assert result.status == "applied"
    assert dict(Child.objects.values_list("child_id", "is_mother")) == {"1234": True, "5678": False}
    decimals = sorted(
        (p.column, p.row, p.message) for p in result.warnings if p.code == "decimal-whole-number"
    )
    assert [(column, row) for column, row, _ in decimals] == [
        ("CHILD", 2),
        ("MOTHER", 2),
        ("SEX", 2),
    ]
    assert "2 values, the first on line 2" in decimals[1][2]


@pytest.mark.parametrize(
    ("table", "line", "column", "code"),
    [
        (HEADER_COLUMNS, "C1,1,01/01/2010,WBRI,A12345678901234567,,", "UPN", "value-too-long"),
        (HEADER_COLUMNS, "C1,2,01/01/2005,WBRI,,1,31/02/2021", "MC_DOB", "invalid-date"),
        (HEADER_COLUMNS, "C1,1,01/01/2010,XXXX,,,", "ETHNIC", "unknown-code"),
        (
            "CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,"
            "HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED",
            "C1,01/01/2010,99,,0,1,1,1,1,0,,",
            "SDQ_SCORE",
            "invalid-value",
        ),
    ],
    ids=["upn", "mc-dob", "ethnic", "sdq"],
)
def test_field_level_problems_keep_the_row(write, run, table, line, column, code):
    result = run(write("t.csv", f"{table}\n{line}\n"))
    assert result.status == "applied" and result.errors == []
    problem = next(p for p in result.warnings if p.column == column)
    assert problem.code == code and problem.row == 2
    assert f"stored with {column} blank" in problem.message
    assert Child.objects.filter(child_id="C1").exists()


def test_a_missing_episode_ending_before_it_starts_keeps_its_start(write, run):
    path = write(
        "m.csv", "CHILD,DOB,MISSING,MIS_START,MIS_END\nC1,01/01/2010,M,05/06/2020,01/06/2020\n"
    )
    result = run(path)
    assert result.status == "applied"
    assert ("end-before-start", "MIS_END") in {(p.code, p.column) for p in result.warnings}
    assert list(MissingEpisode.objects.values_list("start_date", "end_date")) == [
        (dt.date(2020, 6, 5), None)
    ]


def test_row_level_problems_stay_errors(write, run):
    path = write(
        "e.csv",
        f"{EPISODE_COLUMNS}\nC1,soon,S,C2,N1,U4,PR1,,,,,,\nC2,01/02/2020,S,C2,N1,U4,PR1,,Q9,,,,\n"
        ",01/02/2020,S,C2,N1,U4,PR1,,,,,,\n",
    )
    result = run(path)
    assert sorted((p.row, p.code) for p in result.errors) == [
        (2, "invalid-date"),
        (3, "unknown-code"),
        (4, "missing-child"),
    ]
    assert nothing_stored()


# Bounded memory -------------------------------------------------------------------------------


def test_problems_beyond_the_limit_are_counted_not_listed(write, run, settings):
    settings.IMPORT_PROBLEMS_LISTED = 3
    rows = "\n".join(f"C{n},01/01/2010,M,05/06/2020,01/06/2020" for n in range(8))
    result = run(write("m.csv", f"CHILD,DOB,MISSING,MIS_START,MIS_END\n{rows}\n"), dry_run=True)
    assert len(result.warnings) == 3
    assert result.counts[("warning", "end-before-start")] == 8
    assert result.not_listed == {"warning": 5}
    assert result.as_dict()["not_listed"] == {"warning": 5}
    json.dumps(result.as_dict())


def test_rejected_rows_are_kept_as_bits():
    rows = RowSet()
    for row in (2, 3, 3, 900_001):
        rows.add(("a.csv", row))
    rows.add(("b.csv", 2))
    assert len(rows) == 4
    assert ("a.csv", 900_001) in rows and ("a.csv", 4) not in rows and ("c.csv", 2) not in rows
    assert sorted(rows) == [("a.csv", 2), ("a.csv", 3), ("a.csv", 900_001), ("b.csv", 2)]
    problems = Problems(listed=1)
    for row in (2, 3):
        problems.error(Problem("a.csv", row, "", "", "x", "bad"))
    assert len(problems.rejected) == 2 and len(problems.errors) == 1


def test_a_large_import_keeps_its_rows_on_disk_and_removes_them(write, run, settings, tmp_path,
                                                                 monkeypatch):  # fmt: skip
    monkeypatch.setattr(scratch, "IN_MEMORY_BYTES", 0)
    settings.IMPORT_SCRATCH_DIR = str(tmp_path / "scratch")
    (tmp_path / "scratch").mkdir()
    seen = []
    original = scratch.Store.__init__

    def spy(self, *, input_bytes):  # type: ignore[no-untyped-def]
        original(self, input_bytes=input_bytes)
        seen.append(self.folder)

    monkeypatch.setattr(scratch.Store, "__init__", spy)
    result = run(write("e.csv", f"{EPISODE_COLUMNS}\n{EPISODE}\n"))
    assert result.status == "applied" and Episode.objects.count() == 1
    assert seen and seen[0] is not None and seen[0].parent == tmp_path / "scratch"
    assert list((tmp_path / "scratch").iterdir()) == []  # removed once the import was done
