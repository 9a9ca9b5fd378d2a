"""Reading extract CSVs into typed rows, one template per file, every problem reported."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..framework import FileSummary, Problem, Problems, file_problem
from ..ssda903.reader import sniff_checked
from ..ssda903.values import BadValue
from .templates import TEMPLATES, Template, recognise


@dataclass(slots=True)
class Row:
    template: str
    file: str
    row: int
    values: dict[str, Any]  # column -> typed value; None when blank


def normalise_column(name: str) -> str:
    name = name.replace("\ufeff", "").replace("\xa0", " ").strip().strip('"').lower()
    return re.sub(r"[^a-z0-9]+", "_", name).strip("_")


def read_file(path: Path, summary: FileSummary, problems: Problems) -> Iterator[Row]:
    display = summary.path
    sniffed = sniff_checked(path, summary, problems)
    if sniffed is None:
        return
    if sniffed.binary or sniffed.xml:
        problems.error(file_problem(display, "file-not-text", "The file is not a CSV extract."))
        return
    with path.open("r", encoding=sniffed.encoding, newline="") as handle:
        rows = csv.reader(handle)
        try:
            header = next(rows)
        except (StopIteration, csv.Error):
            problems.error(file_problem(display, "file-empty", "The file has no header row."))
            return
        columns = [normalise_column(name) for name in header]
        template = recognise(set(columns))
        if template is None:
            problems.error(
                file_problem(
                    display,
                    "file-unrecognised",
                    "The columns match no extract template ("
                    + "; ".join(f"{t.name}: {', '.join(t.column_names)}" for t in TEMPLATES)
                    + ").",
                    value=",".join(header)[:200],
                )
            )
            return
        summary.table = template.name
        if not _check_columns(display, template, columns, problems):
            return
        positions = {name: columns.index(name) for name in template.column_names if name in columns}
        try:
            for record in rows:
                if not any(cell.strip() for cell in record):
                    continue
                summary.rows += 1
                row = _convert(template, display, rows.line_num, record, positions, problems)
                if row is not None:
                    yield row
        except csv.Error as exc:
            problems.error(
                file_problem(
                    display,
                    "file-unreadable",
                    f"The CSV is malformed at line {rows.line_num}: {exc}",
                )
            )
            return
    if summary.rows == 0:
        problems.error(
            file_problem(
                display, "file-no-rows", f"The file has a {template.name} header but no rows."
            )
        )


def _check_columns(
    display: str, template: Template, columns: list[str], problems: Problems
) -> bool:
    """Extra columns are warnings; a missing template column rejects the file, because a
    blank would otherwise clear what is stored. An optional column may be left out: its
    values are then left as stored."""
    for column in columns:
        if column and column not in template.column_names:
            problems.warning(
                Problem(
                    display,
                    1,
                    column,
                    "",
                    "extra-column",
                    f"{column} is not a {template.name} column: it is ignored.",
                )
            )
    missing = [name for name in template.needed_column_names if name not in columns]
    for name in missing:
        problems.error(
            Problem(
                display,
                None,
                name,
                "",
                "missing-column",
                f"The {template.name} template needs a {name} column.",
            )
        )
    return not missing


def _convert(
    template: Template,
    display: str,
    line: int,
    record: list[str],
    positions: dict[str, int],
    problems: Problems,
) -> Row | None:
    values: dict[str, Any] = {}
    bad = False
    for column in template.columns:
        at = positions.get(column.name)
        if at is None:  # an optional column the file leaves out: no value, not a blank
            continue
        raw = record[at].replace("\xa0", " ").strip() if at < len(record) else ""
        if not raw:
            if column.required:
                problems.error(
                    Problem(
                        display,
                        line,
                        column.name,
                        "",
                        "missing-value",
                        f"{column.name} is blank: the row cannot be stored without it.",
                    )
                )
                bad = True
            values[column.name] = None
            continue
        try:
            values[column.name] = column.read(raw)
        except BadValue as exc:
            problems.error(Problem(display, line, column.name, raw[:200], exc.code, exc.message))
            bad = True
    return None if bad else Row(template.name, display, line, values)
