"""Annex A coded columns written in words, as councils and liiatools write them: a word that
means one code is read as that code; a word that could mean several refuses the row where the
record depends on the field and is left blank with a warning elsewhere; a word Assure does not
know is treated as any unknown value."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

from assure.children.models import Episode, PlacedForAdoption, SocialCareEvent
from assure.imports.annex_a import lists
from assure.imports.services import import_execute

pytestmark = pytest.mark.django_db

D = dt.datetime
HEADERS = [
    "Child Unique ID",
    "Gender",
    "Date of Birth",
    "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
    "Date Started to be Looked After",
    "Child's Category of Need",
    "Is this a second or subsequent period of being a Looked After Child within the last "
    "12 months (Y/N)",
    "Start date of current legal status",
    "Child's Legal Status",
    "What is the permanence plan for this child?",
    "Date Ceased to be Looked After",
    "Reason Ceased to be Looked After",
    "Start Date of Most Recent Placement",
    "Placement Type",
    "Placement Provider",
]


def row(
    child_id: str,
    *,
    legal: str,
    placement: str,
    provider: str = "b) Own provision",
    need: str = "Abuse or neglect",
    ceased: dt.datetime | None = None,
    reason: str | None = None,
    uasc: str = "b) No",
    second: str = "b) No",
) -> list[object]:
    start = D(2024, 4, 1)
    return [
        child_id,
        "a) Male",
        D(2014, 6, 2),
        uasc,
        start,
        need,
        second,
        start,
        legal,
        "f) Long-term fostering",
        ceased,
        reason,
        start,
        placement,
        provider,
    ]


def workbook(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "List 8"
    sheet.append(HEADERS)
    for cells in rows:
        sheet.append(cells)
    book.save(path)
    return path


def episode(child_id: str) -> tuple[str, str, str, str, str]:
    found = Episode.objects.get(child__child_id=child_id)
    return (
        found.legal_status,
        found.placement_type,
        found.placement_provider,
        found.category_of_need,
        found.reason_ceased,
    )


def test_worded_values_are_read_as_the_codes_they_mean(tmp_path):
    path = workbook(
        tmp_path / "annex-a.xlsx",
        [
            row("W1", legal="ICO", placement="Foster placement - long term"),
            row(
                "W2",
                legal=" Full care order ",
                placement="k) Placed with parents",
                provider="a) Parents/Parental responsibility",
                need="Parental disability or illness",
            ),
            row(
                "W3",
                legal="c) Placement order",
                placement="Placed for adoption - order - not foster",
                ceased=D(2025, 2, 3),
                reason="Adopted - consent dispensed",
            ),
            row(
                "W4",
                legal="Section 20",
                placement="FOSTER PLACEMENT - RELATIVE - NOT FFA",
                provider="Voluntary/third sector",
                ceased=D(2025, 1, 6),
                reason="e) Returned home to live with parents or relatives - part of planning",
            ),
            row(
                "W5",
                legal="Accommodated under section 20",
                placement="Children's Homes",
                provider="Private provision",
                ceased=D(2025, 3, 9),
                reason="Aged 18+ and remained with current carers",
                uasc="c) Unknown",
                second="c) Unknown",
            ),
        ],
    )
    result = import_execute(kind="annex_a", paths=[path])
    assert result.status == "applied", result.errors
    about_values = {"unknown-code", "invalid-value", lists.AMBIGUOUS_CODE}
    assert [w for w in result.warnings if w.code in about_values] == []
    assert episode("W1") == ("C1", "U4", "PR1", "N1", "")
    assert episode("W2") == ("C2", "P1", "PR0", "N3", "")
    assert episode("W3") == ("E1", "A6", "PR1", "N1", "E12")
    assert episode("W4") == ("V2", "U3", "PR5", "N1", "E4A")
    assert episode("W5") == ("V2", "K2", "PR4", "N1", "E17")
    # "c) Unknown" is an answer: not a UASC, and no second period of care event.
    w5 = Episode.objects.get(child__child_id="W5").child
    assert w5.uasc is False
    assert not SocialCareEvent.objects.filter(child=w5).exists()


def test_a_word_that_could_mean_several_codes_is_never_guessed(tmp_path):
    """In a field the record depends on it refuses the row, naming the codes it could be (a
    blank legal status would read a short break as ordinary care); in a descriptive field the
    row is kept with the field blank."""
    path = workbook(
        tmp_path / "annex-a.xlsx",
        [
            row(
                "A1",
                legal="Care order",
                placement="a) Foster placement",
                ceased=D(2025, 1, 6),
                reason="Special Guardianship Order",
            ),
            row("A2", legal="ICO", placement="Foster placement - FFA", provider="Own provision"),
        ],
    )
    result = import_execute(kind="annex_a", paths=[path])
    assert result.status == "rejected"
    refused = sorted((e.column, e.value) for e in result.errors)
    assert refused == [
        ("Child's Legal Status", "Care order"),
        ("Placement Type", "a) Foster placement"),
        ("Reason Ceased to be Looked After", "Special Guardianship Order"),
    ]
    assert {e.code for e in result.errors} == {lists.AMBIGUOUS_CODE}
    [placement] = [e for e in result.errors if e.column == "Placement Type"]
    assert "U1, U2, U3, U4, U5, U6" in placement.message
    kept = import_execute(kind="annex_a", paths=[path], skip_invalid_rows=True)
    assert kept.status == "applied"
    assert not Episode.objects.filter(child__child_id="A1").exists()
    assert Episode.objects.filter(child__child_id="A2").exists()


def test_an_unknown_word_still_warns_or_refuses_the_row_as_before(tmp_path):
    path = workbook(
        tmp_path / "annex-a.xlsx",
        [
            row("U1", legal="ICO", placement="Foster placement - FFA", provider="Our own carers"),
            row("U2", legal="Court said so", placement="Foster placement - FFA"),
        ],
    )
    result = import_execute(kind="annex_a", paths=[path])
    assert result.status == "rejected"
    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (3, "Child's Legal Status", "unknown-code")
    ]
    assert [(w.row, w.column, w.code) for w in result.warnings if w.code == "unknown-code"] == [
        (2, "Placement Provider", "unknown-code")
    ]
    kept = import_execute(kind="annex_a", paths=[path], skip_invalid_rows=True)
    assert kept.status == "applied"
    assert episode("U1") == ("C1", "U5", "", "N1", "")
    assert not Episode.objects.filter(child__child_id="U2").exists()


def test_the_words_in_the_tables_mean_real_codes_and_none_is_both_one_and_several():
    for choices, words in lists.WORDS.items():
        labels = {lists.normalise(label) for label in choices.labels}
        for word, code in words.items():
            assert word == lists.normalise(word)
            assert code in choices.values
            assert word not in lists.AMBIGUOUS.get(choices, {})
            assert word not in labels  # a code's own label is read already
    for choices, words in lists.AMBIGUOUS.items():
        labels = {lists.normalise(label) for label in choices.labels}
        for word, could_be in words.items():
            assert word == lists.normalise(word)
            assert len(could_be) > 1 and set(could_be) <= set(choices.values)
            assert word not in labels


# List 10: the reason a child is no longer to be placed for adoption ------------------------

LIST10 = [
    "Child Unique ID",
    "Gender",
    "Date of Birth",
    "Date the Child Entered Care",
    "Date of Decision that Child Should be Placed for Adoption",
    "Date of Decision that Child Should No Longer be Placed for Adoption",
    "Reason Why Child No Longer Placed for Adoption",
]


def list10_workbook(path: Path, reasons: dict[str, str]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "List 10"
    sheet.append(LIST10)
    for child_id, reason in reasons.items():
        dates = [D(2021, 5, 1), D(2022, 1, 3), D(2022, 6, 1), D(2023, 2, 1)]
        sheet.append([child_id, "a) Male", *dates, reason])
    book.save(path)
    return path


def reversal_reasons() -> dict[str, str]:
    return dict(PlacedForAdoption.objects.values_list("child__child_id", "reason_placed_ceased"))


def test_the_reason_no_longer_to_be_adopted_in_words_is_read_as_its_code(tmp_path):
    path = list10_workbook(
        tmp_path / "annex-a.xlsx",
        {
            "R1": "The child\u2019s needs changed subsequent to the decision",
            "R1B": "a) RD1: Child's needs changed",
            "R2": "No placement order",
            "R2B": "RD2 - The Court did not make a placement order",
            "R3": "Prospective adopters could not be found",
            "R3B": "RD3 \u2013 Adopters not found",  # an en dash, as Excel's autocorrect makes
            "R4": "d) Any other reason",
            "R4B": "Other",
        },
    )
    result = import_execute(kind="annex_a", paths=[path])
    assert result.status == "applied", result.errors
    assert reversal_reasons() == {
        "R1": "RD1",
        "R1B": "RD1",
        "R2": "RD2",
        "R2B": "RD2",
        "R3": "RD3",
        "R3B": "RD3",
        "R4": "RD4",
        "R4B": "RD4",
    }


def test_a_reason_that_could_be_several_refuses_the_row_naming_them(tmp_path):
    """Every reversal is a change of plan, and a revoked placement order was made (not RD2)
    but says nothing of why: the row is refused, as an unknown reason always was."""
    path = list10_workbook(
        tmp_path / "annex-a.xlsx",
        {
            "P1": "Change of plan",
            "P2": "Placement order revoked",
            "P3": "Court",
            "P4": "RD3",
        },
    )
    result = import_execute(kind="annex_a", paths=[path])
    assert result.status == "rejected"
    assert [(e.row, e.code) for e in result.errors] == [
        (2, lists.AMBIGUOUS_CODE),
        (3, lists.AMBIGUOUS_CODE),
        (4, "unknown-code"),
    ]
    assert "RD1, RD2, RD3, RD4" in result.errors[0].message
    assert "RD1, RD3, RD4" in result.errors[1].message
    kept = import_execute(kind="annex_a", paths=[path], skip_invalid_rows=True)
    assert kept.status == "applied"
    assert reversal_reasons() == {"P4": "RD3"}


# liiatools' loose patterns: "police", "remand" and "other", column by column --------------


def test_remand_and_other_reason_name_one_code_where_the_dfe_list_has_one(tmp_path):
    path = workbook(
        tmp_path / "annex-a.xlsx",
        [
            row(
                "M1",
                legal="Remanded",
                placement="Children's Homes",
                ceased=D(2024, 6, 3),
                reason="Remand ended",
            ),
            row(
                "M2",
                legal="j) On remand",
                placement="Children's Homes",
                ceased=D(2024, 9, 2),
                reason="Any other reason",
            ),
        ],
    )
    result = import_execute(kind="annex_a", paths=[path])
    assert result.status == "applied", result.errors
    assert [w for w in result.warnings if w.code in {"unknown-code", lists.AMBIGUOUS_CODE}] == []
    assert episode("M1") == ("J1", "K2", "PR1", "N1", "E14")
    assert episode("M2") == ("J1", "K2", "PR1", "N1", "E8")


def test_police_remand_and_other_that_could_be_several_codes_are_refused(tmp_path):
    """ "Police" could be police protection (L1) or accommodation under the Police and
    Criminal Evidence Act (J2); a remand may end in custody (E9) or not (E14); "other" is
    in several of Ofsted's options. A word that names no code at all is unknown, as ever."""
    path = workbook(
        tmp_path / "annex-a.xlsx",
        [
            row("Q1", legal="Police", placement="Children's Homes"),
            row(
                "Q2",
                legal="Remanded",
                placement="Children's Homes",
                ceased=D(2024, 6, 3),
                reason="Remand",
            ),
            row(
                "Q3",
                legal="ICO",
                placement="Other",
                ceased=D(2024, 6, 3),
                reason="Other",
            ),
            row("Q4", legal="Other", placement="Children's Homes", provider="Other"),
            row("Q5", legal="ICO", placement="Children's Homes", provider="Other"),
        ],
    )
    result = import_execute(kind="annex_a", paths=[path])
    assert result.status == "rejected"
    refused = [(e.row, e.column, e.code) for e in result.errors]
    assert refused == [
        (2, "Child's Legal Status", lists.AMBIGUOUS_CODE),
        (3, "Reason Ceased to be Looked After", lists.AMBIGUOUS_CODE),
        (4, "Reason Ceased to be Looked After", lists.AMBIGUOUS_CODE),
        (4, "Placement Type", lists.AMBIGUOUS_CODE),
        (5, "Child's Legal Status", "unknown-code"),
    ]
    could_be = ["L1, J2", "E9, E14", "E8, E13, E46, E48", "Z1, Z11, Z12, Z13, Z14"]
    for error, codes in zip(result.errors, could_be, strict=False):
        assert f"could be any of {codes} (" in error.message
    provider = [(w.row, w.code) for w in result.warnings if w.column == "Placement Provider"]
    assert provider == [(5, lists.AMBIGUOUS_CODE), (6, lists.AMBIGUOUS_CODE)]
    kept = import_execute(kind="annex_a", paths=[path], skip_invalid_rows=True)
    assert kept.status == "applied"
    assert episode("Q5") == ("C1", "K2", "", "N1", "")  # the provider left blank
    assert not Episode.objects.exclude(child__child_id="Q5").exists()


