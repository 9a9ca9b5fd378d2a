"""903 files made by other tools: what SQL Server, pandas, spreadsheets, .NET XML writers
and the 2026/27 return put in a 903, each built here in the test."""

from __future__ import annotations

import datetime as dt

import pytest

from assure.children.models import Child, Episode

from .conftest import EPISODE_COLUMNS, HEADER_COLUMNS

pytestmark = pytest.mark.django_db

HEADER = f"{HEADER_COLUMNS}\n101,1,14/03/2012,WBRI,,0,\n"
XML_CHILD = """<CHILD><HEADER><CHILDID>A1</CHILDID><SEX>2</SEX><DOB>14/03/2012</DOB>
<ETHNIC>WBRI</ETHNIC><UPN/><MOTHER/><MC_DOB/>{extra}</HEADER>
<EPISODE><DECOM>10/05/2022</DECOM><RNE>S</RNE><LS>C1</LS><CIN>N1</CIN><PL>U6</PL>
<PLACE_PROVIDER>PR1</PLACE_PROVIDER><DEC/><REC/></EPISODE></CHILD>"""


def codes(problems) -> list[str]:
    return [p.code for p in problems]


def episode(child_id: str) -> Episode:
    return Episode.objects.get(child__child_id=child_id)


# --- 903 CSV values ------------------------------------------------------------------


def test_a_urn_written_as_a_decimal_is_stored_as_the_whole_number(write, run):
    # pandas writes a column of numbers with blanks as 1234567.0: the URN is 1234567.
    path = write(
        "episodes.csv",
        f"{EPISODE_COLUMNS}\n101,10/05/2022,S,C2,N1,U1,PR1,,,,,,1234567.0\n"
        "102,10/05/2022,S,C2,N1,U1,PR1,,,,,,\n",
    )
    result = run(path, options={"year": 2023})
    assert result.status == "applied", result.errors
    assert episode("101").urn == "1234567"
    assert [p.column for p in result.warnings if p.code == "decimal-whole-number"] == ["URN"]


@pytest.mark.parametrize(
    ("written", "date"),
    [
        ("10/05/2022 12:00:00 AM", dt.date(2022, 5, 10)),  # SQL Server, Access, .NET
        ("10/05/2022 00:00", dt.date(2022, 5, 10)),
        ("10-May-2022", dt.date(2022, 5, 10)),  # Excel's d-mmm-yyyy, saved as text
        ("10 September 2022", dt.date(2022, 9, 10)),
    ],
)
def test_dates_as_other_tools_write_them(write, run, written, date):
    path = write("episodes.csv", f"{EPISODE_COLUMNS}\n101,{written},S,C2,N1,U1,PR1,,,,,,\n")
    result = run(path, options={"year": 2023})
    assert result.status == "applied", result.errors
    assert episode("101").start_date == date


@pytest.mark.parametrize("written", ["10/05/22", "10-May-22", "20220510", "10-Mai-2022"])
def test_a_two_digit_year_or_an_unknown_layout_is_not_guessed(write, run, written):
    path = write("episodes.csv", f"{EPISODE_COLUMNS}\n101,{written},S,C2,N1,U1,PR1,,,,,,\n")
    result = run(path, options={"year": 2023})
    assert result.status == "rejected"
    assert codes(result.errors) == ["invalid-date"]


@pytest.mark.parametrize("word", ["NULL", "nan", "NaT", "None"])
def test_a_blank_written_as_a_word_is_blank(write, run, word):
    # SQL Server's exports write NULL; pandas writes nan (NaT for dates) for a table made
    # text before it is saved. An open episode is still open, not an invalid date.
    episodes = write(
        "episodes.csv",
        f"{EPISODE_COLUMNS}\n101,10/05/2022,S,C2,N1,U1,PR1,{word},{word},{word},,,{word}\n",
    )
    header = write("header.csv", f"{HEADER_COLUMNS}\n101,1,14/03/2012,WBRI,{word},{word},\n")
    result = run(episodes, header, options={"year": 2023})
    assert result.status == "applied", result.errors
    stored = episode("101")
    assert (stored.end_date, stored.reason_ceased, stored.urn) == (None, "", "")
    assert Child.objects.get(child_id="101").upn == ""
    words = [p for p in result.warnings if p.code == "no-value-word"]
    assert sorted(p.column for p in words) == ["DEC", "MOTHER", "REASON_PLACE_CHANGE", "REC",
                                               "UPN", "URN"]  # fmt: skip
    assert all(p.value == word for p in words)
    assert {c for c in codes(result.warnings)} <= {"no-value-word", "missing-value"}


def test_a_child_id_of_null_is_a_missing_child(write, run):
    path = write("episodes.csv", f"{EPISODE_COLUMNS}\nNULL,10/05/2022,S,C2,N1,U1,PR1,,,,,,\n")
    result = run(path, options={"year": 2023})
    assert codes(result.errors) == ["missing-child"]


# --- The 2026/27 return's DoLo table -----------------------------------------------------


def test_a_dolo_csv_does_not_stop_the_other_tables(write, run):
    header = write("header.csv", HEADER)
    dolo = write(
        "dolo.csv",
        "CHILD,DOB,DOLO_START,DOLO_END\r\n101,14/03/2012,01/05/2026,\r\n102,,02/05/2026,\r\n",
    )
    result = run(header, dolo, options={"year": 2027})
    assert result.status == "applied", result.errors
    assert Child.objects.filter(child_id="101").exists()
    (problem,) = [p for p in result.warnings if p.code == "table-not-kept"]
    assert problem.file.endswith("dolo.csv")
    assert "DoLo" in problem.message and "2 rows" in problem.message
    assert [(f.table, f.rows) for f in result.files if f.path.endswith("dolo.csv")] == [("DoLo", 2)]


def test_dolo_records_in_the_xml_are_named_not_taken_for_header_fields(write, run):
    dolo = "<DOLO><DOLO_START>01/05/2026</DOLO_START><DOLO_END/></DOLO>" * 2
    path = write("903.xml", f"<Children>{XML_CHILD.format(extra=dolo)}</Children>")
    result = run(path, options={"year": 2027})
    assert result.status == "applied", result.errors
    assert codes(result.warnings).count("table-not-kept") == 1
    assert "extra-column" not in codes(result.warnings)
    assert episode("A1").placement_type == "U6"


# --- XML encodings -------------------------------------------------------------------


def test_utf16_xml_as_dotnet_writes_it_is_read(write, run):
    text = f'<?xml version="1.0" encoding="utf-16"?>\r\n<Children>{XML_CHILD}</Children>'
    path = write("903.xml", text.format(extra="").encode("utf-16"))
    result = run(path, options={"year": 2023})
    assert result.status == "applied", result.errors
    assert episode("A1").start_date == dt.date(2022, 5, 10)
