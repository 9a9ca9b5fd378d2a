"""Where the rows of a 903 import wait between reading and writing: a scratch SQLite
database, on disk for large inputs, so that memory does not grow with the file.

Reading streams each file once and puts every typed row here (`add`); checking and
applying then walk the rows a chunk of children at a time, in child order (`chunks`), so
that the rows of one child (from every table and file) are together and only a chunk is
ever held in Python. A 200 MB return peaks well under 500 MB this way (docs/bench.md).

Rows are kept as marshalled tuples of their typed values (dates as day numbers): several
times quicker than pickling them. The store is private to one `prepare` and is removed by
`close` (the service calls it once the import is done).
"""

from __future__ import annotations

import datetime as dt
import itertools
import marshal
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings

from ..framework import Problem
from .tables import BY_NAME

# Inputs up to this size (bytes, all files) are held in an in-memory database: quicker, and
# small enough not to matter.
IN_MEMORY_BYTES = 16 * 1024 * 1024
BATCH = 5000
# Where each table's dates sit in its values: kept as day numbers.
DATE_POSITIONS = {
    name: tuple(table.positions[c] for c in table.dates)  # type: ignore[attr-defined]
    for name, table in BY_NAME.items()
}
_from_ordinal = dt.date.fromordinal


class Store:
    def __init__(self, *, input_bytes: int) -> None:
        self.folder: Path | None = None
        if input_bytes > IN_MEMORY_BYTES:
            base = getattr(settings, "IMPORT_SCRATCH_DIR", None) or None
            self.folder = Path(tempfile.mkdtemp(prefix="assure-903-", dir=base))
            target = str(self.folder / "rows.sqlite3")
        else:
            target = ":memory:"
        self.db = sqlite3.connect(target, isolation_level=None, check_same_thread=False)
        self.db.executescript(
            """
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            PRAGMA temp_store = FILE;
            PRAGMA cache_size = -32768;
            CREATE TABLE rows (
                seq INTEGER PRIMARY KEY, child TEXT NOT NULL, la TEXT NOT NULL,
                tbl TEXT NOT NULL, file INTEGER NOT NULL, line INTEGER NOT NULL,
                year INTEGER NOT NULL, data BLOB
            );
            CREATE TABLE problems (child TEXT NOT NULL, data BLOB NOT NULL);
            """
        )
        self._rows: list[tuple[Any, ...]] = []
        self._problems: list[tuple[str, bytes]] = []
        self._seq = itertools.count(1)
        self.indexed = False

    # Writing ---------------------------------------------------------------------------

    def add(
        self,
        *,
        child: str,
        la: str,
        table: str,
        file: int,
        line: int,
        year: int,
        values: tuple[Any, ...] | None,
        absent: frozenset[str],
    ) -> None:
        """A row, or (values None) a row that could not be read: it counts its child but is
        never merged."""
        data = None
        if values is not None:
            items = list(values)
            for position in DATE_POSITIONS[table]:
                if items[position] is not None:
                    items[position] = items[position].toordinal()
            data = marshal.dumps((tuple(items), absent))
        self._rows.append((next(self._seq), child, la, table, file, line, year, data))
        if len(self._rows) >= BATCH:
            self._flush_rows()

    def add_problem(self, child: str, severity: str, problem: Problem) -> None:
        self._problems.append(
            (
                child,
                marshal.dumps(
                    (
                        severity,
                        problem.file,
                        problem.row,
                        problem.column,
                        problem.value,
                        problem.code,
                        problem.message,
                    )
                ),
            )
        )
        if len(self._problems) >= BATCH:
            self._flush_problems()

    def _flush_rows(self) -> None:
        if self._rows:
            # One transaction a batch: without it every row is its own.
            with self.db:
                self.db.execute("BEGIN")
                self.db.executemany("INSERT INTO rows VALUES (?, ?, ?, ?, ?, ?, ?, ?)", self._rows)
            self._rows = []

    def _flush_problems(self) -> None:
        if self._problems:
            with self.db:
                self.db.execute("BEGIN")
                self.db.executemany("INSERT INTO problems VALUES (?, ?)", self._problems)
            self._problems = []

    def finish(self) -> None:
        """Reading is done: index the rows by child (once)."""
        self._flush_rows()
        self._flush_problems()
        if not self.indexed:
            self.db.execute("CREATE INDEX rows_child ON rows (child, seq)")
            self.db.execute("CREATE INDEX problems_child ON problems (child)")
            self.indexed = True

    # Reading ---------------------------------------------------------------------------

    def councils(self) -> dict[str, tuple[int, int]]:
        """Rows and children per council named in the rows ("" for rows naming none)."""
        self.finish()
        return {
            la: (rows, children)
            for la, rows, children in self.db.execute(
                "SELECT la, COUNT(*), COUNT(DISTINCT child) FROM rows GROUP BY la"
            )
        }

    def children(self, councils: tuple[str, ...]) -> int:
        self.finish()
        marks = ", ".join("?" * len(councils))
        (count,) = self.db.execute(
            f"SELECT COUNT(DISTINCT child) FROM rows WHERE la IN ({marks}) AND child != ''",  # noqa: S608
            councils,
        ).fetchone()
        return int(count)

    def chunks(
        self, councils: tuple[str, ...], size: int
    ) -> Iterator[list[tuple[str, list[tuple[str, int, int, int, tuple[Any, ...], frozenset]]]]]:
        """Lists of (child, rows) for `size` children at a time, in child order; each row is
        (table, file, line, year, values, absent), in the order the files gave them."""
        self.finish()
        marks = ", ".join("?" * len(councils))
        cursor = self.db.execute(
            "SELECT child, tbl, file, line, year, data FROM rows "  # noqa: S608
            f"WHERE la IN ({marks}) AND data IS NOT NULL ORDER BY child, seq",
            councils,
        )
        chunk: list[tuple[str, list[Any]]] = []
        loads = marshal.loads
        for child, group in itertools.groupby(cursor, key=lambda record: record[0]):
            rows = []
            for _, table, file, line, year, data in group:
                values, absent = loads(data)
                positions = DATE_POSITIONS[table]
                if positions:
                    items = list(values)
                    for position in positions:
                        if items[position] is not None:
                            items[position] = _from_ordinal(items[position])
                    values = tuple(items)
                rows.append((table, file, line, year, values, absent))
            chunk.append((child, rows))
            if len(chunk) >= size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def problems_of(self, children: list[str]) -> dict[str, list[tuple[str, Problem]]]:
        """The problems kept for these children, by child: (severity, problem)."""
        self.finish()
        found: dict[str, list[Any]] = {}
        for start in range(0, len(children), 900):
            part = children[start : start + 900]
            marks = ", ".join("?" * len(part))
            for child, data in self.db.execute(
                f"SELECT child, data FROM problems WHERE child IN ({marks}) ORDER BY rowid",  # noqa: S608
                part,
            ):
                severity, *fields = marshal.loads(data)  # noqa: S302 - written just above
                found.setdefault(child, []).append((severity, Problem(*fields, child=child)))
        return found

    def close(self) -> None:
        self.db.close()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None
