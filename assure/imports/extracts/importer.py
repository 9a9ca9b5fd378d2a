"""The case-management extract importer: proceedings, hearings, SGO assessments, permanence
plans, allocations and family links, each CSV recognised by its columns.

Checks across rows come after every file is read: the child must already be in Assure, a
hearing's proceedings must be stored or defined by the same run's proceedings rows, and the
same key given twice with different values is an error on the later row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from assure.children import models as cm
from assure.children.care import proceedings as court

from .. import progress
from ..framework import FileSummary, Problem, Problems, expand_paths, file_problem
from ..ssda903.apply import Changes, chunks
from . import apply as writes
from .reader import Row, read_file

SUFFIXES = (".csv", ".txt")

# The key of a row in each template: rows with the same key describe the same record.
KEYS: dict[str, tuple[str, ...]] = {
    "proceedings": ("proceedings_id", "child_id"),
    "hearings": ("proceedings_id", "hearing_date", "hearing_type"),
    "sgo_assessments": ("assessment_id",),
    "permanence_plans": ("child_id", "agreed_date", "plan"),
    "allocations": ("child_id",),
    "families": ("family_id", "child_id"),
}
# Proceedings details are shared by every child on them: they must agree across rows.
SHARED = {"proceedings": ("proceedings_id",)}


@dataclass
class PreparedExtract:
    files: list[FileSummary]
    problems: Problems
    rows: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    rows_read: int = 0
    children: int = 0

    def valid(self, template: str) -> list[Row]:
        rejected = self.problems.rejected
        return [r for r in self.rows.get(template, []) if (r.file, r.row) not in rejected]


class ExtractImporter:
    kind: ClassVar[str] = "extract"

    def prepare(self, paths: Sequence[Path]) -> PreparedExtract:
        problems = Problems()
        prepared = PreparedExtract(files=[], problems=problems)
        found = expand_paths(paths, suffixes=SUFFIXES)
        if not found:
            problems.error(
                file_problem(
                    ", ".join(str(p) for p in paths),
                    "no-files",
                    "No extract files (.csv) were found at the paths given.",
                )
            )
        for path in found:
            summary = FileSummary(path=str(path))
            prepared.files.append(summary)
            if not path.is_file():
                problems.error(file_problem(path, "file-unreadable", "There is no such file."))
                continue
            for row in read_file(path, summary, problems):
                prepared.rows[row.template].append(row)
                progress.rows_read()
            prepared.rows_read += summary.rows
        child_ids = {
            row.values["child_id"]
            for rows in prepared.rows.values()
            for row in rows
            if row.values.get("child_id")
        }
        prepared.children = len(child_ids)
        if not problems.file_errors:
            _check(prepared, child_ids)
        return prepared

    def apply(
        self, prepared: PreparedExtract, *, run: Any, actor: Any
    ) -> dict[str, dict[str, int]]:
        changes = Changes()
        child_ids = {
            row.values["child_id"]
            for rows in prepared.rows.values()
            for row in rows
            if row.values.get("child_id")
        }
        pks = _child_pks(sorted(child_ids))
        proceedings = writes.sync_proceedings(prepared.valid("proceedings"), pks, changes)
        writes.sync_hearings(prepared.valid("hearings"), proceedings, changes)
        writes.sync_assessments(prepared.valid("sgo_assessments"), pks, changes)
        writes.sync_plans(prepared.valid("permanence_plans"), pks, changes)
        writes.sync_allocations(prepared.valid("allocations"), pks, changes)
        writes.sync_families(prepared.valid("families"), pks, changes)
        writes.record_child_events(changes=changes, run=run, actor=actor, what="extract")
        return changes.counts

    def loaded_count(self, changes: dict[str, dict[str, int]]) -> int:
        """Every record created or updated (the JSON's episodes_loaded, for extracts)."""
        return sum(c.get("created", 0) + c.get("updated", 0) for c in changes.values())


def _child_pks(child_ids: list[str]) -> dict[str, int]:
    pks: dict[str, int] = {}
    for chunk in chunks(child_ids):
        pks.update(cm.Child.objects.filter(child_id__in=chunk).values_list("child_id", "id"))
    return pks


def _check(prepared: PreparedExtract, child_ids: set[str]) -> None:
    problems = prepared.problems
    known = _child_pks(sorted(child_ids))
    for rows in prepared.rows.values():
        for row in rows:
            child_id = row.values.get("child_id")
            if child_id and child_id not in known:
                problems.error(
                    Problem(
                        row.file,
                        row.row,
                        "child_id",
                        child_id,
                        "unknown-child",
                        f"No child {child_id} is in Assure: import the 903 first.",
                    )
                )
    _check_dates(prepared)
    for template, key in KEYS.items():
        _check_conflicts(prepared, template, key, SHARED.get(template))
    _check_hearings(prepared)


def _check_dates(prepared: PreparedExtract) -> None:
    _check_extensions(prepared)
    for template, start, end in (
        ("proceedings", "issue_date", "concluded_date"),
        ("sgo_assessments", "start_date", "completed_date"),
    ):
        for row in prepared.rows.get(template, []):
            first, last = row.values.get(start), row.values.get(end)
            if first and last and last < first:
                prepared.problems.error(
                    Problem(
                        row.file,
                        row.row,
                        end,
                        last.isoformat(),
                        "end-before-start",
                        f"{end} {last:%d/%m/%Y} is before {start} {first:%d/%m/%Y}.",
                    )
                )


def _check_extensions(prepared: PreparedExtract) -> None:
    """An extension (Children Act 1989 s32(5)) moves the 26-week limit later: it must end
    after the limit, and only care and supervision applications have one."""
    for row in prepared.rows.get("proceedings", []):
        extended, issued = row.values.get("extended_to"), row.values.get("issue_date")
        if not extended:
            continue
        if not court.carries_26_weeks(row.values.get("application_type") or ""):
            message = "Only care and supervision applications have a 26-week limit to extend."
        elif issued is None:
            message = "An extended timetable needs the issue date it runs from."
        elif extended <= court.statutory_limit(issued):
            message = (
                f"extended_to must be after the 26-week limit, "
                f"{court.statutory_limit(issued):%d/%m/%Y} for proceedings issued "
                f"{issued:%d/%m/%Y}."
            )
        else:
            continue
        prepared.problems.error(
            Problem(
                row.file, row.row, "extended_to", extended.isoformat(), "bad-extension", message
            )
        )


def _check_conflicts(
    prepared: PreparedExtract,
    template: str,
    key: tuple[str, ...],
    shared: tuple[str, ...] | None,
) -> None:
    """Exact duplicates are harmless; the same key with other values is an error on the
    later row. For proceedings the details (all but child_id) must agree across siblings."""
    seen: dict[tuple[Any, ...], Row] = {}
    for row in prepared.rows.get(template, []):
        group = shared or key
        ident = tuple(row.values.get(k) for k in group)
        compare = {k: v for k, v in row.values.items() if not (shared and k == "child_id")}
        earlier = seen.get(ident)
        if earlier is None:
            seen[ident] = row
            continue
        before = {k: v for k, v in earlier.values.items() if not (shared and k == "child_id")}
        # A file without an optional column says nothing about it: compare what both give.
        differing = [k for k in compare if k in before and compare[k] != before[k]]
        if differing:
            column = differing[0]
            prepared.problems.error(
                Problem(
                    row.file,
                    row.row,
                    column,
                    _text(row.values[column]),
                    "conflicting-rows",
                    f"{' '.join(str(v) for v in ident)} is given at {earlier.file} row "
                    f"{earlier.row} with {column} {_text(before[column])!r}, and here with "
                    f"{_text(row.values[column])!r}.",
                )
            )


def _check_hearings(prepared: PreparedExtract) -> None:
    defined = {row.values["proceedings_id"] for row in prepared.valid("proceedings")}
    wanted = sorted(
        {row.values["proceedings_id"] for row in prepared.rows.get("hearings", [])} - defined
    )
    stored: set[str] = set()
    for chunk in chunks(wanted):
        stored.update(
            cm.Proceedings.objects.filter(proceedings_id__in=chunk).values_list(
                "proceedings_id", flat=True
            )
        )
    for row in prepared.rows.get("hearings", []):
        pid = row.values["proceedings_id"]
        if pid not in defined and pid not in stored:
            prepared.problems.error(
                Problem(
                    row.file,
                    row.row,
                    "proceedings_id",
                    pid,
                    "unknown-proceedings",
                    f"No proceedings {pid} are in Assure or in this import's proceedings rows.",
                )
            )


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
