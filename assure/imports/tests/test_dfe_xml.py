"""The DfE's XML layout, written here from the specification: `CHILD` holding one `HEADER`
(with `CHILDID`, the Header fields, the AD1 and OC3 fields, `UASC` and `DUC` as leaves, and
nested `AREVIEW`, `AMISSING`, `OC2`, `PERMANENCE` and `AD_PLACED`) and `EPISODE` elements
beside it. The same return as CSVs loads the same records in every table, with the same
problems."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from assure.children import models as cm
from assure.core.models import DomainEvent
from assure.imports.models import ChildCheck

pytestmark = pytest.mark.django_db

HEADER = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]
EPISODE = ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
           "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"]  # fmt: skip
TABLES = {
    "Reviews": (["CHILD", "DOB", "REVIEW", "REVIEW_CODE"], "AREVIEW"),
    "Missing": (["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"], "AMISSING"),
    "OC2": (
        [
            "CHILD",
            "DOB",
            "SDQ_SCORE",
            "SDQ_REASON",
            "CONVICTED",
            "HEALTH_CHECK",
            "IMMUNISATIONS",
            "TEETH_CHECK",
            "HEALTH_ASSESSMENT",
            "SUBSTANCE_MISUSE",
            "INTERVENTION_RECEIVED",
            "INTERVENTION_OFFERED",
        ],
        "OC2",
    ),  # fmt: skip
    "PrevPerm": (["CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"], "PERMANENCE"),
    "PlacedAdoption": (
        ["CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"],
        "AD_PLACED",
    ),
}
AD1 = ["CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR",
       "LS_ADOPTR"]  # fmt: skip
OC3 = ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"]
UASC = ["CHILD", "SEX", "DOB", "DUC"]

# Three children of a 2022/23 return: one in long-term foster care with reviews, a missing
# episode, outcomes and a broken-down SGO before; one adopted; one unaccompanied asylum-seeking
# child who has left care. Some values are deliberately wrong (MOTHER "x", a review code for
# a child too young for it, an unknown ACTIV): both layouts must report them the same way.
CHILDREN = [
    {
        "header": ["A1", "2", "14/03/2012", "WBRI", "A123456789012", "x", ""],
        "episodes": [
            [
                "A1",
                "10/05/2022",
                "S",
                "C1",
                "N1",
                "U6",
                "PR1",
                "20/09/2022",
                "X1",
                "",
                "AB1 2CD",
                "AB3 4EF",
                "SC111111",
            ],
            [
                "A1",
                "20/09/2022",
                "L",
                "C2",
                "N1",
                "U6",
                "PR1",
                "",
                "",
                "",
                "AB1 2CD",
                "AB3 4EF",
                "SC111111",
            ],
        ],  # fmt: skip
        "Reviews": [
            ["A1", "14/03/2012", "02/06/2022", "PN1"],
            ["A1", "14/03/2012", "01/12/2022", "PN0"],
        ],  # fmt: skip
        "Missing": [["A1", "14/03/2012", "M", "03/07/2022", "05/07/2022"]],
        "OC2": [["A1", "14/03/2012", "15", "", "0", "1", "1", "1", "1", "0", "", ""]],
        "PrevPerm": [["A1", "14/03/2012", "P2", "312", "zz/zz/2019"]],
    },
    {
        "header": ["B2", "1", "02/02/2019", "MWBC", "", "", ""],
        "episodes": [
            [
                "B2",
                "01/04/2021",
                "S",
                "C2",
                "N1",
                "U4",
                "PR1",
                "01/06/2022",
                "X1",
                "",
                "AB1 2CD",
                "AB3 4EF",
                "SC222222",
            ],
            [
                "B2",
                "01/06/2022",
                "B",
                "E1",
                "N1",
                "A5",
                "PR1",
                "10/01/2023",
                "E11",
                "",
                "AB1 2CD",
                "AB3 4EF",
                "SC222222",
            ],
        ],  # fmt: skip
        "PlacedAdoption": [["B2", "02/02/2019", "15/11/2021", "", ""]],
        "AD1": [["B2", "02/02/2019", "15/11/2021", "20/04/2022", "1", "2", "MF", "L2"]],
    },
    {
        "header": ["C3", "1", "05/08/2005", "OOTH", "", "", ""],
        "episodes": [
            [
                "C3",
                "12/12/2020",
                "S",
                "V2",
                "N7",
                "K2",
                "PR4",
                "05/08/2022",
                "E6",
                "",
                "AB1 2CD",
                "AB3 4EF",
                "SC333333",
            ],
        ],  # fmt: skip
        "UASC": [["C3", "1", "05/08/2005", "05/08/2023"]],
        "OC3": [["C3", "05/08/2005", "YES", "Z9", "B1"]],
    },
]


def write_csvs(folder: Path) -> list[Path]:
    tables = {
        "header": (HEADER, [c["header"] for c in CHILDREN]),
        "episodes": (EPISODE, [e for c in CHILDREN for e in c["episodes"]]),
        **{name: (columns, [r for c in CHILDREN for r in c.get(name, [])])
           for name, (columns, _) in TABLES.items()},
        "AD1": (AD1, [r for c in CHILDREN for r in c.get("AD1", [])]),
        "OC3": (OC3, [r for c in CHILDREN for r in c.get("OC3", [])]),
        "UASC": (UASC, [r for c in CHILDREN for r in c.get("UASC", [])]),
    }  # fmt: skip
    paths = []
    for name, (columns, rows) in tables.items():
        path = folder / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            writer.writerows(rows)
        paths.append(path)
    return paths


def _leaves(columns: list[str], values: list[str], *, skip: tuple[str, ...] = ()) -> str:
    names = {"PLACE": "PL"}
    return "".join(
        f"<{names.get(c, c)}>{escape(v)}</{names.get(c, c)}>"
        for c, v in zip(columns, values, strict=True)
        if c not in skip
    )


def write_xml(path: Path) -> Path:
    """The DfE's layout, as a case-management system exports it."""
    children = []
    for child in CHILDREN:
        header = "<CHILDID>" + child["header"][0] + "</CHILDID>"
        header += _leaves(HEADER, child["header"], skip=("CHILD",))
        if child.get("UASC"):
            header += f"<UASC>1</UASC><DUC>{child['UASC'][0][3]}</DUC>"
        else:
            header += "<UASC>0</UASC>"
        for row in child.get("AD1", []):
            header += _leaves(AD1, row, skip=("CHILD", "DOB"))
        for row in child.get("OC3", []):
            header += _leaves(OC3, row, skip=("CHILD", "DOB"))
        for name, (columns, tag) in TABLES.items():
            for row in child.get(name, []):
                header += f"<{tag}>{_leaves(columns, row, skip=('CHILD', 'DOB'))}</{tag}>"
        episodes = "".join(
            f"<EPISODE>{_leaves(EPISODE, row, skip=('CHILD',))}</EPISODE>"
            for row in child["episodes"]
        )
        children.append(f"<CHILD><HEADER>{header}</HEADER>{episodes}</CHILD>")
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<Children>'
        + "\n".join(children)
        + "</Children>\n",
        encoding="utf-8",
    )
    return path