# List 11: the reason adopters left the adoption process -----------------------------------

LIST11 = [
    "Individual adopter identifier",
    "Family identifier",
    "Date enquiry received",
    "Date application approved",
    "Date of leaving adoption process",
    "Reason for leaving adoption process",
]


def adopters_workbook(path: Path, reasons: dict[str, str]) -> Path:
    """One child in list 10 for each adoptive family, and one adopter in each family with
    the reason they left."""
    book = Workbook()
    children = book.active
    children.title = "List 10"
    children.append(["Child Unique ID", "Family identifier", *LIST10[1:5]])
    adopters = book.create_sheet("List 11")
    adopters.append(LIST11)
    for n, (family, reason) in enumerate(reasons.items()):
        children.append([f"K{n}", family, "a) Male", D(2021, 5, 1), D(2022, 1, 3), D(2022, 6, 1)])
        adopters.append([f"AD{n}", family, D(2022, 1, 10), D(2022, 7, 1), D(2023, 3, 1), reason])
    book.save(path)
    return path


def left_reasons() -> dict[str, str | None]:
    found = {}
    for event in SocialCareEvent.objects.filter(kind="adopters").select_related("child"):
        details = dict(event.details)
        found[details["Adoptive family"]] = details.get("Reason for leaving the process")
    return found


