"""Annex A: clean and messy workbooks, formulas without values, no list, zip bombs."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from assure.children.models import AdoptionDecision, Child, Episode, PermanencePlan
from assure.families.models import FamilyMember
from assure.imports.models import ImportRun
from assure.imports.services import import_execute
from tests.factories import ChildFactory, EpisodeFactory

pytestmark = pytest.mark.django_db

LIST8 = [
    "Child Unique ID",
    "Gender",
    "Date of Birth",
    "Ethnicity",
    "Date Started to be Looked After",
    "Child's Legal Status",
    "Placement Type",
    "Date Ceased to be Looked After",
    "Reason Ceased to be Looked After",
    "What is the permanence plan for this child?",
    "Allocated Team",
    "Allocated Worker",
    "Family identifier",
]
LIST10 = [
    "Child Unique ID",
    "Gender",
    "Date of Birth",
    "Date of decision that child should be placed for adoption",
    "Date of matching child and prospective adopters",
    "Date placed for adoption",
    "Allocated Team",
]


def book(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def annex(*paths: Path, **options: object):
    return import_execute(kind="annex_a", paths=list(paths), **options)  # type: ignore[arg-type]


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    return book(
        tmp_path / "annex.xlsx",
        {
            "Cover": [["Annex A workbook"], ["Produced for inspection"]],
            "List 8 - Children in Care": [
                ["List 8: children in care"],
                LIST8,
                [
                    "K1",
                    "Female",
                    dt.date(2015, 3, 1),
                    "WBRI",
                    dt.date(2024, 5, 1),
                    "C2",
                    "U4",
                    None,
                    None,
                    "Adoption",
                    "CiC Team",
                    "Sam Worker",
                    "F1",
                ],
                [
                    "K2",
                    "Male",
                    dt.date(2017, 1, 9),
                    "WBRI",
                    dt.date(2024, 5, 1),
                    "C2",
                    "U4",
                    None,
                    None,
                    "SGO/CAO",
                    "CiC Team",
                    "Sam Worker",
                    "F1",
                ],
            ],
            "List 10": [
                LIST10,
                [
                    "K1",
                    "Female",
                    dt.date(2015, 3, 1),
                    dt.date(2025, 1, 10),
                    dt.date(2025, 6, 1),
                    dt.date(2025, 7, 1),
                    "Adoption Team",
                ],
            ],
        },
    )


def test_clean_workbook(clean):
    result = annex(clean)
    assert result.status == "applied", result.errors
    assert [(f.table, f.rows) for f in result.files] == [("List 8", 2), ("List 10", 1)]
    assert result.children == 2
    k1 = Child.objects.select_related("team", "worker").get(child_id="K1")
    assert (k1.sex, str(k1.date_of_birth), k1.ethnicity) == ("F", "2015-03-01", "WBRI")
    # The team comes from list 10 (read after list 8); the worker from list 8.
    assert (k1.team.name, k1.worker.name) == ("Adoption Team", "Sam Worker")
    episode = Episode.objects.get(child=k1)
    assert (str(episode.start_date), episode.reason_new_episode, episode.legal_status) == (
        "2024-05-01",
        "S",
        "C2",
    )
    # The list does not say when the plan was agreed: not known, never the import's date.
    # "SGO/CAO" stays that plan.
    plans = PermanencePlan.objects.order_by("child__child_id")
    assert [(p.child.child_id, p.plan, p.source, p.agreed_date) for p in plans] == [
        ("K1", "adoption", "annex_a", None),
        ("K2", "sgo_cao", "annex_a", None),
    ]
    decision = AdoptionDecision.objects.get()
    assert (str(decision.decision_date), str(decision.match_date)) == ("2025-01-10", "2025-06-01")
    # PlacedAdoption in the 903's sense: DATE_PLACED is the date of the decision; the day the
    # child moved in with the adopters is an event.
    assert k1.adoption_placements.get().date_placed == dt.date(2025, 1, 10)
    placed = k1.social_care_events.get(kind="placed_for_adoption")
    assert (placed.start_date, placed.source_list) == (dt.date(2025, 7, 1), "List 10")
    assert sorted(FamilyMember.objects.values_list("family__family_id", "child__child_id")) == [
        ("F1", "K1"),
        ("F1", "K2"),
    ]
    again = annex(clean)
    assert again.status == "applied"
    assert again.changes == {}


def test_903_data_is_kept_and_difference_warned(clean):
    child = ChildFactory(child_id="K1", sex="M", date_of_birth=dt.date(2015, 3, 2))
    EpisodeFactory(child=child, start_date=dt.date(2024, 4, 1), legal_status="V2")
    result = annex(clean)
    assert result.status == "applied"
    child.refresh_from_db()
    assert (child.sex, child.date_of_birth) == ("M", dt.date(2015, 3, 2))  # not overwritten
    assert list(child.episodes.values_list("legal_status", flat=True)) == ["V2"]
    assert [(w.row, w.code) for w in result.warnings if w.code == "differs-from-903"] == [
        (3, "differs-from-903")
    ]


def test_messy_workbook(tmp_path):
    nbsp = "\u00a0"
    headers = [
        f"Child{nbsp}Unique ID ",
        "SEX",
        "date of birth",
        "Date started to be looked after",
        "Child\u2019s legal status",
        "Placement type",
        "What is the Permanence Plan for this child ?",
        f"Allocated{nbsp}worker",
        "Something else",
    ]
    path = book(
        tmp_path / "messy.xlsx",
        {
            "list 8": [
                headers,
                [
                    "M1",
                    "b) Female",
                    42005,
                    "45413",
                    "C2: FCO",
                    "f) U6: Foster placement - not FFA",
                    "a) Return to family",
                    f"Jo{nbsp}Bloggs",
                    "x",
                ],
                ["M2", "a) Male", "01/02/2016", "#N/A", "#N/A", None, "#N/A", None, None],
            ]
        },
    )
    result = annex(path)
    assert result.status == "applied", result.errors
    assert [w.code for w in result.warnings] == ["extra-column"]
    m1 = Child.objects.get(child_id="M1")
    assert (m1.sex, m1.date_of_birth, m1.worker.name) == ("F", dt.date(2015, 1, 1), "Jo Bloggs")
    episode = m1.episodes.get()
    assert (episode.start_date, episode.legal_status, episode.placement_type) == (
        dt.date(2024, 5, 1),
        "C2",
        "U6",
    )
    assert m1.permanence_plans.get().plan == "return_home"
    m2 = Child.objects.get(child_id="M2")
    assert (m2.sex, m2.date_of_birth) == ("M", dt.date(2016, 2, 1))
    assert not m2.episodes.exists() and not m2.permanence_plans.exists()


def test_formula_without_cached_value_is_an_error(tmp_path):
    path = book(
        tmp_path / "formulas.xlsx",
        {
            "List 8": [
                LIST8[:6],
                ["F1", "Female", "=DATE(2015,1,1)", "WBRI", dt.date(2024, 1, 1), "C2"],
            ]
        },
    )
    result = annex(path)
    assert result.status == "rejected"
    [error] = result.errors
    assert (error.row, error.column, error.code) == (2, "Date of Birth", "formula-no-value")
    assert "cell C2 of sheet 'List 8'" in error.message
    assert not Child.objects.exists()
    assert not ImportRun.objects.exists()


def test_bad_values_reject_all(tmp_path):
    path = book(
        tmp_path / "bad.xlsx",
        {
            "List 8": [
                LIST8[:6],
                ["B1", "Female", "31/02/2015", "WBRI", dt.date(2024, 1, 1), "C2"],
                ["B2", "Female", dt.date(2015, 1, 1), "WBRI", dt.date(2024, 1, 1), "Q9: what"],
                [None, "Female", dt.date(2015, 1, 1), "WBRI", dt.date(2024, 1, 1), "C2"],
                ["B4", "Female", dt.date(2015, 1, 1), "WBRI", dt.date(2024, 1, 1), "C2"],
            ]
        },
    )
    result = annex(path)
    assert result.status == "rejected"
    assert [(e.row, e.code) for e in result.errors] == [
        (2, "invalid-date"),
        (3, "unknown-code"),
        (4, "missing-child"),
    ]
    assert not Child.objects.exists()
    skipped = annex(path, skip_invalid_rows=True)
    assert skipped.status == "applied"
    assert list(Child.objects.values_list("child_id", flat=True)) == ["B4"]


def test_sheet_found_by_header_row(tmp_path):
    path = book(
        tmp_path / "h.xlsx",
        {
            "Children looked after": [
                LIST8[:6],
                ["H1", "Male", None, None, dt.date(2024, 1, 1), "V2"],
            ]
        },
    )
    result = annex(path)
    assert result.status == "applied", result.errors
    assert [f.table for f in result.files] == ["List 8"]


def test_no_recognisable_list(tmp_path):
    path = book(tmp_path / "none.xlsx", {"Sheet1": [["Name", "Age"], ["A", 3]], "Notes": [["x"]]})
    result = annex(path)
    assert result.status == "rejected"
    assert [e.code for e in result.errors] == ["no-list"]
    assert "Sheet1" in result.errors[0].message
    assert [w.code for w in result.warnings] == ["sheet-not-read", "sheet-not-read"]


def test_a_sheet_named_as_a_list_without_its_header_is_an_error(tmp_path):
    path = book(tmp_path / "l3.xlsx", {"List 3": [["x"], ["y"]]})
    result = annex(path)
    assert [(e.code, e.row) for e in result.errors] == [("no-header", None)]
    assert "looks like list 3" in result.errors[0].message


def test_not_a_workbook(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"Child Unique ID,Sex\n1,2\n")
    result = annex(path)
    assert [e.code for e in result.errors] == ["file-not-xlsx"]


def _bomb(path: Path, megabytes: int) -> Path:
    """A zip whose sheet XML is a long run of spaces: tiny on disk, huge when opened."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            block = b" " * (1024 * 1024)
            for _ in range(megabytes):
                sheet.write(block)
    return path


