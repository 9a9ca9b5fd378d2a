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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol

from django.conf import settings

DEFAULT_MAX_FILE_BYTES = 200 * 1024 * 1024

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


@dataclass
class Problems:
    """Errors and warnings collected while reading and validating."""

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # Rows (file, row) that carry at least one error: they are never stored.
    rejected: set[tuple[str, int]] = field(default_factory=set)
    file_errors: int = 0

    def error(self, problem: Problem) -> None:
        self.errors.append(problem)
        if problem.row is None:
            self.file_errors += 1
        else:
            self.rejected.add((problem.file, problem.row))

    def warning(self, problem: Problem) -> None:
        self.warnings.append(problem)


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

    def as_dict(self) -> dict[str, Any]:
        """The documented JSON object: exactly these keys."""
        return {
            "status": self.status,
            "files": [f.as_dict() for f in self.files],
            "children": self.children,
            "episodes_loaded": self.episodes_loaded,
            "rows_read": self.rows_read,
            "rows_rejected": self.rows_rejected,
            "errors": [p.as_dict() for p in self.errors],
            "warnings": [p.as_dict() for p in self.warnings],
        }

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
