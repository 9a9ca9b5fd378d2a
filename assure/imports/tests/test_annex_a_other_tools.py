"""Annex A workbooks as other tools and councils make them: liiatools' header spellings,
the Ofsted template's misspellings, sheet names, lead rows and dates in any form."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

from assure.children.models import Episode, Review
from assure.imports.annex_a.lists import match_header, read_date_cell
from assure.imports.services import import_execute

pytestmark = pytest.mark.django_db


def codes(problems) -> list[str]:
    return [p.code for p in problems]


LIST8_INTERVIEWS = [
    "Number of Episodes the Child has been \u2018Missing\u2019 from their Placement in the "
    "last 12 months",
    "Number of Episodes the Child has been \u2018Absent\u2019 from their Placement in the "
    "last 12 months",
    "Was the child offered a Return Interview after their last missing episode (Y/N)?",
    "Did the child accept a Return Interview after their last missing episode (Y/N)?",
]


def test_return_interview_columns_are_not_taken_for_the_missing_count():
    assert [match_header(h, 8) for h in LIST8_INTERVIEWS] == [
        "missing_12m",
        "absent_12m",
        "return_offered",
        "return_accepted",
    ]


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Eligibity Category", "eligibility"),
        ("Eligibility Category", "eligibility"),
        ("Type of Accomodation", "accommodation"),
        ("Type of accommodation", "accommodation"),
        ("Suitability of Accomodation", "suitability"),
    ],
)
def test_list_9_headers_as_some_templates_misspell_them(header, field):
    assert match_header(header, 9) == field


def list8_workbook(path: Path, *, start: object) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "List_8"
    sheet.append(["Annex A - List 8: Children in care"])  # title and blank rows above
    sheet.append([])
    sheet.append(
        [
            "Child Unique ID",
            "Gender",
            "Date of Birth",
            "Date Started to be Looked After",
            "Child's Legal Status",
            "Date of Latest Statutory Review",
            "What is the permanence plan for this child?",
            "Start Date of Most Recent Placement",
            "Placement Type",
            *LIST8_INTERVIEWS,
        ]
    )
    sheet.append(
        [
            "C8",
            "b) Female",
            dt.datetime(2012, 3, 14),
            start,
            "C2: Full care order",
            "01/11/2022",
            "d) Long-term fostering",
            start,
            "f) U6: Foster placement - not FFA",
            0,
            0,
            "a) Yes",
            "b) No",
        ]
    )
    book.save(path)
    return path


@pytest.mark.parametrize(
    "start",
    [
        dt.datetime(2021, 5, 10),
        44326,
        "44326",
        "10/05/2021",
        "2021-05-10 00:00:00",
        "10-May-2021",
    ],  # fmt: skip
)
def test_a_list_8_as_other_tools_write_it(tmp_path, start):
    path = list8_workbook(tmp_path / "annex-a.xlsx", start=start)
    result = import_execute(kind="annex_a", paths=[path])
    assert result.status == "applied", result.errors
    assert "repeated-column" not in codes(result.warnings)
    assert Episode.objects.get(child__child_id="C8").start_date == dt.date(2021, 5, 10)
    assert Review.objects.get(child__child_id="C8").review_date == dt.date(2022, 11, 1)
    unused = {p.column for p in result.warnings if p.code == "column-not-used"}
    assert set(LIST8_INTERVIEWS) <= unused


def test_an_annex_a_text_date_with_a_month_name():
    assert read_date_cell("16-Sep-2020") == dt.date(2020, 9, 16)