def test_zip_bomb_ratio_refused(tmp_path):
    path = _bomb(tmp_path / "bomb.xlsx", 20)
    assert path.stat().st_size < 100_000
    result = annex(path)
    assert result.status == "rejected"
    assert [e.code for e in result.errors] == ["xlsx-too-large"]
    assert "zip bomb" in result.errors[0].message


def test_zip_bomb_total_refused(tmp_path, settings):
    settings.IMPORT_MAX_XLSX_UNCOMPRESSED = 5 * 1024 * 1024
    settings.IMPORT_MAX_XLSX_RATIO = 10**9
    result = annex(_bomb(tmp_path / "bomb.xlsx", 8))
    assert [e.code for e in result.errors] == ["xlsx-too-large"]
    assert "would expand to" in result.errors[0].message


def test_dry_run(clean):
    result = annex(clean, dry_run=True)
    assert result.status == "dry_run"
    assert result.rows_read == 3
    assert not Child.objects.exists()


# The full headers of lists 8 and 10 as councils send them (the regional data hubs' layout).
FULL_LIST8 = [
    "Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)",
    "Does the Child have a Disability", "Date Started to be Looked After",
    "Child's Category of Need",
    "Is this a second or subsequent period of being a Looked After Child within the last "
    "12 months (Y/N)",
    "Start date of current legal status", "Child's Legal Status",
    "Date of Latest Statutory Review", "Date of Last Social Work Visit",
    "What is the permanence plan for this child?",
    "Date of Last IRO Visit / Contact to the Child", "Date of Last Health Assessment",
    "Date of Last Dental Check", "Number of Placements in the Last 12 months",
    "Date Ceased to be Looked After", "Reason Ceased to be Looked After",
    "Start Date of Most Recent Placement", "Placement Type", "Placement Provider",
    "Placement postcode", "URN of Placement", "Placement Location", "LA of Placement",
    "Allocated Team", "Allocated Worker",
]  # fmt: skip
FULL_LIST10 = [
    "Child Unique ID", "Family identifier", "Gender", "Ethnicity", "Date of Birth",
    "Age of Child (Years)", "Does the Child have a Disability", "Date the Child Entered Care",
    "Date of Decision that Child Should be Placed for Adoption", "Date of Placement Order",
    "Date of Matching Child and Prospective Adopters", "Date Placed for Adoption",
    "Date of Adoption Order",
    "Date of Decision that Child Should No Longer be Placed for Adoption",
    "Reason Why Child No Longer Placed for Adoption",
    "Date the child was placed for fostering in FFA or concurrent planning placement",
]  # fmt: skip