def stored() -> dict[str, list[tuple]]:
    """Every 903 table's records, by child, as plain tuples."""

    def rows(model, *fields):  # type: ignore[no-untyped-def]
        return sorted(model.objects.values_list("child__child_id", *fields))

    return {
        "children": sorted(
            cm.Child.objects.values_list(
                "child_id", "sex", "date_of_birth", "ethnicity", "upn", "is_mother",
                "mother_child_dob", "uasc", "uasc_ceased_date",
            )
        ),
        "episodes": rows(
            cm.Episode, "start_date", "reason_new_episode", "legal_status", "category_of_need",
            "placement_type", "placement_provider", "end_date", "reason_ceased",
            "reason_place_change", "home_postcode", "placement_postcode", "urn",
        ),
        "reviews": rows(cm.Review, "review_date", "review_code"),
        "missing": rows(cm.MissingEpisode, "kind", "start_date", "end_date"),
        "outcomes": rows(
            cm.ChildOutcome, "sdq_score", "sdq_reason", "convicted", "health_check",
            "immunisations", "teeth_check", "health_assessment", "substance_misuse",
            "intervention_received", "intervention_offered",
        ),
        "care_leavers": rows(cm.CareLeaverOutcome, "in_touch", "activity", "accommodation"),
        "previous_permanence": rows(
            cm.PreviousPermanenceRecord, "previous_permanence", "la_of_permanence",
            "date_of_permanence",
        ),
        "adoption_decisions": rows(
            cm.AdoptionDecision, "decision_date", "match_date", "foster_care",
            "number_of_adopters", "sex_of_adopters", "legal_status_of_adopters",
        ),
        "placed_for_adoption": rows(
            cm.PlacedForAdoption, "date_placed", "date_placed_ceased", "reason_placed_ceased"
        ),
    }  # fmt: skip


def problems(result) -> Counter:  # type: ignore[no-untyped-def]
    """The problems about rows, by what they say (not where: a CSV's line and an XML
    record's position differ)."""
    return Counter(
        (severity, p.code, p.column, p.value, p.message)
        for severity, items in (("error", result.errors), ("warning", result.warnings))
        for p in items
        if p.row is not None and p.code not in ("extra-column", "missing-column")
    )


def _empty() -> None:
    ChildCheck.objects.all().delete()
    DomainEvent.objects.all().delete()
    cm.Child.objects.all().delete()


