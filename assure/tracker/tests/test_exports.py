"""CSV and XLSX exports, from the page and from `assure export tracker`: contents, format,
formula safety, access logging and the access policy."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from assure.core import clock
from assure.core.models import AccessEvent
from assure.tracker import exports, selectors
from tests.factories import TeamFactory, UserFactory

from .helpers import child_in_care, plan_for, proceedings_for

D = dt.date
AS_OF = D(2026, 6, 1)


@pytest.fixture
def data(db):
    north, south = TeamFactory(name="North"), TeamFactory(name="South")
    a = child_in_care(
        child_id="A1",
        start=D(2026, 1, 5),
        team=north,
        first_name='=HYPERLINK("http://x")',
        last_name="@SUM(1)",
    )
    plan_for(a, plan="sgo", agreed=D(2026, 2, 1))
    proceedings_for(a, issued=D(2026, 1, 5), final=D(2026, 9, 1))
    child_in_care(
        child_id="B2",
        start=D(2025, 1, 1),
        end=D(2026, 3, 1),
        reason="E45",
        team=south,
        first_name="Ben",
        last_name="Brown",
    )
    return {"north": north, "south": south, "a": a}


@pytest.fixture
def lead(db):
    return UserFactory(username="lead", roles=["assurance_lead"])


def download(client, fmt: str, query: str = "") -> bytes:
    with clock.frozen_at(AS_OF):
        response = client.get(reverse("tracker:export", args=[fmt]) + query)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="tracker-2026-06-01.{fmt}"'
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_csv_has_one_header_then_a_row_per_child(client, lead, data):
    client.force_login(lead)
    rows = list(csv.reader(io.StringIO(download(client, "csv").decode())))
    assert rows[0] == exports.HEADERS
    assert [r[0] for r in rows[1:]] == ["A1", "B2"]
    a = dict(zip(rows[0], rows[1], strict=True))
    assert a["First name"] == '\'=HYPERLINK("http://x")'
    assert a["Last name"] == "'@SUM(1)"
    assert (a["Period of care start"], a["Permanence plan"], a["Proceedings week"]) == (
        "2026-01-05",
        "sgo",
        "Week 22 of 26",
    )
    assert (a["Proceedings"], a["26-week date"], a["Extended to"]) == (
        "Care order",
        "2026-07-05",
        "",
    )
    assert a["Review schedule"] == "Looked-after reviews"
    assert a["RAG"] == "Red"
    assert "Proceedings are in week 22 of 26" in a["Reasons"]
    b = dict(zip(rows[0], rows[2], strict=True))
    assert (b["Looked after"], b["Ceased date"], b["Reason ceased"]) == ("No", "2026-03-01", "E45")


def test_csv_follows_the_filters_of_the_page(client, lead, data):
    client.force_login(lead)
    rows = list(csv.reader(io.StringIO(download(client, "csv", "?care_status=left_care").decode())))
    assert [r[0] for r in rows[1:]] == ["B2"]


def test_xlsx_frozen_header_filters_dates_and_safe_text(client, lead, data):
    client.force_login(lead)
    book = load_workbook(io.BytesIO(download(client, "xlsx")))
    sheet = book.active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{get_column_letter(len(exports.HEADERS))}3"
    header = [c.value for c in sheet[1]]
    assert header == exports.HEADERS and sheet["A1"].font.bold
    values = {h: c for h, c in zip(header, sheet[2], strict=True)}
    start = values["Period of care start"]
    assert start.is_date and start.value.date() == D(2026, 1, 5)
    assert start.number_format == "d mmm yyyy"
    assert values["Proceedings week"].value == "Week 22 of 26"
    assert values["First name"].value == '\'=HYPERLINK("http://x")'
    assert values["First name"].data_type == "s"
    assert "week 22" in values["Reasons"].value


def test_exports_are_logged_for_each_child(client, lead, data):
    client.force_login(lead)
    download(client, "csv", "?rag=red")
    events = AccessEvent.objects.filter(via="export", user=lead)
    assert {e.child.child_id for e in events} == {"A1"}
    event = events.get()
    assert event.detail == {"export": "tracker", "format": "csv", "as_of": "2026-06-01", "rows": 1}
    assert event.where == "/tracker/export.csv?rag=red"


def test_exports_follow_the_access_policy(client, data):
    stranger = UserFactory(username="sam", roles=["practitioner"], teams=[TeamFactory(name="East")])
    client.force_login(stranger)
    assert download(client, "csv").decode().splitlines() == [",".join(exports.HEADERS)]
    south = UserFactory(username="pat", roles=["practitioner"], teams=[data["south"]])
    client.force_login(south)
    rows = list(csv.reader(io.StringIO(download(client, "csv").decode())))
    assert [r[0] for r in rows[1:]] == ["B2"]
    assert client.get(reverse("tracker:export", args=["pdf"])).status_code == 404


def test_command_writes_csv_and_xlsx_and_logs(tmp_path, lead, data):
    out = tmp_path / "tracker.csv"
    call_command(
        "export",
        "tracker",
        "--as-of",
        "2026-06-01",
        "--format",
        "csv",
        "--out",
        str(out),
        "--user",
        "lead",
        stdout=io.StringIO(),
    )
    lines = list(csv.reader(out.open(encoding="utf-8")))
    assert lines[0] == exports.HEADERS and [r[0] for r in lines[1:]] == ["A1", "B2"]
    xlsx = tmp_path / "tracker.xlsx"
    call_command(
        "export",
        "tracker",
        "--as-of",
        "2026-03-01",
        "--format",
        "xlsx",
        "--out",
        str(xlsx),
        "--user",
        "lead",
        stdout=io.StringIO(),
    )
    sheet = load_workbook(xlsx).active
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["A1", "B2"]
    assert AccessEvent.objects.filter(via="export", user=lead).count() == 4


def test_command_applies_the_access_policy_and_refuses_bad_input(tmp_path, data):
    UserFactory(username="pat", roles=["practitioner"], teams=[data["south"]])
    out = tmp_path / "t.csv"
    call_command(
        "export",
        "tracker",
        "--as-of",
        "2026-06-01",
        "--format",
        "csv",
        "--out",
        str(out),
        "--user",
        "pat",
        stdout=io.StringIO(),
    )
    assert [r[0] for r in csv.reader(out.open())][1:] == ["B2"]
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command(
            "export",
            "tracker",
            "--as-of",
            "2026-02-30",
            "--format",
            "csv",
            "--out",
            str(out),
            "--user",
            "pat",
        )
    with pytest.raises(CommandError, match="No active user"):
        call_command("export", "tracker", "--format", "csv", "--out", str(out), "--user", "nobody")


def test_streamed_batches_give_the_same_rows_and_log_each_batch(lead, data):
    from assure.tracker import selectors

    for n in range(5):
        child_in_care(child_id=f"Z{n}", start=D(2026, 5, 1))
    whole = [r.child.child_id for r in selectors.tracker_rows(user=lead, on=AS_OF)]
    batches = list(selectors.iter_tracker_rows(user=lead, on=AS_OF, batch_size=3))
    assert [len(b) for b in batches] == [3, 3, 1]
    assert [r.child.child_id for b in batches for r in b] == whole
    rows = exports.logged_rows(iter(batches), on=AS_OF, fmt="csv", user=lead, where="test")
    assert next(rows).child.child_id == "A1"
    # The first batch (A1, B2, Z0) is logged before its first row is given.
    assert AccessEvent.objects.filter(via="export").count() == 3
    assert [r.child.child_id for r in rows] == ["B2", "Z0", "Z1", "Z2", "Z3", "Z4"]
    assert AccessEvent.objects.filter(via="export").count() == 7


def test_a_sorted_export_keeps_the_order_of_the_page(client, lead, data):
    client.force_login(lead)
    content = download(client, "csv", "?sort=ceased_date&order=desc").decode()
    assert [r[0] for r in csv.reader(io.StringIO(content))][1:] == ["B2", "A1"]
    assert AccessEvent.objects.filter(via="export").count() == 2


def test_csv_lines_stream_a_row_at_a_time(lead, data):
    """The CSV gives out each line as its row arrives: nothing ahead of the line asked for is
    read, so memory holds one batch however many children the export has."""
    with clock.frozen_at(AS_OF):
        (batch,) = list(selectors.iter_tracker_rows(user=lead, on=AS_OF))
    read = []

    def rows():
        for row in batch:
            read.append(row)
            yield row

    lines = exports.csv_lines(rows())
    assert next(lines).startswith("Child ID,")
    assert read == []
    assert next(lines).startswith(batch[0].child.child_id)
    assert read == [batch[0]]