def test_full_headers_map_to_the_right_fields():
    from assure.imports.annex_a.lists import list_from_fields, match_header

    fields8 = {h: match_header(h, 8) for h in FULL_LIST8}
    assert {h: f for h, f in fields8.items() if f} == {
        "Child Unique ID": "child_id",
        "Gender": "sex",
        "Ethnicity": "ethnicity",
        "Date of Birth": "date_of_birth",
        "Age of Child (Years)": "age",
        "Does the Child have a Disability": "disability",
        "Date Started to be Looked After": "start_date",
        "Child's Category of Need": "category_of_need",
        FULL_LIST8[8]: "second_period",
        "Start date of current legal status": "legal_status_date",
        "Child's Legal Status": "legal_status",
        "Date of Latest Statutory Review": "latest_review",
        "Date of Last Social Work Visit": "social_work_visit",
        "What is the permanence plan for this child?": "plan",
        "Date of Last IRO Visit / Contact to the Child": "iro_contact",
        "Date of Last Health Assessment": "health_assessment",
        "Date of Last Dental Check": "dental_check",
        "Number of Placements in the Last 12 months": "placements_12m",
        "Date Ceased to be Looked After": "end_date",
        "Reason Ceased to be Looked After": "reason_ceased",
        "Start Date of Most Recent Placement": "placement_start",
        "Placement Type": "placement_type",
        "Placement Provider": "placement_provider",
        "Placement postcode": "placement_postcode",
        "URN of Placement": "placement_urn",
        "Placement Location": "placement_location",
        "LA of Placement": "placement_la",
        "Allocated Team": "team",
        "Allocated Worker": "worker",
    }
    fields10 = {h: match_header(h, 10) for h in FULL_LIST10}
    assert {h: f for h, f in fields10.items() if f} == {
        "Child Unique ID": "child_id",
        "Family identifier": "family_id",
        "Gender": "sex",
        "Ethnicity": "ethnicity",
        "Date of Birth": "date_of_birth",
        "Age of Child (Years)": "age",
        "Does the Child have a Disability": "disability",
        "Date the Child Entered Care": "start_date",
        "Date of Decision that Child Should be Placed for Adoption": "decision_date",
        "Date of Placement Order": "placement_order_date",
        "Date of Matching Child and Prospective Adopters": "match_date",
        "Date Placed for Adoption": "placed_date",
        "Date of Adoption Order": "adoption_order_date",
        "Date of Decision that Child Should No Longer be Placed for Adoption": "no_longer_date",
        "Reason Why Child No Longer Placed for Adoption": "no_longer_reason",
        FULL_LIST10[-1]: "ffa_date",
    }

    def fields_of(headers):
        return lambda n: {f for f in (match_header(h, n) for h in headers) if f}

    assert list_from_fields(fields_of(FULL_LIST8)) == 8
    assert list_from_fields(fields_of(FULL_LIST10)) == 10
