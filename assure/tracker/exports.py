"""The tracker as CSV or XLSX: one header row, then one row per child on the tracker.

Every export is access-logged with one event per child it holds (core.access.record_export).
Text that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
return) is prefixed with an apostrophe, in both formats, so that a name typed as
"=HYPERLINK(...)" arrives as text. The XLSX is written in openpyxl's write-only mode (rows go
to a temporary file as they are written), with a frozen header, filters on every column,
dates as real dates and the flags' reasons.
"""

import csv
import datetime as dt
import io
import itertools
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from django.http import Http404, HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from assure.children import codes
from assure.core import access
from assure.core.spreadsheet import safe_cell

from .rows import Row

DATE_FORMAT = "d mmm yyyy"
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _assessment(row: Row, part: str) -> Any:
    a = row.assessment
    if a is None:
        return None
    if part == "stage":
        return a.get_stage_display()
    if part == "completed":
        return a.completed_date if a.completed_date and a.completed_date <= row.on else None
    return a.start_date


def _application(row: Row) -> str:
    proceedings = row.proceedings
    if proceedings is None:
        return ""
    return _APPLICATIONS.get(proceedings.application_type, proceedings.application_type)


_APPLICATIONS = dict(codes.ApplicationType.choices)

COLUMNS: list[tuple[str, float, Callable[[Row], Any]]] = [
    ("Child ID", 14, lambda r: r.child.child_id),
    ("First name", 14, lambda r: r.child.first_name),
    ("Last name", 14, lambda r: r.child.last_name),
    ("Date of birth", 13, lambda r: r.child.date_of_birth),
    ("Age", 6, lambda r: r.age),
    ("Team", 16, lambda r: r.child.team.name if r.child.team else ""),
    ("Worker", 16, lambda r: r.child.worker.name if r.child.worker else ""),
    ("Looked after", 8, lambda r: "Yes" if r.looked_after else "No"),
    ("Period of care start", 13, lambda r: r.period_start),
    ("Days in care", 8, lambda r: r.days_in_care),
    ("Legal status", 8, lambda r: r.legal_status),
    ("Placement type", 8, lambda r: r.placement_type),
    ("Permanence plan", 16, lambda r: r.plan.plan if r.plan else ""),
    ("Plan agreed", 13, lambda r: r.plan.agreed_date if r.plan else None),
    ("Parallel plan", 16, lambda r: r.plan.parallel_plan if r.plan else ""),
    ("Plan stage", 20, lambda r: r.plan_stage),
    ("Proceedings", 16, lambda r: _application(r)),
    ("Proceedings issued", 13, lambda r: r.proceedings.issue_date if r.proceedings else None),
    ("Proceedings week", 14, lambda r: r.timescale.label if r.timescale else ""),
    ("26-week date", 13, lambda r: r.limit_date),
    ("Extended to", 13, lambda r: r.timescale.extended_to if r.timescale else None),
    ("Next hearing", 13, lambda r: r.next_hearing.hearing_date if r.next_hearing else None),
    ("Next hearing type", 12, lambda r: r.next_hearing.hearing_type if r.next_hearing else ""),
    ("SGO assessment stage", 14, lambda r: _assessment(r, "stage")),
    ("SGO assessment started", 13, lambda r: _assessment(r, "start")),
    ("SGO assessment completed", 13, lambda r: _assessment(r, "completed")),
    ("Review schedule", 16, lambda r: r.review_schedule),
    ("Last review", 13, lambda r: r.last_review),
    ("Next review due", 13, lambda r: r.next_review.due if r.next_review else None),
    ("Latest panel outcome", 24, lambda r: r.panel_outcome or ""),
    ("Next panel", 20, lambda r: r.next_panel or ""),
    ("Proposals waiting", 30, lambda r: r.proposal or ""),
    ("Ceased date", 13, lambda r: r.ceased_date),
    ("Reason ceased", 8, lambda r: r.reason_ceased),
    ("RAG", 7, lambda r: r.rag.capitalize()),
    ("Flags", 24, lambda r: " ".join(f.code for f in r.flags)),
    ("Reasons", 80, lambda r: "\n".join(f.message for f in r.flags)),
]
HEADERS = [name for name, _, _ in COLUMNS]


def values_of(row: Row) -> list[Any]:
    return [safe_cell(get(row)) for _, _, get in COLUMNS]


def csv_lines(rows: Iterable[Row]) -> Iterator[str]:
    """The CSV, a line at a time (dates as YYYY-MM-DD), for streaming."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    # chain, not a tuple display: unpacking the rows into a tuple would build every line
    # before the first is sent, and hold them all.
    for values in itertools.chain([HEADERS], (values_of(r) for r in rows)):
        writer.writerow("" if v is None else v for v in values)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def write_csv(rows: Iterable[Row], out: IO[str]) -> None:
    for line in csv_lines(rows):
        out.write(line)


def write_xlsx(rows: Iterable[Row], on: dt.date, out: IO[bytes] | str) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(f"Tracker {on:%Y-%m-%d}")
    sheet.freeze_panes = "A2"
    for index, (_, width, _) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    header = []
    for name in HEADERS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in values_of(row)])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{count + 1}"
    workbook.save(out)


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # never a formula, whatever the text
        return cell
    return value


def log_export(*, rows: list[Row], on: dt.date, fmt: str, user: Any, where: str) -> None:
    access.record_export(
        user=user,
        where=where,
        child_pks=[r.child.pk for r in rows],
        detail={"export": "tracker", "format": fmt, "as_of": on.isoformat(), "rows": len(rows)},
    )


def logged_rows(
    batches: Iterable[list[Row]],
    *,
    on: dt.date,
    fmt: str,
    user: Any,
    where: str,
) -> Iterator[Row]:
    """The rows of a streamed export, each batch logged before any of its rows is given
    out, so that nothing leaves unlogged and memory holds one batch at a time."""
    for batch in batches:
        if batch:
            log_export(rows=batch, on=on, fmt=fmt, user=user, where=where)
        yield from batch


def filename(on: dt.date, fmt: str) -> str:
    return f"tracker-{on:%Y-%m-%d}.{fmt}"


def export_response(*, rows: Iterable[Row], on: dt.date, fmt: str) -> Any:
    """The download of rows already logged (or logged as they are produced): CSV streams;
    XLSX is written in write-only mode and sent when complete."""
    if fmt not in FORMATS:
        raise Http404("No such export format")
    disposition = f'attachment; filename="{filename(on, fmt)}"'
    if fmt == "csv":
        response: Any = StreamingHttpResponse(csv_lines(rows), content_type=FORMATS[fmt])
    else:
        buffer = io.BytesIO()
        write_xlsx(rows, on, buffer)
        response = HttpResponse(buffer.getvalue(), content_type=FORMATS[fmt])
    response["Content-Disposition"] = disposition
    return response
