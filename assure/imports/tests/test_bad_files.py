"""Bad files: each gives a clear error and stores nothing."""

from __future__ import annotations

import os

import pytest

from assure.children.models import Child, Episode
from assure.imports.models import ImportRun

from .conftest import EPISODE_COLUMNS, HEADER_COLUMNS

pytestmark = pytest.mark.django_db

GOOD_EPISODE = "C1,01/02/2020,S,C2,N1,U4,PR1,,,,AB1 2CD,AB3 4EF,SC123456"


def assert_rejected(result, code, *, row=None, column=None):
    assert result.status == "rejected"
    assert result.exit_code == 1
    assert code in {p.code for p in result.errors}, result.errors
    problem = next(p for p in result.errors if p.code == code)
    if row is not None:
        assert problem.row == row
    if column is not None:
        assert problem.column == column
    assert problem.message
    assert Child.objects.count() == 0
    assert Episode.objects.count() == 0
    assert ImportRun.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ("", "file-empty"),
        ("\r\n  \n", "file-empty"),
        (EPISODE_COLUMNS + "\n", "file-no-rows"),
        ("NAME,AGE,COLOUR\nAnn,4,red\n", "file-unrecognised"),
        (os.urandom(4096) + b"\x00", "file-not-text"),
    ],
    ids=["empty", "blank-lines", "header-only", "unknown-columns", "binary"],
)
def test_unusable_files(write, run, content, code):
    path = write("return.csv", content)
    assert_rejected(run(path), code)


def test_one_bad_file_rejects_the_good_ones_too(write, run):
    good = write("episodes.csv", f"{EPISODE_COLUMNS}\n{GOOD_EPISODE}\n")
    bad = write("junk.csv", "NAME,AGE\nAnn,4\n")
    result = run(good, bad, skip_invalid_rows=True)
    assert_rejected(result, "file-unrecognised")


def test_a_missing_path_is_an_error_not_a_crash(tmp_path, run):
    assert_rejected(run(tmp_path / "nowhere.csv"), "file-unreadable")


def test_an_empty_folder_is_an_error(tmp_path, run):
    (tmp_path / "empty").mkdir()
    assert_rejected(run(tmp_path / "empty"), "no-files")


def test_unknown_codes(write, run):
    path = write("e.csv", f"{EPISODE_COLUMNS}\nC1,01/02/2020,S,C9,N1,U4,PR1,,,,,,\n")
    assert_rejected(run(path), "unknown-code", row=2, column="LS")


def test_impossible_dates(write, run):
    path = write("e.csv", f"{EPISODE_COLUMNS}\nC1,31/02/2020,S,C2,N1,U4,PR1,,,,,,\n")
    result = run(path)
    assert_rejected(result, "invalid-date", row=2, column="DECOM")
    assert result.errors[0].value == "31/02/2020"
    assert "not a real date" in result.errors[0].message


def test_unparseable_dates(write, run):
    path = write("h.csv", f"{HEADER_COLUMNS}\nC1,1,next tuesday,WBRI,,,\n")
    assert_rejected(run(path), "invalid-date", row=2, column="DOB")


def test_missing_child(write, run):
    path = write("e.csv", f"{EPISODE_COLUMNS}\n,01/02/2020,S,C2,N1,U4,PR1,,,,,,\n")
    assert_rejected(run(path), "missing-child", row=2, column="CHILD")


def test_missing_episode_start(write, run):
    path = write("e.csv", f"{EPISODE_COLUMNS}\nC1,,S,C2,N1,U4,PR1,,,,,,\n")
    assert_rejected(run(path), "missing-key", row=2, column="DECOM")


def test_dec_before_decom(write, run):
    path = write("e.csv", f"{EPISODE_COLUMNS}\nC1,01/02/2020,S,C2,N1,U4,PR1,01/01/2020,E11,,,,\n")
    assert_rejected(run(path), "dec-before-decom", row=2, column="DEC")


def test_value_too_long(write, run):
    path = write("e.csv", f"{EPISODE_COLUMNS}\n{'C' * 51},01/02/2020,S,C2,N1,U4,PR1,,,,,,\n")
    assert_rejected(run(path), "value-too-long", row=2, column="CHILD")


def test_file_over_the_size_limit(write, run, settings):
    settings.IMPORT_MAX_FILE_BYTES = 100
    path = write("e.csv", f"{EPISODE_COLUMNS}\n{GOOD_EPISODE}\n")
    result = run(path)
    assert_rejected(result, "file-too-large")
    assert "limit is 100 bytes" in result.errors[0].message


def test_duplicate_rows_are_a_warning_and_stored_once(write, run):
    path = write("e.csv", f"{EPISODE_COLUMNS}\n{GOOD_EPISODE}\n{GOOD_EPISODE}\n")
    result = run(path)
    assert result.status == "applied"
    assert [(p.code, p.row) for p in result.warnings if p.code == "duplicate-row"] == [
        ("duplicate-row", 3)
    ]
    assert Episode.objects.count() == 1
    assert result.episodes_loaded == 1


def test_conflicting_rows_in_one_file_are_an_error(write, run):
    other = GOOD_EPISODE.replace("U4", "U5")
    path = write("e.csv", f"{EPISODE_COLUMNS}\n{GOOD_EPISODE}\n{other}\n")
    assert_rejected(run(path), "conflicting-rows", row=3)
