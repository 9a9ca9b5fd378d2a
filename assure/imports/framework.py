"""The import framework shared by every importer (903, Annex A, case-management extracts).

An importer is a class with a `kind` and three steps:

1. `prepare(paths)` reads and parses every file and validates every row, reporting each
   `Problem` (file, row, column, value, code, message). It writes nothing.
2. The service (`services.import_execute`) decides from the problems whether to apply:
   any error rejects the import unless rows may be skipped; a file-level error (a file that
   cannot be read or recognised) always rejects it.
3. `apply(prepared, run=..., actor=...)` writes the valid rows, inside the service's single
   transaction, and returns what changed.

`ImportResult.as_dict()` is the one JSON shape every importer reports.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol

from django.conf import settings

DEFAULT_MAX_FILE_BYTES = 200 * 1024 * 1024
# Problems kept in full, per severity. Every problem is counted by code however many there
# are; beyond this many the rest are counted but not listed, so that a file with a problem
# on every one of millions of rows cannot exhaust memory.
DEFAULT_PROBLEMS_LISTED = 100_000

# Statuses, as the JSON reports them.
APPLIED = "applied"
DRY_RUN = "dry_run"
REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input. `row` is the line in the file (the header is line 1),
    or None for a problem with the whole file."""

    file: str
    row: int | None
    column: str
    value: str
    code: str
    message: str
    # The child the problem is about, when there is one (not part of the JSON shape: the
    # 903 importer keeps each child's warnings for the child's page).
    child: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "code": self.code,
            "message": self.message,
        }


@dataclass(slots=True)
class FileSummary:
    path: str
    table: str = ""
    rows: int = 0
    bytes: int = 0
    sha256: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "table": self.table, "rows": self.rows}

    def as_record(self) -> dict[str, Any]:
        return {**self.as_dict(), "bytes": self.bytes, "sha256": self.sha256}


class RowSet:
    """The rows (file, row) that carry an error, as one bit per line of each file: a file
    whose every row is rejected costs an eighth of a byte a row, not a Python tuple."""

    def __init__(self) -> None:
        self._files: dict[str, bytearray] = {}
        self._count = 0

    def add(self, key: tuple[str, int]) -> None:
        file, row = key
        bits = self._files.setdefault(file, bytearray())
        byte, bit = divmod(row, 8)
        if byte >= len(bits):
            bits.extend(bytes(byte - len(bits) + 1 + len(bits) // 2))
        if not bits[byte] & (1 << bit):
            bits[byte] |= 1 << bit
            self._count += 1

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, tuple) or len(key) != 2:
            return False
        file, row = key
        bits = self._files.get(file)
        if bits is None or not isinstance(row, int):
            return False
        byte, bit = divmod(row, 8)
        return byte < len(bits) and bool(bits[byte] & (1 << bit))

    def __len__(self) -> int:
        return self._count

    def __iter__(self):  # type: ignore[no-untyped-def]
        for file, bits in self._files.items():
            for byte, value in enumerate(bits):
                if value:
                    for bit in range(8):
                        if value & (1 << bit):
                            yield file, byte * 8 + bit


@dataclass
class Problems:
    """Errors and warnings collected while reading and validating. Every problem is counted
    by code; the first `listed` of each severity are kept in full."""

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # Rows (file, row) that carry at least one error: they are never stored.
    rejected: RowSet = field(default_factory=RowSet)
    file_errors: int = 0
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)  # (severity, code)
    listed: int = 0  # 0: the IMPORT_PROBLEMS_LISTED setting

    def __post_init__(self) -> None:
        if not self.listed:
            self.listed = problems_listed()

    def error(self, problem: Problem) -> None:
        self.counts["error", problem.code] += 1
        if len(self.errors) < self.listed or problem.row is None:
            self.errors.append(problem)
        if problem.row is None:
            self.file_errors += 1
        else:
            self.rejected.add((problem.file, problem.row))

    def warning(self, problem: Problem) -> None:
        self.counts["warning", problem.code] += 1
        if len(self.warnings) < self.listed:
            self.warnings.append(problem)

    def total(self, severity: str) -> int:
        return sum(n for (kind, _), n in self.counts.items() if kind == severity)

    def not_listed(self) -> dict[str, int]:
        """How many problems of each severity were counted but not kept."""
        return {
            severity: self.total(severity) - len(kept)
            for severity, kept in (("error", self.errors), ("warning", self.warnings))
            if self.total(severity) > len(kept)
        }


@dataclass
class ImportResult:
    status: str
    files: list[FileSummary]
    children: int
    episodes_loaded: int
    rows_read: int
    rows_rejected: int
    errors: list[Problem]
    warnings: list[Problem]
    changes: dict[str, dict[str, int]] = field(default_factory=dict)
    run_id: int | None = None
    # Every problem counted by (severity, code), including those not listed.
    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    # What an importer adds to the report beyond the common keys (the 903: the council and
    # the other councils' rows left out, the collection years); and the problems counted
    # but not listed, by severity.
    extra: dict[str, Any] = field(default_factory=dict)
    not_listed: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The documented JSON object: these keys, then the importer's own (documented with
        each importer), then `not_listed` only when some problems were not listed."""
        data = {
            "status": self.status,
            "files": [f.as_dict() for f in self.files],
            "children": self.children,
            "episodes_loaded": self.episodes_loaded,
            "rows_read": self.rows_read,
            "rows_rejected": self.rows_rejected,
            "errors": [p.as_dict() for p in self.errors],
            "warnings": [p.as_dict() for p in self.warnings],
            **self.extra,
        }
        if self.not_listed:
            data["not_listed"] = self.not_listed
        return data

    def count_by_code(self) -> dict[str, int]:
        """How many times each problem code was reported (errors and warnings together)."""
        totals: dict[str, int] = {}
        for (_, code), n in self.counts.items():
            totals[code] = totals.get(code, 0) + n
        return totals

    @property
    def exit_code(self) -> int:
        return 1 if self.status == REJECTED else 0


class Prepared(Protocol):
    """What `prepare` hands to the service and then to `apply`."""

    files: list[FileSummary]
    problems: Problems
    rows_read: int
    children: int


class Importer(Protocol):
    kind: ClassVar[str]

    def prepare(self, paths: Sequence[Path]) -> Prepared: ...

    def apply(self, prepared: Any, *, run: Any, actor: Any) -> dict[str, dict[str, int]]: ...

    def loaded_count(self, changes: dict[str, dict[str, int]]) -> int: ...


def max_file_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_FILE_BYTES", DEFAULT_MAX_FILE_BYTES))


def problems_listed() -> int:
    return int(getattr(settings, "IMPORT_PROBLEMS_LISTED", DEFAULT_PROBLEMS_LISTED))


def expand_paths(paths: Iterable[Path], *, suffixes: tuple[str, ...]) -> list[Path]:
    """Files as given, and the matching files of any folder (sorted by name, so that a folder
    of several years' returns loads oldest first when the names carry the year)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in suffixes)
            )
        else:
            found.append(path)
    return found


def file_digest(path: Path, *, chunk: int = 1 << 20) -> tuple[str, int]:
    """SHA-256 and size, reading in chunks so that a large file is never held whole."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def file_problem(path: Path | str, code: str, message: str, *, value: str = "") -> Problem:
    return Problem(file=str(path), row=None, column="", value=value, code=code, message=message)