def test_the_dfe_xml_and_the_same_return_as_csv_load_the_same_records(tmp_path, run):
    from_csv = run(*write_csvs(tmp_path), options={"year": 2023})
    assert from_csv.status == "applied", from_csv.errors
    expected = stored()
    assert all(expected[table] for table in expected), expected  # every table has rows
    csv_problems = problems(from_csv)
    _empty()

    from_xml = run(write_xml(tmp_path / "return.xml"), options={"year": 2023})

    assert from_xml.status == "applied", from_xml.errors
    assert from_xml.files[0].table == "XML"
    assert stored() == expected
    assert problems(from_xml) == csv_problems
    assert from_xml.rows_read == from_csv.rows_read
    assert (from_xml.children, from_xml.episodes_loaded) == (3, 5)
    # Nothing in the DfE's layout is taken for something foreign.
    assert [p for p in from_xml.warnings if p.code == "extra-column"] == []


def test_what_the_xml_holds_is_read_into_each_table(tmp_path, run):
    result = run(write_xml(tmp_path / "return.xml"), options={"year": 2023})
    assert result.status == "applied"
    a1 = cm.Child.objects.get(child_id="A1")
    assert (a1.sex, str(a1.date_of_birth), a1.is_mother, a1.uasc) == (
        "F",
        "2012-03-14",
        None,
        False,
    )
    assert list(a1.reviews.values_list("review_code", flat=True)) == ["PN1", "PN0"]
    assert a1.previous_permanence.get().previous_permanence == "P2"
    assert a1.outcome.sdq_score == 15
    b2 = cm.Child.objects.get(child_id="B2")
    decision = b2.adoption_decisions.get()
    assert (decision.number_of_adopters, decision.sex_of_adopters) == ("2", "MF")
    assert str(b2.adoption_placements.get().date_placed) == "2021-11-15"
    c3 = cm.Child.objects.get(child_id="C3")
    assert (c3.uasc, str(c3.uasc_ceased_date)) == (True, "2023-08-05")
    assert (c3.care_leaver_outcome.in_touch, c3.care_leaver_outcome.activity) == ("YES", "")
    codes = {(p.code, p.column, p.value) for p in result.warnings}
    assert ("invalid-value", "MOTHER", "x") in codes  # stored blank, the rest of the row kept
    assert ("unknown-code", "ACTIV", "Z9") in codes
    # PN0 is for a child under 4: A1 was 10 at the review (DfE 440); PN1 fits a 10-year-old.
    assert ("review-under-4-code-at-4", "REVIEW_CODE", "PN0") in codes
    assert "review-code-under-4" not in {code for code, _, _ in codes}


def test_both_layouts_in_one_file_and_wrappers(write, run):
    path = write(
        "mixed.xml",
        """<?xml version="1.0"?>
<EXPSSDA903 xmlns="urn:example">
  <CHILD>
    <HEADER><CHILDID>N1</CHILDID><SEX>F</SEX><DOB>2012-03-04</DOB><ETHNIC>WBRI</ETHNIC>
      <REVIEWS><AREVIEW><REVIEW>2024-05-06</REVIEW><REVIEW_CODE>PN1</REVIEW_CODE></AREVIEW>
      </REVIEWS></HEADER>
    <EPISODES><EPISODE><DECOM>2024-01-02</DECOM><RNE>S</RNE><LS>C2</LS><CIN>N1</CIN>
      <PL>U1</PL><PLACE_PROVIDER>PR1</PLACE_PROVIDER></EPISODE></EPISODES>
  </CHILD>
  <CHILD>
    <CHILDID>O2</CHILDID>
    <HEADER><SEX>M</SEX><DOB>2013-03-04</DOB><ETHNIC>WBRI</ETHNIC></HEADER>
    <REVIEW><REVIEW>2024-05-06</REVIEW><REVIEW_CODE>PN1</REVIEW_CODE></REVIEW>
  </CHILD>
</EXPSSDA903>""",
    )
    result = run(path)
    assert result.status == "applied", result.errors
    assert sorted(cm.Review.objects.values_list("child__child_id", "review_code")) == [
        ("N1", "PN1"),
        ("O2", "PN1"),
    ]
    assert cm.Episode.objects.get().child.child_id == "N1"


def test_a_uasc_flag_of_0_is_not_an_unaccompanied_child(write, run):
    path = write(
        "r.xml",
        "<Children><CHILD><HEADER><CHILDID>U1</CHILDID><SEX>M</SEX><DOB>2010-01-01</DOB>"
        "<ETHNIC>WBRI</ETHNIC><UASC>0</UASC></HEADER></CHILD></Children>",
    )
    assert run(path).status == "applied"
    assert cm.Child.objects.get().uasc is False
