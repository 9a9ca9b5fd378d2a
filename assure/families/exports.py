"""A family's chronology as a CSV file: the rows of the page (with its filters), for a court
bundle, a practice review or a spreadsheet of one's own.

Only what the page shows goes in: the visible children's events, from the sources the user
may read. Every cell is spreadsheet-safe, and the download is logged as an export of each
child whose events it holds."""

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from assure.core.spreadsheet import safe_cell

from .chronology import ChronologyEvent

HEADERS = ["Date", "Kind", "Child IDs", "Children", "Summary", "Detail"]


def _cells(event: ChronologyEvent) -> list[Any]:
    return [
        event.date.isoformat(),
        event.kind_label,
        " ".join(event.child_ids),
        "; ".join(child.display_name for child in event.children),
        event.summary,
        "\n".join(event.detail),
    ]


def chronology_csv_lines(events: Iterable[ChronologyEvent]) -> Iterator[str]:
    """The CSV, a line at a time: a header row, then one row per event, oldest first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    yield buffer.getvalue()
    for event in events:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(safe_cell(value) for value in _cells(event))
        yield buffer.getvalue()


def filename(family_id: str) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in family_id)
    return f"family-{safe}-chronology.csv"


def logged_children(events: Iterable[ChronologyEvent]) -> list[int]:
    """The children whose events the file holds: the export is logged for each of them."""
    return sorted({child.pk for event in events for child in event.children})
