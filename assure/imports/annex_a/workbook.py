"""Opening an Annex A workbook safely and reading its cells.

Before openpyxl sees the file, the zip is checked: the total uncompressed size and each
member's compression ratio must stay under limits, so a small file that would expand into
gigabytes of XML (a zip bomb) is refused. The workbook is then opened read-only twice: once
for the cached values (data_only) and once for the formulas, read in step, so that a formula
cell with no cached value is reported (sheet and cell) rather than read as blank.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

DEFAULT_MAX_UNCOMPRESSED = 500 * 1024 * 1024
DEFAULT_MAX_RATIO = 200
RATIO_FROM_BYTES = 1024 * 1024  # tiny members may compress extremely well; that is harmless


class WorkbookRefused(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def guard(path: Path) -> None:
    """Refuse a file that is not a zip, or that would expand too far."""
    limit = int(getattr(settings, "IMPORT_MAX_XLSX_UNCOMPRESSED", DEFAULT_MAX_UNCOMPRESSED))
    max_ratio = int(getattr(settings, "IMPORT_MAX_XLSX_RATIO", DEFAULT_MAX_RATIO))
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise WorkbookRefused(
            "file-not-xlsx", f"The file is not an Excel workbook (.xlsx): {exc}"
        ) from None
    total = sum(member.file_size for member in members)
    if total > limit:
        raise WorkbookRefused(
            "xlsx-too-large",
            f"The workbook would expand to {total:,} bytes; the limit is {limit:,}. "
            "It may be a zip bomb; it was not opened.",
        )
    for member in members:
        if member.file_size > RATIO_FROM_BYTES:
            ratio = member.file_size / max(member.compress_size, 1)
            if ratio > max_ratio:
                raise WorkbookRefused(
                    "xlsx-too-large",
                    f"{member.filename} expands {ratio:,.0f} times (limit {max_ratio}). "
                    "It may be a zip bomb; it was not opened.",
                )
    if not any(m.filename.startswith("xl/worksheets/") for m in members):
        raise WorkbookRefused("file-not-xlsx", "The zip holds no Excel worksheets.")


@dataclass(slots=True)
class Cell:
    value: Any
    missing_value: bool  # a formula with no cached value


class Workbook:
    """Both views of one workbook, opened read-only."""

    def __init__(self, path: Path) -> None:
        guard(path)
        try:
            self.values = load_workbook(path, read_only=True, data_only=True)
            self.formulas = load_workbook(path, read_only=True, data_only=False)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise WorkbookRefused(
                "file-not-xlsx", f"The workbook cannot be read: {type(exc).__name__}: {exc}"
            ) from None

    @property
    def sheet_names(self) -> list[str]:
        return list(self.values.sheetnames)

    def rows(self, name: str) -> Iterator[tuple[int, list[Cell]]]:
        """(row number, cells) for every row; rows with no content are skipped."""
        values, formulas = self.values[name], self.formulas[name]
        values.reset_dimensions()
        formulas.reset_dimensions()
        pairs = zip(
            values.iter_rows(values_only=True), formulas.iter_rows(values_only=True), strict=False
        )
        for number, (value_row, formula_row) in enumerate(pairs, start=1):
            cells = []
            for index, value in enumerate(value_row):
                formula = formula_row[index] if index < len(formula_row) else None
                missing = value is None and isinstance(formula, str) and formula.startswith("=")
                cells.append(Cell(value, missing))
            if any(c.value not in (None, "") or c.missing_value for c in cells):
                yield number, cells

    def close(self) -> None:
        self.values.close()
        self.formulas.close()


def cell_name(row: int, index: int) -> str:
    return f"{get_column_letter(index + 1)}{row}"