def test_the_reason_adopters_left_in_words_is_read_as_its_option(tmp_path):
    path = adopters_workbook(
        tmp_path / "annex-a.xlsx",
        {
            "F1": "1 - Adopter withdrew from process",
            "F2": "Adopters withdrew",
            "F3": "On hold",
            "F4": "c) Application refused",
            "F5": "Refused",
        },
    )
    result = import_execute(kind="annex_a", paths=[path])
    assert result.status == "applied", result.errors
    assert [w for w in result.warnings if w.code in {"unknown-code", lists.AMBIGUOUS_CODE}] == []
    assert left_reasons() == {
        "F1": "1: Adopter withdrew from process",
        "F2": "1: Adopter withdrew from process",
        "F3": "2: Process put on hold",
        "F4": "3: Application refused",
        "F5": "3: Application refused",
    }


def test_a_reason_for_leaving_that_says_only_that_they_left_is_left_blank(tmp_path):
    """A descriptive field: the adopters are kept, the reason left blank with a warning."""
    path = adopters_workbook(
        tmp_path / "annex-a.xlsx",
        {"G1": "Left the process", "G2": "Moved abroad", "G3": "3"},
    )
    result = import_execute(kind="annex_a", paths=[path])
    assert result.status == "applied", result.errors
    warned = [
        (w.row, w.code)
        for w in result.warnings
        if w.column == "Reason for leaving adoption process"
    ]
    assert warned == [(2, lists.AMBIGUOUS_CODE), (3, "unknown-code")]
    assert left_reasons() == {"G1": None, "G2": None, "G3": "3: Application refused"}
