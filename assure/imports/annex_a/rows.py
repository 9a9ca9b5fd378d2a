"""What reading an Annex A workbook gives: its rows, list by list."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..framework import FileSummary, Problems
from . import lists

ONE_ROW_EACH = (8, 9, 10, 11)  # lists with one row a child (an adopter for list 11)
HELP_LISTS = (1, 2, 3, 4, 5, 6, 7)


@dataclass(slots=True)
class ListRow:
    list_no: int
    file: str
    row: int
    values: dict[str, Any]

    @property
    def key(self) -> str:
        return self.values[lists.key_field(self.list_no)]


@dataclass
class PreparedAnnexA:
    files: list[FileSummary]
    problems: Problems
    rows: dict[int, list[ListRow]] = field(default_factory=lambda: defaultdict(list))
    rows_read: int = 0
    children: int = 0
    # Rows of lists 1 to 7 about children with no care record: reported, not stored.
    unknown: set[tuple[str, int]] = field(default_factory=set)

    def valid(self, list_no: int) -> list[ListRow]:
        rejected = self.problems.rejected
        return [
            r
            for r in self.rows.get(list_no, [])
            if (r.file, r.row) not in rejected and (r.file, r.row) not in self.unknown
        ]
