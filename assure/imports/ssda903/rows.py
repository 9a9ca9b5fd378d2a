"""From raw text to typed rows, and from rows to one row per key (duplicates, conflicts,
later returns winning over earlier ones).

`Converter.convert` types a raw row. A bad value in a column the care history needs
(`Table.needed`, the row's key, CHILD, a Header's DOB) is an error and the row is not
stored; a bad value anywhere else is a warning and the row is stored with that value blank
(a MOTHER of "x" no longer costs the child their date of birth, sex and ethnicity). A whole
number written with a decimal part (1.0, as pandas writes a column with blanks) is read as
the whole number, and a blank written as a word (NULL, nan) as blank, each with one warning
per file and column.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..framework import Problem, Problems
from . import values as v
from .reader import RawRow
from .tables import WHOLE_NUMBER_COLUMNS, Table


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
        values = self.values
        return (values[0], *(values[i] for i in self.table.key_positions))  # type: ignore[attr-defined]


_END_START = {
    "Episodes": ("DECOM", "DEC", "dec-before-decom"),
    "Missing": ("MIS_START", "MIS_END", "end-before-start"),
    "SWEpisodes": ("SW_DECOM", "SW_DEC", "end-before-start"),
    "PlacedAdoption": ("DATE_PLACED", "DATE_PLACED_CEASED", "end-before-start"),
}


class Converter:
    """Types raw rows for one import; `finish` reports the whole numbers written as 1.0."""

    def __init__(self, problems: Problems, *, today: dt.date) -> None:
        self.problems = problems
        self.today = today
        # (file, column) -> [first row, how many values]
        self.decimals: dict[tuple[str, str], list[int]] = {}
        # (file, column) -> [first row, how many values, the word]
        self.no_values: dict[tuple[str, str], list[Any]] = {}

    def convert(self, raw: RawRow, *, display: str, file_index: int) -> Row | None:
        """The typed row, or None when the row has an error (each error is reported)."""
        table = raw.table
        problems = self.problems
        child = raw.values[0]
        if child and child.upper() in v.NO_VALUE:
            child = self._no_value(display, raw.row, "CHILD", child)
        if child and child[-1] == "0" and (match := v.WHOLE_DECIMAL.match(child)):
            child = self._whole(display, raw.row, "CHILD", match)
        typed: list[Any] = [child]
        bad = False
        if not child:
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
        elif len(child) > 50:
            problems.error(
                Problem(
                    display,
                    raw.row,
                    "CHILD",
                    child[:60],
                    "value-too-long",
                    "CHILD is longer than 50 characters.",
                )
            )
            bad = True
        readers = table.readers
        row_level = table.row_level  # type: ignore[attr-defined]
        for column, text in zip(table.columns[1:], raw.values[1:], strict=True):
            if text and len(text) <= 4 and text.upper() in v.NO_VALUE:
                text = self._no_value(display, raw.row, column, text)
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
                            child,
                        )
                    )
                    bad = True
                typed.append(None)
                continue
            if (
                text[-1] == "0"
                and column in WHOLE_NUMBER_COLUMNS
                and (match := v.WHOLE_DECIMAL.match(text))
            ):
                text = self._whole(display, raw.row, column, match)
            try:
                value = readers[column](text)
                if column == "DOB" and value > self.today:
                    raise v.BadValue("dob-in-future", f"{text!r} is a date of birth in the future")
            except v.BadValue as exc:
                typed.append(None)
                if column in row_level:
                    problems.error(
                        Problem(display, raw.row, column, text[:200], exc.code, exc.message, child)
                    )
                    bad = True
                else:
                    problems.warning(
                        Problem(
                            display,
                            raw.row,
                            column,
                            text[:200],
                            exc.code,
                            f"{exc.message}: the row is stored with {column} blank.",
                            child,
                        )
                    )
                continue
            typed.append(value)
        if not bad and table.name in _END_START:
            bad = _end_before_start(table, typed, raw.row, display, problems)
        if bad:
            return None
        return Row(table, display, file_index, raw.row, raw.year, tuple(typed), raw.absent)

    def _whole(self, display: str, row: int, column: str, match: Any) -> str:
        seen = self.decimals.get((display, column))
        if seen is None:
            self.decimals[display, column] = [row, 1]
        else:
            seen[1] += 1
        return match.group(1)

    def _no_value(self, display: str, row: int, column: str, text: str) -> str:
        seen = self.no_values.get((display, column))
        if seen is None:
            self.no_values[display, column] = [row, 1, text]
        else:
            seen[1] += 1
        return ""

    def finish(self) -> None:
        """One warning per file and column whose whole numbers were written as 1.0, and
        one per file and column whose blanks were written as NULL or nan."""
        for (display, column), (first, count, word) in self.no_values.items():
            many = f"{count:,} values" if count > 1 else "1 value"
            self.problems.warning(
                Problem(
                    display,
                    first,
                    column,
                    word,
                    "no-value-word",
                    f"{column} has blanks written as a word ({word}, as SQL Server and pandas "
                    f"write them): {many}, the first on line {first}, read as blank.",
                )
            )
        self.no_values.clear()
        for (display, column), (first, count) in self.decimals.items():
            many = f"{count:,} values" if count > 1 else "1 value"
            self.problems.warning(
                Problem(
                    display,
                    first,
                    column,
                    "",
                    "decimal-whole-number",
                    f"{column} has whole numbers written with a decimal part (1.0, as pandas "
                    f"and spreadsheets write them): {many}, the first on line {first}, read "
                    "as whole numbers (1.0 as 1).",
                )
            )
        self.decimals.clear()


def _end_before_start(
    table: Table, typed: list[Any], row: int, display: str, problems: Problems
) -> bool:
    start_column, end_column, code = _END_START[table.name]
    start, end = typed[table.index(start_column)], typed[table.index(end_column)]
    if start and end and end < start:
        if not table.is_row_level(end_column):
            # An end the care history does not need (a missing episode's, a social
            # worker's): the row is kept without it.
            typed[table.index(end_column)] = None
            problems.warning(
                Problem(
                    display,
                    row,
                    end_column,
                    end.isoformat(),
                    code,
                    f"{end_column} {end:%d/%m/%Y} is before {start_column} {start:%d/%m/%Y}: "
                    f"the row is stored with {end_column} blank.",
                    typed[0],
                )
            )
            return False
        problems.error(
            Problem(
                display,
                row,
                end_column,
                end.isoformat(),
                code,
                f"{end_column} {end:%d/%m/%Y} is before {start_column} {start:%d/%m/%Y}.",
                typed[0],
            )
        )
        return True
    return False


class Merger:
    """Keeps one row per key. An exact repeat in the same file is a warning and is stored
    once; a row from a later YEAR (regional files) or a later file replaces an earlier
    one; two different rows for one key in the same file and year are an error.

    The importer gives it the rows of a chunk of children at a time (every row of a child is
    in the same chunk), then takes `tables` and starts the next chunk with `clear`."""

    def __init__(self, problems: Problems | None) -> None:
        self.problems = problems
        self.tables: dict[str, dict[tuple[Any, ...], Row]] = {}
        # Rows seen, by a hash of file, year and values, for reporting exact repeats; only
        # the warning depends on it, never what is stored.
        self.seen: dict[int, int] = {}

    def clear(self) -> None:
        self.tables = {}
        self.seen = {}

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
        if self.problems is None:
            return
        first = self.seen[hash((row.table.name, row.file_index, row.year, row.values))]
        self.problems.warning(
            Problem(
                row.file,
                row.row,
                "",
                "",
                "duplicate-row",
                f"Row {row.row} repeats row {first} exactly: it is stored once.",
                row.child,
            )
        )

    def _conflict(self, row: Row, earlier: Row) -> None:
        if self.problems is None:
            return
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
                row.child,
            )
        )
