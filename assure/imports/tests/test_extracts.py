"""Case-management extracts: each template, the checks across rows, atomicity and
idempotence."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from assure.children.models import Child, Hearing, PermanencePlan, Proceedings, SGOAssessment
from assure.core.models import DomainEvent
from assure.families.models import Family, FamilyMember
from assure.imports.extracts.templates import TEMPLATES
from assure.imports.models import ImportRun
from assure.imports.services import import_execute
from assure.people.models import StaffMember, Team
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db

TEMPLATE_DIR = Path(__file__).resolve().parents[1] / "templates_csv"

PROCEEDINGS = (
    "child_id,proceedings_id,application_type,issue_date,court,case_number,status,"
    "concluded_date,outcome\n"
    "A1,P1,care,2026-01-15,Leeds,LS1,open,,\n"
    "A2,P1,care,2026-01-15,Leeds,LS1,open,,\n"
    "A3,P2,SGO,03/02/2025,Leeds,LS2,concluded,01/09/2025,SGO made\n"
)
HEARINGS = (
    "proceedings_id,hearing_date,hearing_type,outcome\n"
    "P1,2026-02-10,cmh,Directions\n"
    "P1,10/05/2026,irh,\n"
)


def extract(*paths: Path, **options: object):
    return import_execute(kind="extract", paths=list(paths), **options)  # type: ignore[arg-type]


@pytest.fixture
def children():
    return [ChildFactory(child_id=c) for c in ("A1", "A2", "A3")]


def test_templates_on_disk_match_the_documented_columns(children):
    ChildFactory(child_id="C000001")
    for template in TEMPLATES:
        path = TEMPLATE_DIR / f"{template.name}.csv"
        with path.open(newline="") as handle:
            assert next(csv.reader(handle)) == template.column_names
    # Each template's example row imports cleanly (proceedings before hearings).
    result = extract(*(TEMPLATE_DIR / f"{t.name}.csv" for t in TEMPLATES))
    assert result.status == "applied", result.errors
    assert [f.table for f in result.files] == [t.name for t in TEMPLATES]


def test_siblings_share_one_proceedings_and_hearings_attach(write, children):
    result = extract(write("p.csv", PROCEEDINGS, bom=True), write("h.csv", HEARINGS, crlf=True))
    assert result.status == "applied", result.errors
    p1 = Proceedings.objects.get(proceedings_id="P1")
    assert sorted(p1.children.values_list("child_id", flat=True)) == ["A1", "A2"]
    assert (p1.application_type, str(p1.issue_date), p1.court, p1.status) == (
        "care",
        "2026-01-15",
        "Leeds",
        "open",
    )
    p2 = Proceedings.objects.get(proceedings_id="P2")
    assert (p2.application_type, str(p2.issue_date), str(p2.concluded_date), p2.outcome) == (
        "sgo",
        "2025-02-03",
        "2025-09-01",
        "SGO made",
    )
    assert list(Hearing.objects.values_list("hearing_type", "hearing_date", "outcome")) == [
        ("cmh", p1.issue_date.replace(month=2, day=10), "Directions"),
        ("irh", p1.issue_date.replace(month=5, day=10), ""),
    ]
    assert result.changes["Hearings"] == {"created": 2, "updated": 0}
    # Each changed child has one event naming the run.
    events = DomainEvent.objects.filter(verb="child.imported")
    assert sorted(events.values_list("child__child_id", flat=True)) == ["A1", "A2", "A3"]
    assert {e.data["import_run"] for e in events} == {result.run_id}


def test_same_files_twice_change_nothing(write, children):
    files = [write("p.csv", PROCEEDINGS), write("h.csv", HEARINGS)]
    extract(*files)
    again = extract(*files)
    assert again.status == "applied"
    assert again.changes == {}
    assert again.episodes_loaded == 0
    assert Proceedings.children.through.objects.count() == 3
    assert Hearing.objects.count() == 2


def test_later_extract_updates(write, children):
    extract(write("p.csv", PROCEEDINGS))
    later = PROCEEDINGS.replace("LS1,open,,", "LS1,concluded,2026-06-01,Care order")
    result = extract(write("p2.csv", later))
    assert result.changes["Proceedings"]["updated"] == 2  # one proceedings, two children
    p1 = Proceedings.objects.get(proceedings_id="P1")
    assert (p1.status, str(p1.concluded_date), p1.outcome) == (
        "concluded",
        "2026-06-01",
        "Care order",
    )


def test_unknown_child_and_proceedings_reject_everything(write, children):
    bad = PROCEEDINGS + "ZZ9,P3,care,2026-01-01,,,open,,\n"
    hearings = HEARINGS + "P9,2026-03-01,final,\n"
    result = extract(write("p.csv", bad), write("h.csv", hearings))
    assert result.status == "rejected"
    assert [(p.row, p.column, p.code) for p in result.errors] == [
        (5, "child_id", "unknown-child"),
        (4, "proceedings_id", "unknown-proceedings"),
    ]
    assert not Proceedings.objects.exists()
    assert not ImportRun.objects.exists()
    # With --skip-invalid-rows the rest is stored and the two rows listed.
    skipped = extract(write("p.csv", bad), write("h.csv", hearings), skip_invalid_rows=True)
    assert skipped.status == "applied"
    assert skipped.rows_rejected == 2
    assert Proceedings.objects.count() == 2
    assert Hearing.objects.count() == 2


def test_hearing_for_stored_proceedings(write, children):
    extract(write("p.csv", PROCEEDINGS))
    result = extract(write("h.csv", HEARINGS))
    assert result.status == "applied", result.errors
    assert Hearing.objects.filter(proceedings__proceedings_id="P1").count() == 2


def test_bad_values_and_conflicts(write, children):
    text = (
        "child_id,assessment_id,carer_name,relationship,stage,start_date,completed_date,"
        "recommendation\n"
        "A1,S1,Ann,aunt,viability,2026-01-01,,\n"
        "A1,S2,Bob,relative,full,2026-01-01,2025-12-01,blank\n"
        "A1,S3,Cat,friend,full,31/02/2026,,\n"
        "A2,S4,Dan,friend,full,,,positive\n"
        "A2,S4,Dan,friend,full,,,negative\n"
        "A2,S5,,friend,full,,,\n"
    )
    result = extract(write("s.csv", text))
    assert result.status == "rejected"
    assert [(p.row, p.column, p.code) for p in result.errors] == [
        (2, "relationship", "unknown-code"),
        (3, "completed_date", "end-before-start"),
        (4, "start_date", "invalid-date"),
        (6, "recommendation", "conflicting-rows"),
        (7, "carer_name", "missing-value"),
    ]
    assert not SGOAssessment.objects.exists()


def test_assessments_plans_allocations_and_families(write, children):
    files = [
        write(
            "s.csv",
            "child_id,assessment_id,carer_name,relationship,stage,start_date,completed_date,"
            "recommendation\nA1,S1,Ann Smith,relative,full,2026-01-01,2026-03-01,positive\n",
        ),
        write(
            "plans.csv",
            "child_id,plan,agreed_date,parallel_plan\n"
            "A1,adoption,2025-06-01,\nA1,sgo,2026-02-01,adoption\nA1,sgo,2026-02-01,adoption\n",
        ),
        write(
            "alloc.csv",
            "child_id,team,worker,iro\nA1,CiC 1,Sam Worker,Alex Iro\nA2,CiC 1,Sam Worker,\n",
        ),
        write("fam.csv", "family_id,child_id,relationship_to_family\nF1,A1,child\nF1,A2,sibling\n"),
    ]
    result = extract(*files)
    assert result.status == "applied", result.errors
    assessment = SGOAssessment.objects.get(assessment_id="S1")
    assert (assessment.child.child_id, assessment.stage, assessment.recommendation) == (
        "A1",
        "full",
        "positive",
    )
    plans = list(PermanencePlan.objects.values_list("plan", "parallel_plan", "source"))
    assert plans == [("adoption", "", "extract"), ("sgo", "adoption", "extract")]
    a1 = Child.objects.select_related("team", "worker", "iro").get(child_id="A1")
    assert (a1.team.name, a1.worker.name, a1.iro.name) == ("CiC 1", "Sam Worker", "Alex Iro")
    assert StaffMember.objects.get(name="Sam Worker").team == Team.objects.get(name="CiC 1")
    assert Child.objects.get(child_id="A2").iro is None
    assert Family.objects.get().family_id == "F1"
    assert sorted(
        FamilyMember.objects.values_list("child__child_id", "relationship_to_family")
    ) == [
        ("A1", "child"),
        ("A2", "sibling"),
    ]
    assert extract(*files).changes == {}
    # A blank cell in a later allocations extract clears that allocation.
    extract(write("alloc2.csv", "child_id,team,worker,iro\nA1,CiC 1,,Alex Iro\n"))
    assert Child.objects.get(child_id="A1").worker is None


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ("", "file-empty"),
        ("child_id,plan,agreed_date,parallel_plan\n", "file-no-rows"),
        ("foo,bar\n1,2\n", "file-unrecognised"),
        ("child_id,plan,agreed_date\nA1,sgo,2026-01-01\n", "missing-column"),
        (b"\x00\x01\x02binary", "file-not-text"),
    ],
)
def test_bad_files(write, children, content, code):
    result = extract(write("x.csv", content))
    assert result.status == "rejected"
    assert [p.code for p in result.errors] == [code]
    assert not PermanencePlan.objects.exists()


def test_dry_run_stores_nothing(write, children):
    result = extract(write("p.csv", PROCEEDINGS), dry_run=True)
    assert result.status == "dry_run"
    assert result.rows_read == 3
    assert result.children == 3
    assert not Proceedings.objects.exists()


SGO_HEADER = "child_id,assessment_id,carer_name,relationship,stage,start_date,completed_date,"


def test_carer_id_is_an_optional_column(write, children):
    """Files without carer_id import as before; with it the ID is stored; a later file
    without the column leaves stored IDs alone, and one with a blank cell clears them."""
    old = write(
        "old.csv",
        SGO_HEADER + "recommendation\nA1,S1,Ann Smith,relative,full,2026-01-01,,\n",
    )
    result = extract(old)
    assert result.status == "applied", result.errors
    assert not [p for p in result.warnings if p.column == "carer_id"]
    assert SGOAssessment.objects.get(assessment_id="S1").carer_id == ""

    new = write(
        "new.csv",
        "child_id,assessment_id,carer_name,Carer ID,relationship,stage,start_date,"
        "completed_date,recommendation\n"
        "A1,S1,Ann Smith,CM-77,relative,full,2026-01-01,,\n"
        "A2,S2,Ann Smith,CM-77,relative,full,2026-01-01,,\n",
    )
    result = extract(new)
    assert result.status == "applied", result.errors
    assert dict(SGOAssessment.objects.values_list("assessment_id", "carer_id")) == {
        "S1": "CM-77",
        "S2": "CM-77",
    }
    assert result.changes["SGO assessments"] == {"created": 1, "updated": 1}
    # The old layout again: nothing changes, the IDs stay.
    assert extract(old).changes == {}
    assert SGOAssessment.objects.get(assessment_id="S1").carer_id == "CM-77"
    # With the column, a blank cell clears the ID.
    extract(
        write(
            "cleared.csv",
            SGO_HEADER.replace("carer_name,", "carer_name,carer_id,")
            + "recommendation\nA1,S1,Ann Smith,,relative,full,2026-01-01,,\n",
        )
    )
    assert SGOAssessment.objects.get(assessment_id="S1").carer_id == ""


def test_optional_column_files_mixed_in_one_import(write, children):
    """One import with both layouts: the rows agree on what both give, and the ID is kept."""
    result = extract(
        write("a.csv", SGO_HEADER + "recommendation\nA1,S1,Ann Smith,relative,full,,,\n"),
        write(
            "b.csv",
            SGO_HEADER.replace("carer_name,", "carer_name,carer_id,")
            + "recommendation\nA1,S1,Ann Smith,CM-1,relative,full,,,\n",
        ),
    )
    assert result.status == "applied", result.errors
    assert SGOAssessment.objects.get().carer_id == "CM-1"
    # A required column is still required.
    result = extract(write("c.csv", "child_id,assessment_id,carer_name,carer_id\nA1,S9,X,C\n"))
    assert result.status == "rejected"
    assert {p.column for p in result.errors} == {
        "relationship",
        "stage",
        "start_date",
        "completed_date",
        "recommendation",
    }
    assert {p.code for p in result.errors} == {"missing-column"}


OPTIONAL = {
    "sgo_assessments": {"carer_id"},
    "proceedings": {"extended_to"},
    "permanence_plans": {"carer_id", "carer_name"},
}


def test_optional_columns_in_the_template_definition():
    for template in TEMPLATES:
        optional = OPTIONAL.get(template.name, set())
        assert optional <= set(template.column_names), template.name
        assert set(template.column_names) - set(template.needed_column_names) == optional
