"""Every code list, year by year: each code is accepted in the years the DfE's specification
allows it, a code from another year's list is a warning naming the years it is valid in,
and a code in no year's list is an error where the care history needs it and a blank
value with a warning elsewhere."""

from __future__ import annotations

import datetime as dt

import pytest

from assure.children.models import AdoptionDecision, Child
from assure.imports.ssda903 import codelists
from assure.imports.ssda903.tables import BY_NAME

pytestmark = pytest.mark.django_db

# Each table with a row whose dates fit any collection year; {Y} is the year it ends.
TEMPLATES = {
    "Header": {"CHILD": "", "SEX": "1", "DOB": "01/01/2010", "ETHNIC": "WBRI", "UPN": "",
               "MOTHER": "", "MC_DOB": ""},
    "Episodes": {"CHILD": "", "DECOM": "01/05/{P}", "RNE": "S", "LS": "C2", "CIN": "N1",
                 "PLACE": "U4", "PLACE_PROVIDER": "PR1", "DEC": "", "REC": "",
                 "REASON_PLACE_CHANGE": "", "HOME_POST": "", "PL_POST": "", "URN": ""},
    "Reviews": {"CHILD": "", "DOB": "01/01/2010", "REVIEW": "01/05/{P}", "REVIEW_CODE": "PN1"},
    "PrevPerm": {"CHILD": "", "DOB": "01/01/2010", "PREV_PERM": "Z1", "LA_PERM": "",
                 "DATE_PERM": ""},
    "Missing": {"CHILD": "", "DOB": "01/01/2010", "MISSING": "M", "MIS_START": "01/05/{P}",
                "MIS_END": ""},
    "PlacedAdoption": {"CHILD": "", "DOB": "01/01/2010", "DATE_PLACED": "01/05/{P}",
                       "DATE_PLACED_CEASED": "", "REASON_PLACED_CEASED": ""},
    "AD1": {"CHILD": "", "DOB": "01/01/2010", "DATE_INT": "01/05/{P}", "DATE_MATCH": "",
            "FOSTER_CARE": "", "NB_ADOPTR": "", "SEX_ADOPTR": "", "LS_ADOPTR": ""},
    "OC2": {"CHILD": "", "DOB": "01/01/2010", "SDQ_SCORE": "", "SDQ_REASON": "",
            "CONVICTED": "", "HEALTH_CHECK": "1", "IMMUNISATIONS": "", "TEETH_CHECK": "",
            "HEALTH_ASSESSMENT": "", "SUBSTANCE_MISUSE": "", "INTERVENTION_RECEIVED": "",
            "INTERVENTION_OFFERED": ""},
    "OC3": {"CHILD": "", "DOB": "01/01/2004", "IN_TOUCH": "YES", "ACTIV": "", "ACCOM": ""},
    "SWEpisodes": {"CHILD": "", "DOB": "01/01/2010", "SW_ID": "SW1", "SW_DECOM": "01/05/{P}",
                   "SW_DEC": "", "SW_REASON": ""},
}  # fmt: skip
TABLE_OF = {
    column: next(name for name, template in TEMPLATES.items() if column in template)
    for column in codelists.LISTS
}


def _cases(column: str) -> list[tuple[str, int, bool]]:
    """(code, year, expect a year warning): each code in its first year, and in the year
    just outside its span when there is one inside the lists' years."""
    cases = []
    for code, span in codelists.LISTS[column].items():
        first = max(span.since, codelists.FIRST_YEAR)
        cases.append((code, first, False))
        if span.until is not None and span.until < codelists.LAST_YEAR:
            cases.append((code, span.until + 1, True))
        if span.since > codelists.FIRST_YEAR:
            cases.append((code, span.since - 1, True))
    return cases


@pytest.mark.parametrize("column", sorted(codelists.LISTS))
def test_each_list_year_by_year(write, run, column):
    table = TABLE_OF[column]
    template = TEMPLATES[table]
    cases = _cases(column)
    lines = [",".join([*template, "YEAR"])]
    for n, (code, year, _) in enumerate(cases):
        values = {**template, "CHILD": f"K{n}", column: code}
        values = {k: v.replace("{P}", str(year - 1)) for k, v in values.items()}
        lines.append(",".join([*values.values(), str(year)]))
    result = run(write(f"{table}.csv", "\n".join(lines) + "\n"), dry_run=True)

    about = [p for p in result.errors + result.warnings if p.column == column]
    assert [p for p in about if p.code == "unknown-code"] == []
    warned = {p.row: p.message for p in about if p.code == "code-not-in-year"}
    expected = {n + 2 for n, (_, _, warn) in enumerate(cases) if warn}
    assert set(warned) == expected, (column, warned)
    for n, (code, year, warn) in enumerate(cases):
        if warn:
            label = codelists.years_valid(column, code)
            assert f"not in the {codelists.year_label(year)} list" in warned[n + 2]
            assert label.replace("every year", "in every year") in warned[n + 2]
    assert result.status == "dry_run", result.errors


