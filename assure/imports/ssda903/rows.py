"""From raw text to typed rows (row errors), and from rows to one row per key (duplicates,
conflicts, later returns winning over earlier ones)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..framework import Problem, Problems
from . import values as v
from .reader import RawRow
from .tables import Table


@dataclass(slots=True)
class Row:
    table: Table
    file: str
    file_index: int
    row: int
    year: int
    values: tuple[Any, ...]  # typed, aligned to table.columns; None when blank
    absent: frozenset[str]  # columns the file did not have

    @property
    def child(self) -> str:
        return self.values[0]

    def get(self, column: str) -> Any:
        return self.values[self.table.positions[column]]  # type: ignore[attr-defined]

    def key(self) -> tuple[Any, ...]:
        return (self.values[0], *(self.get(column) for column in self.table.key))


_END_START = {
    "Episodes": ("DECOM", "DEC", "dec-before-decom"),
    "Missing": ("MIS_START", "MIS_END", "end-before-start"),
    "SWEpisodes": ("SW_DECOM", "SW_DEC", "end-before-start"),
    "PlacedAdoption": ("DATE_PLACED", "DATE_PLACED_CEASED", "end-before-start"),
}


def convert(raw: RawRow, *, display: str, file_index: int, problems: Problems) -> Row | None:
    """The typed row, or None when the row has an error (each error is reported)."""
    table = raw.table
    typed: list[Any] = []
    bad = False
    for column, text in zip(table.columns, raw.values, strict=True):
        if column == "CHILD":
            if not text:
                problems.error(
                    Problem(
                        display,
                        raw.row,
                        "CHILD",
                        "",
                        "missing-child",
                        "CHILD is blank: a row cannot be stored without the child's ID.",
                    )
                )
                bad = True
            elif len(text) > 50:
                problems.error(
                    Problem(
                        display,
                        raw.row,
                        "CHILD",
                        text[:60],
                        "value-too-long",
                        "CHILD is longer than 50 characters.",
                    )
                )
                bad = True
            typed.append(text)
            continue
        if not text:
            if column in table.required:
                problems.error(
                    Problem(
                        display,
                        raw.row,
                        column,
                        "",
                        "missing-key",
                        f"{column} is blank: a {table.name} row is identified by it.",
                    )
                )
                bad = True
            typed.append(None)
            continue
        try:
            typed.append(table.readers[column](text))
        except v.BadValue as exc:
            problems.error(Problem(display, raw.row, column, text[:200], exc.code, exc.message))
            typed.append(None)
            bad = True
    if not bad and table.name in _END_START:
        bad = _end_before_start(table, typed, raw, display, problems)
    if bad:
        return None
    return Row(table, display, file_index, raw.row, raw.year, tuple(typed), raw.absent)


def _end_before_start(
    table: Table, typed: list[Any], raw: RawRow, display: str, problems: Problems
) -> bool:
    start_column, end_column, code = _END_START[table.name]
    start, end = typed[table.index(start_column)], typed[table.index(end_column)]
    if start and end and end < start:
        problems.error(
            Problem(
                display,
                raw.row,
                end_column,
                end.isoformat(),
                code,
                f"{end_column} {end:%d/%m/%Y} is before {start_column} {start:%d/%m/%Y}.",
            )
        )
        return True
    return False


class Merger:
    """Keeps one row per key. An exact repeat in the same file is a warning and is stored
    once; a row from a later YEAR (regional files) or a later file replaces an earlier
    one; two different rows for one key in the same file and year are an error."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        self.tables: dict[str, dict[tuple[Any, ...], Row]] = {}
        # Rows seen, by a hash of file, year and values, for reporting exact repeats; only
        # the warning depends on it, never what is stored.
        self.seen: dict[int, int] = {}

    def add(self, row: Row) -> None:
        rows = self.tables.setdefault(row.table.name, {})
        key = row.key()
        earlier = rows.get(key)
        fingerprint = hash((row.table.name, row.file_index, row.year, row.values))
        if fingerprint in self.seen:
            self._duplicate(row)
        else:
            self.seen[fingerprint] = row.row
        if earlier is None:
            rows[key] = row
            return
        if earlier.values == row.values:
            return
        if earlier.file_index == row.file_index and earlier.year == row.year:
            self._conflict(row, earlier)
        elif (row.year, row.file_index) >= (earlier.year, earlier.file_index):
            rows[key] = row

    def _duplicate(self, row: Row) -> None:
        first = self.seen[hash((row.table.name, row.file_index, row.year, row.values))]
        self.problems.warning(
            Problem(
                row.file,
                row.row,
                "",
                "",
                "duplicate-row",
                f"Row {row.row} repeats row {first} exactly: it is stored once.",
            )
        )

    def _conflict(self, row: Row, earlier: Row) -> None:
        what = " and ".join(["CHILD", *row.table.key])
        shown = ", ".join(str(part) for part in row.key())
        self.problems.error(
            Problem(
                row.file,
                row.row,
                row.table.key[0] if row.table.key else "CHILD",
                shown,
                "conflicting-rows",
                f"Another {row.table.name} row (row {earlier.row}) has the same {what} ({shown}) "
                "with different values; which one is right cannot be told.",
            )
        )
