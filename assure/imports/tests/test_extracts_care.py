"""The extract columns the care-history rules read: a court's extension of the 26-week
timetable on proceedings, and the carer an SGO plan names. Both optional: a file without
them leaves what is stored alone."""

from __future__ import annotations

import datetime as dt

import pytest

from assure.children.models import PermanencePlan, Proceedings
from assure.imports.services import import_execute
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db

HEAD = (
    "child_id,proceedings_id,application_type,issue_date,extended_to,court,case_number,status,"
    "concluded_date,outcome\n"
)
BARE = (
    "child_id,proceedings_id,application_type,issue_date,court,case_number,status,"
    "concluded_date,outcome\n"
)


def extract(*paths):
    return import_execute(kind="extract", paths=list(paths))


@pytest.fixture
def child():
    return ChildFactory(child_id="A1")


def test_an_extension_is_stored_and_a_file_without_the_column_keeps_it(write, child):
    # 15 Jan 2026 + 181 days is 15 Jul 2026: the last day inside the limit.
    result = extract(write("p.csv", HEAD + "A1,P1,care,2026-01-15,2026-09-01,,,open,,\n"))
    assert result.status == "applied", result.errors
    assert Proceedings.objects.get().extended_to == dt.date(2026, 9, 1)
    assert extract(write("q.csv", BARE + "A1,P1,care,2026-01-15,,,open,,\n")).status == "applied"
    assert Proceedings.objects.get().extended_to == dt.date(2026, 9, 1)
    assert extract(write("r.csv", HEAD + "A1,P1,care,2026-01-15,,,,open,,\n")).status == "applied"
    assert Proceedings.objects.get().extended_to is None


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("A1,P1,care,2026-01-15,2026-07-15,,,open,,", "after the 26-week limit, 15/07/2026"),
        ("A1,P1,sgo,2026-01-15,2026-09-01,,,open,,", "Only care and supervision"),
        ("A1,P1,supervision,,2026-09-01,,,open,,", "needs the issue date"),
    ],
)
def test_an_extension_that_moves_nothing_is_refused_and_nothing_is_stored(
    write, child, row, reason
):
    result = extract(write("p.csv", HEAD + row + "\n"))
    assert result.status == "rejected"
    assert [(e.code, e.column) for e in result.errors] == [("bad-extension", "extended_to")]
    assert reason in result.errors[0].message
    assert not Proceedings.objects.exists()


def test_the_day_after_the_limit_is_a_real_extension(write, child):
    row = "A1,P1,care,2026-01-15,2026-07-16,,,open,,\n"
    assert extract(write("p.csv", HEAD + row)).status == "applied"


def test_an_sgo_plan_names_its_carer_and_a_file_without_the_columns_keeps_them(write, child):
    head = "child_id,plan,agreed_date,parallel_plan,carer_id,carer_name\n"
    result = extract(write("a.csv", head + "A1,sgo,2026-02-01,,CARER-7,Mary Green\n"))
    assert result.status == "applied", result.errors
    plan = PermanencePlan.objects.get()
    assert (plan.carer_id, plan.carer_name, plan.source) == ("CARER-7", "Mary Green", "extract")
    bare = "child_id,plan,agreed_date,parallel_plan\n"
    assert extract(write("b.csv", bare + "A1,sgo,2026-02-01,adoption\n")).status == "applied"
    plan.refresh_from_db()
    assert (plan.parallel_plan, plan.carer_id, plan.carer_name) == (
        "adoption",
        "CARER-7",
        "Mary Green",
    )
    assert extract(write("c.csv", head + "A1,sgo,2026-02-01,adoption,,\n")).status == "applied"
    plan.refresh_from_db()
    assert (plan.carer_id, plan.carer_name) == ("", "")