def test_the_lists_cover_every_year_and_say_when():
    assert codelists.year_label(2024) == "2023/24"
    assert codelists.years_valid("REC", "E43") == "2015/16 to 2017/18"
    assert codelists.years_valid("REC", "E45") == "2018/19 onwards"
    assert codelists.years_valid("PLACE", "K3") == "2024/25 onwards"
    assert codelists.years_valid("PLACE", "Z11") == "2025/26 onwards"
    assert codelists.years_valid("SEX", "1") == "2015/16 to 2023/24"
    assert codelists.years_valid("LS", "C2") == "every year"
    # Before the first list, the first list; after the last, the last.
    assert codelists.valid_in("REC", "E43", 2010) and not codelists.valid_in("REC", "E45", 2010)
    assert codelists.valid_in("PLACE", "Z14", 2030) and not codelists.valid_in("PLACE", "Z1", 2030)
    for column, codes in codelists.LISTS.items():
        first = 2024 if column == "SW_REASON" else codelists.FIRST_YEAR  # SWEpisodes: 2023/24
        for year in range(first, codelists.LAST_YEAR + 1):
            assert codelists.codes_in(column, year), (column, year)  # never an empty list
        assert all(code == code.upper() for code in codes)
    # Every coded column of every table has its list.
    for table in BY_NAME.values():
        assert set(table.coded) <= set(codelists.LISTS)  # type: ignore[attr-defined]


def test_ad1_takes_the_dfes_adopter_codes(write, run):
    rows = [
        f"D{n},01/01/2010,01/03/2020,01/05/2020,1,{number},{sex},{status}"
        for n, (number, sex, status) in enumerate(
            [
                ("1", "M1", "L0"),
                ("1", "F1", "L0"),
                ("2", "MM", "L12"),
                ("2", "FF", "L11"),
                ("2", "MF", "L2"),
            ]  # fmt: skip
        )
    ]
    path = write(
        "ad1.csv",
        "CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR\n"
        + "\n".join(rows)
        + "\n",
    )
    result = run(path)
    assert result.status == "applied" and result.errors == []
    assert not [p for p in result.warnings if p.column in ("NB_ADOPTR", "SEX_ADOPTR")]
    assert sorted(
        AdoptionDecision.objects.values_list(
            "number_of_adopters", "sex_of_adopters", "legal_status_of_adopters"
        )
    ) == [("1", "F1", "L0"), ("1", "M1", "L0"), ("2", "FF", "L11"), ("2", "MF", "L2"),
          ("2", "MM", "L12")]  # fmt: skip


def test_an_unknown_code_where_the_care_history_needs_it_is_an_error(write, run):
    path = write(
        "e.csv",
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
        "PL_POST,URN\nE1,01/02/2020,S,C9,N1,U4,PR1,,,,,,\nE2,01/02/2020,S,C2,N9,U4,PR1,,,,,,\n",
    )
    result = run(path)
    assert result.status == "rejected"
    assert [(p.row, p.column, p.code) for p in result.errors] == [(2, "LS", "unknown-code")]
    # CIN is not needed by the care history: E2 would be stored with CIN blank.
    assert [(p.row, p.column, p.code) for p in result.warnings if p.code == "unknown-code"] == [
        (3, "CIN", "unknown-code")
    ]


def test_sex_in_the_old_and_new_codings_is_stored_the_same(write, run):
    path = write(
        "h.csv",
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB,YEAR\n"
        "S1,1,01/01/2010,WBRI,,,,2020\nS2,M,01/01/2010,WBRI,,,,2025\n"
        "S3,F,01/01/2010,WBRI,,,,2020\n",
    )
    result = run(path)
    assert dict(Child.objects.values_list("child_id", "sex")) == {"S1": "M", "S2": "M", "S3": "F"}
    warned = [(p.row, p.value) for p in result.warnings if p.code == "code-not-in-year"]
    assert warned == [(4, "F")]  # F was not in 2019/20's list (1 and 2 were)
    assert Child.objects.get(child_id="S1").date_of_birth == dt.date(2010, 1, 1)
