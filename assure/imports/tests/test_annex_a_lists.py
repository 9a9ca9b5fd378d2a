"""Annex A, every list: a workbook with all eleven lists loads each into the child's record
and the family chronology, and the tracker after an Annex-A-only import flags only what the
workbook supports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

from assure.children.models import (
    AdoptionDecision,
    CareLeaverOutcome,
    Child,
    Episode,
    PermanencePlan,
    Review,
    SocialCareEvent,
)
from assure.core import clock
from assure.families import chronology
from assure.imports.services import import_execute
from assure.tracker import rows as tracker_rows
from assure.tracker.rules import Thresholds
from tests.factories import ChildFactory, EpisodeFactory, UserFactory

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2026, 6, 15)

COMMON = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"]
LIST1 = [*COMMON, "Date of Contact", "Contact Source"]
LIST2 = [
    *COMMON,
    "Assessment start date",
    "Assessment completion date",
    "Organisation completing assessment",
]
LIST3 = [
    *COMMON,
    "Date of referral",
    "Referral Source",
    "Referral NFA?",
    "Number of Referrals in Last 12 Months",
    "Allocated Team",
    "Allocated Worker",
]
LIST4 = [
    *COMMON,
    "Does the Child have a Disability",
    "Continuous Assessment Start Date",
    "Child Seen During Continuous Assessment",
    "Continuous Assessment Date of Authorisation",
    "Was the child assessed as requiring LA children's social care support?",
    "Allocated Team",
    "Allocated Worker",
]
LIST5 = [
    *COMMON,
    "Strategy discussion initiating Section 47 Enquiry Start Date",
    "Was an Initial Child Protection Conference deemed unnecessary?",
    "Date of Initial Child Protection Conference",
    "Did the Initial Child Protection Conference Result in a Child Protection Plan",
    "Number of Section 47 Enquiries in the last 12 months",
    "Number of ICPCs in the last 12 months",
]
LIST6 = [
    *COMMON,
    "CIN Start Date",
    "Primary Need Code",
    "Date Child Was Last Seen",
    "CIN Closure Date",
    "Reason for Closure",
    "Case Status",
]
LIST7 = [
    *COMMON,
    "Child Protection Plan Start Date",
    "Initial Category of Abuse",
    "Latest Category of Abuse",
    "Date of the Last Statutory Visit",
    "Was the Child Seen Alone?",
    "Date of latest review conference",
    "Child Protection Plan End Date",
    "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six "
    "Months (Y/N)",
    "Number of Previous Child Protection Plans",
]
LIST8 = [
    *COMMON,
    "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
    "Date Started to be Looked After",
    "Child's Category of Need",
    "Is this a second or subsequent period of being a Looked After Child within the last "
    "12 months (Y/N)",
    "Start date of current legal status",
    "Child's Legal Status",
    "Date of Latest Statutory Review",
    "Date of Last Social Work Visit",
    "What is the permanence plan for this child?",
    "Date of Last IRO Visit / Contact to the Child",
    "Date of Last Health Assessment",
    "Date of Last Dental Check",
    "Number of Placements in the Last 12 months",
    "Date Ceased to be Looked After",
    "Reason Ceased to be Looked After",
    "Start Date of Most Recent Placement",
    "Placement Type",
    "Placement Provider",
    "Allocated Team",
    "Allocated Worker",
]
LIST9 = [
    *COMMON,
    "Allocated Team",
    "Allocated Worker",
    "Allocated Personal Advisor",
    "Eligibility Category",
    "Latest Pathway Plan Review Date",
    "LA in Touch",
    "Latest Date of Contact",
    "Type of Accommodation",
    "Suitability of Accommodation",
    "Activity Status",
]
LIST10 = [
    "Child Unique ID",
    "Family identifier",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Date the Child Entered Care",
    "Date of Decision that Child Should be Placed for Adoption",
    "Date of Placement Order",
    "Date of Matching Child and Prospective Adopters",
    "Date Placed for Adoption",
    "Date of Adoption Order",
    "Date of Decision that Child Should No Longer be Placed for Adoption",
    "Reason Why Child No Longer Placed for Adoption",
    "Date the child was placed for fostering in FFA or concurrent planning placement",
]
LIST11 = [
    "Individual adopter identifier",
    "Family identifier",
    "Sex",
    "Ethnicity",
    "Is the (prospective) adopter fostering for adoption?",
    "Date enquiry received",
    "Date application approved",
    "Date adopter matched with child(ren)",
    "Date child/children placed with adopter(s)",
    "No. of children placed",
    "Date of Adoption Order",
]


def c8_common(child_id: str) -> list[object]:
    return [child_id, "b) Female", "a) WBRI", D(2015, 3, 1), 11]


def list8_row(
    child_id: str,
    started: dt.date,
    *,
    review: dt.date | None,
    plan: str | None,
    second: str = "b) No",
    legal_from: dt.date | None = None,
    placed_from: dt.date | None = None,
) -> list[object]:
    return [
        *c8_common(child_id),
        "b) No",
        started,
        "N1 - Abuse or neglect",
        second,
        legal_from or started,
        "C2: FCO",
        review,
        D(2026, 6, 1),
        plan,
        D(2026, 5, 20),
        D(2026, 1, 15),
        D(2026, 2, 2),
        2,
        None,
        None,
        placed_from or started,
        "d) U4: Foster placement - long term",
        "b) PR1: Own provision",
        "Children in Care",
        "Sam Worker",
    ]


def workbook(path: Path) -> Path:
    book = Workbook()
    book.remove(book.active)
    sheets = {
        "List 1": [
            LIST1,
            [*c8_common("C8"), D(2022, 11, 1), "q) 6: Police"],
            [*c8_common("X1"), D(2026, 5, 1), "e) 2A: Schools"],
        ],
        "List 2": [LIST2, [*c8_common("C8"), D(2022, 9, 1), D(2022, 10, 15), "Family Hub"]],
        "List 3": [
            LIST3,
            [*c8_common("C8"), D(2022, 11, 5), "e) 2A: Schools", "b) No", 1, "MASH", "Al"],
        ],
        "List 4": [
            LIST4,
            [
                *c8_common("C8"),
                "b) No",
                D(2022, 11, 6),
                "a) Yes",
                D(2022, 12, 10),
                "a) Yes",
                "Assessment Team",
                "Bo",
            ],
        ],
        "List 5": [
            LIST5,
            [*c8_common("C8"), D(2022, 11, 7), "b) No", D(2022, 11, 20), "a) Yes", 1, 1],
        ],
        "List 6": [
            LIST6,
            [
                *c8_common("C8"),
                D(2022, 11, 5),
                "N1 - Abuse or neglect",
                D(2023, 1, 5),
                D(2023, 1, 10),
                "RC7 - Services ceased for any other reason",
                "a) Looked after child",
            ],
            [*c8_common("C8B"), None, "N1 - Abuse or neglect", None, None, None, None],
        ],
        "List 7": [
            LIST7,
            [
                *c8_common("C8"),
                D(2022, 11, 20),
                "a) Neglect",
                "d) Emotional abuse",
                D(2022, 12, 20),
                "a) Yes",
                D(2022, 12, 30),
                D(2023, 1, 10),
                "b) No",
                0,
            ],
        ],
        "List 8": [
            ["List 8: children in care"],
            LIST8,
            list8_row(
                "C8",
                D(2023, 1, 10),
                review=D(2026, 3, 1),
                plan="c) SGO/CAO",
                second="a) Yes",
                legal_from=D(2023, 5, 1),
                placed_from=D(2025, 3, 1),
            ),
            list8_row("C8B", D(2025, 1, 5), review=D(2025, 9, 1), plan=None),
            list8_row("C8C", D(2026, 6, 1), review=None, plan=None),
            list8_row("C8D", D(2026, 3, 2), review=D(2026, 3, 20), plan=None),
        ],
        "List 9": [
            LIST9,
            [
                "C9",
                "a) Male",
                "a) WBRI",
                D(2006, 1, 1),
                20,
                "Leaving Care",
                "Lee Worker",
                "Pat Adviser",
                "b) Former relevant child",
                D(2026, 4, 1),
                "a) Yes",
                D(2026, 5, 1),
                "D: Semi-independent, transitional accommodation",
                "a) Suitable",
                "F2: Full time in education other than higher",
            ],
        ],
        "List 10": [
            LIST10,
            [
                "C10",
                "AF1",
                "a) Male",
                "a) WBRI",
                D(2023, 9, 1),
                D(2024, 2, 1),
                D(2024, 6, 1),
                D(2024, 9, 1),
                D(2025, 1, 10),
                D(2025, 2, 1),
                D(2025, 8, 1),
                None,
                None,
                D(2024, 7, 1),
            ],
            [
                "C10B",
                None,
                "b) Female",
                "a) WBRI",
                D(2022, 1, 1),
                D(2024, 1, 1),
                D(2024, 5, 1),
                None,
                None,
                None,
                None,
                D(2025, 3, 1),
                "RD3 - Prospective adopters could not be found",
                None,
            ],
        ],
        "List 11": [
            LIST11,
            [
                "A1",
                "AF1",
                "a) Male",
                "a) WBRI",
                "b) No",
                D(2024, 3, 1),
                D(2024, 11, 1),
                D(2025, 1, 10),
                D(2025, 2, 1),
                1,
                D(2025, 8, 1),
            ],  # fmt: skip
            [
                "A2",
                "AF1",
                "b) Female",
                "a) WBRI",
                "b) No",
                D(2024, 3, 1),
                D(2024, 11, 1),
                D(2025, 1, 10),
                D(2025, 2, 1),
                1,
                D(2025, 8, 1),
            ],  # fmt: skip
            [
                "A3",
                "AF9",
                "b) Female",
                "a) WBRI",
                "a) Yes",
                D(2025, 1, 1),
                None,
                None,
                None,
                None,
                None,
            ],  # fmt: skip
        ],
    }
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


@pytest.fixture
def eleven(tmp_path: Path) -> Path:
    return workbook(tmp_path / "annex-a.xlsx")


def annex(path: Path, **options: object):
    with clock.frozen_at(TODAY):
        return import_execute(kind="annex_a", paths=[path], **options)  # type: ignore[arg-type]


def events_of(child_id: str) -> list[tuple[str, dt.date, dt.date | None]]:
    return list(
        SocialCareEvent.objects.filter(child__child_id=child_id)
        .order_by("start_date", "kind")
        .values_list("kind", "start_date", "end_date")
    )


def test_every_list_is_read_and_reported(eleven):
    result = annex(eleven, dry_run=True)
    assert result.status == "dry_run", result.errors
    assert [f.table for f in result.files] == [f"List {n}" for n in range(1, 12)]
    assert result.errors == []
    codes = {(w.code, w.column or "") for w in result.warnings}
    # Nothing is skipped without a word: the child no care record knows, the columns read
    # but not kept, the list 6 row with no date, the adopters no child is placed with.
    assert ("child-not-in-care", "Child Unique ID") in codes
    assert ("column-not-used", "Age of Child (Years)") in codes
    assert ("column-not-used", "Number of Placements in the Last 12 months") in codes
    assert ("no-event-date", "CIN start date") in codes
    assert ("adopters-not-linked", "Family identifier") in codes
    [unknown] = [w for w in result.warnings if w.code == "child-not-in-care"]
    assert "list 1" in unknown.message and "X1" in unknown.message
    assert not Child.objects.exists()  # a dry run stores nothing


def test_a_workbook_with_all_eleven_lists_loads_each_into_the_record(eleven):
    result = annex(eleven)
    assert result.status == "applied", result.errors
    assert sorted(Child.objects.values_list("child_id", flat=True)) == [
        "C10", "C10B", "C8", "C8B", "C8C", "C8D", "C9",
    ]  # fmt: skip
    assert result.children == 7
    # Lists 1 to 7: one event each, with the list's columns in words.
    assert events_of("C8") == [
        ("early_help", D(2022, 9, 1), D(2022, 10, 15)),
        ("contact", D(2022, 11, 1), None),
        ("child_in_need", D(2022, 11, 5), D(2023, 1, 10)),
        ("referral", D(2022, 11, 5), None),
        ("assessment", D(2022, 11, 6), D(2022, 12, 10)),
        ("section_47", D(2022, 11, 7), None),
        ("child_protection", D(2022, 11, 20), D(2023, 1, 10)),
        ("returned_to_care", D(2023, 1, 10), None),
        ("health_assessment", D(2026, 1, 15), None),
        ("dental_check", D(2026, 2, 2), None),
        ("iro_contact", D(2026, 5, 20), None),
        ("social_work_visit", D(2026, 6, 1), None),
    ]
    contact = SocialCareEvent.objects.get(child__child_id="C8", kind="contact")
    assert (contact.details, contact.source_list) == ([["Contact source", "6: Police"]], "List 1")
    section_47 = SocialCareEvent.objects.get(child__child_id="C8", kind="section_47")
    assert section_47.details == [
        ["Initial child protection conference deemed unnecessary", "No"],
        ["Initial child protection conference", "20 Nov 2022"],
        ["Conference resulted in a child protection plan", "Yes"],
        ["Section 47 enquiries in the last 12 months", "1"],
        ["Initial conferences in the last 12 months", "1"],
    ]
    # List 8: the period of care, split where the legal status and the placement began.
    episodes = Episode.objects.filter(child__child_id="C8").order_by("start_date")
    assert [
        (e.start_date, e.reason_new_episode, e.legal_status, e.placement_type, e.end_date,
         e.reason_ceased)
        for e in episodes
    ] == [
        (D(2023, 1, 10), "S", "", "", D(2023, 5, 1), "X1"),
        (D(2023, 5, 1), "L", "C2", "", D(2025, 3, 1), "X1"),
        (D(2025, 3, 1), "P", "C2", "U4", None, ""),
    ]  # fmt: skip
    assert list(Review.objects.filter(child__child_id="C8").values_list(
        "review_date", "earlier_not_known"
    )) == [(D(2026, 3, 1), True)]  # fmt: skip
    plan = PermanencePlan.objects.get(child__child_id="C8")
    assert (plan.plan, plan.agreed_date, plan.source) == ("sgo_cao", None, "annex_a")
    c8 = Child.objects.select_related("team", "worker").get(child_id="C8")
    assert (c8.team.name, c8.worker.name) == ("Children in Care", "Sam Worker")  # list 8 wins
    # List 9: the 903's OC3 outcomes, and the contact and review as events.
    outcome = CareLeaverOutcome.objects.get(child__child_id="C9")
    assert (outcome.in_touch, outcome.activity, outcome.accommodation) == ("YES", "F2", "D1")
    assert events_of("C9") == [
        ("pathway_plan_review", D(2026, 4, 1), None),
        ("care_leaver_contact", D(2026, 5, 1), None),
    ]
    contact = SocialCareEvent.objects.get(kind="care_leaver_contact")
    assert ["Activity", "F2: Full time in education other than higher"] in contact.details
    assert ["Personal adviser", "Pat Adviser"] in contact.details
    # List 10: AD1 and PlacedAdoption in the 903's sense, the steps as events.
    decision = AdoptionDecision.objects.get(child__child_id="C10")
    assert (decision.decision_date, decision.match_date) == (D(2024, 6, 1), D(2025, 1, 10))
    c10b = Child.objects.get(child_id="C10B").adoption_placements.get()
    assert (c10b.date_placed, c10b.date_placed_ceased, c10b.reason_placed_ceased) == (
        D(2024, 5, 1),
        D(2025, 3, 1),
        "RD3",
    )
    assert events_of("C10") == [
        ("ffa_placement", D(2024, 7, 1), None),
        ("placement_order", D(2024, 9, 1), None),
        ("adopters", D(2024, 11, 1), None),
        ("placed_for_adoption", D(2025, 2, 1), None),
        ("adoption_order", D(2025, 8, 1), None),
    ]
    # List 11: the adoptive family on the child list 10 places with them.
    adopters = SocialCareEvent.objects.get(kind="adopters")
    assert adopters.details[:3] == [
        ["Adoptive family", "AF1"],
        ["Adopters", "2"],
        ["Fostering for adoption", "No"],
    ]
    # Lists 1 to 7 rows of a child with no care record are not stored.
    assert not Child.objects.filter(child_id="X1").exists()
    assert (
        result.changes["Social care events"]["created"] == 31
    )  # C8 12, C8B to D 4 each, C9 2, C10 5

    again = annex(eleven)
    assert again.status == "applied"
    assert again.changes == {}


def test_each_list_is_found_by_its_header_row_whatever_the_sheet_is_called(tmp_path):
    """A workbook whose sheets are called Sheet1 to Sheet11 is read list by list."""
    source = workbook(tmp_path / "named.xlsx")
    from openpyxl import load_workbook

    named = load_workbook(source)
    for index, sheet in enumerate(named.worksheets, start=1):
        sheet.title = f"Sheet{index}"
    named.save(tmp_path / "unnamed.xlsx")
    result = annex(tmp_path / "unnamed.xlsx", dry_run=True)
    assert result.errors == []
    assert [f.table for f in result.files] == [f"List {n}" for n in range(1, 12)]


def test_an_event_of_a_known_child_is_stored_without_list_8(tmp_path):
    ChildFactory(child_id="K7")
    path = tmp_path / "cp.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.title = "List 7 Child Protection"
    sheet.append(LIST7)
    sheet.append([*c8_common("K7"), D(2026, 1, 5), "a) Neglect", "a) Neglect", None, None,
                  None, None, "b) No", 2])  # fmt: skip
    book.save(path)
    result = annex(path)
    assert result.status == "applied", result.errors
    assert events_of("K7") == [("child_protection", D(2026, 1, 5), None)]


def test_a_bad_descriptive_value_keeps_the_row_and_a_bad_date_does_not(tmp_path):
    ChildFactory(child_id="K3")
    path = tmp_path / "referrals.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.title = "List 3"
    sheet.append(LIST3)
    sheet.append([*c8_common("K3"), D(2026, 2, 1), "Police", "maybe", "lots", None, None])
    sheet.append([*c8_common("K3"), "31/02/2026", "Police", "b) No", 1, None, None])
    book.save(path)
    result = annex(path)
    assert result.status == "rejected"
    assert [(e.row, e.code) for e in result.errors] == [(3, "invalid-date")]
    assert sorted((w.row, w.code) for w in result.warnings if w.row == 2) == [
        (2, "invalid-value"),
        (2, "invalid-value"),
    ]
    kept = annex(path, skip_invalid_rows=True)
    assert kept.status == "applied"
    referral = SocialCareEvent.objects.get(child__child_id="K3")
    assert referral.details == [["Referral source", "Police"]]  # the bad answers left blank


def test_a_903_childs_episodes_are_kept_and_a_different_ending_is_warned(tmp_path):
    child = ChildFactory(child_id="C8B")
    EpisodeFactory(child=child, start_date=D(2025, 1, 5), legal_status="C2", end_date=None)
    path = tmp_path / "l8.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.title = "List 8"
    sheet.append(LIST8)
    row = list8_row("C8B", D(2025, 1, 5), review=D(2025, 9, 1), plan=None)
    row[LIST8.index("Date Ceased to be Looked After")] = D(2026, 1, 1)
    row[LIST8.index("Reason Ceased to be Looked After")] = "e) E4A: Returned home"
    sheet.append(row)
    book.save(path)
    result = annex(path)
    assert result.status == "applied", result.errors
    assert [w.code for w in result.warnings if w.code == "differs-from-903"] == ["differs-from-903"]
    assert list(child.episodes.values_list("end_date", flat=True)) == [None]


def test_the_tracker_after_an_annex_a_only_import_flags_only_what_the_workbook_supports(eleven):
    assert annex(eleven).status == "applied"
    children = {c.child_id: c for c in tracker_rows.children_of(
        list(Child.objects.values_list("pk", flat=True))
    )}  # fmt: skip
    with clock.frozen_at(TODAY):
        built = tracker_rows.build_rows(
            list(children.values()), TODAY, Thresholds(), with_panels=False
        )
    flags = {row.child.child_id: {(f.code, f.level) for f in row.flags} for row in built}
    assert flags == {
        # In care since 2023, latest review 3.5 months ago: the next is due 6 months after it
        # (the reviews before it are not known); the plan is SGO or CAO.
        "C8": set(),
        # Latest review 9.5 months ago: overdue on any reading; no plan by the second review.
        "C8B": {("review_overdue", "red"), ("no_permanence_plan", "red")},
        # Two weeks in care, no review yet: the first is due 20 working days after entry.
        "C8C": set(),
        # A first review on time (within 20 working days): the second is due three months
        # after it, so no plan is amber as it nears.
        "C8D": {("no_permanence_plan", "amber")},
    }
    c8 = next(row for row in built if row.child.child_id == "C8")
    assert c8.next_review.due == D(2026, 9, 1)
    assert "reviews before it are not known" in c8.next_review.reason


def test_events_are_on_the_child_page_and_in_the_family_chronology(eleven, client):
    assert annex(eleven).status == "applied"
    c8 = Child.objects.get(child_id="C8")
    lead = UserFactory(username="lead", roles=["assurance_lead"])
    events = chronology.build(children=[c8], user=lead)
    summaries = [(e.date, e.kind, e.summary) for e in events if e.key.startswith("social_care:")]
    assert (D(2022, 11, 20), "help_protection", "Child protection plan started") in summaries
    assert (D(2023, 1, 10), "help_protection", "Child protection plan ended") in summaries
    assert (D(2026, 6, 1), "visits", "Social work visit") in summaries
    assert (
        D(2023, 1, 10),
        "returned_to_care",
        "A second or later period of care within 12 months began",
    ) in summaries
    client.force_login(lead)
    html = client.get(f"/children/{c8.child_id}/").content.decode()
    assert 'data-testid="social-care-events"' in html
    assert "12 events from Ofsted Annex A" in html
    assert "Contact source: 6: Police" in html
