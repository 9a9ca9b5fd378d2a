"""The 903 importer: parse every file, validate every row, then (when the service says so)
apply the merged rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from assure.children import models as cm
from assure.core import clock

from ..framework import FileSummary, Problems, expand_paths, file_problem
from . import apply as writes
from .reader import read_file
from .rows import Merger, Row, convert
from .rules import Checker, Ep

SUFFIXES = (".csv", ".xml", ".txt")


@dataclass
class Prepared903:
    files: list[FileSummary]
    problems: Problems
    merger: Merger
    rows_read: int = 0
    children: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


class SSDA903Importer:
    kind: ClassVar[str] = "ssda903"

    def prepare(self, paths: Sequence[Path]) -> Prepared903:
        problems = Problems()
        prepared = Prepared903(files=[], problems=problems, merger=Merger(problems))
        children: set[str] = set()
        found = expand_paths(paths, suffixes=SUFFIXES)
        if not found:
            problems.error(
                file_problem(
                    ", ".join(str(p) for p in paths),
                    "no-files",
                    "No 903 files (.csv, .xml) were found at the paths given.",
                )
            )
        for index, path in enumerate(found):
            summary = FileSummary(path=str(path))
            prepared.files.append(summary)
            if not path.is_file():
                problems.error(file_problem(path, "file-unreadable", "There is no such file."))
                continue
            for raw in read_file(path, summary, problems):
                prepared.rows_read += 1
                if raw.values[0]:
                    children.add(raw.values[0])
                row = convert(raw, display=summary.path, file_index=index, problems=problems)
                if row is not None:
                    prepared.merger.add(row)
        prepared.children = len(children)
        if not problems.file_errors:
            self._check(prepared)
        return prepared

    def _check(self, prepared: Prepared903) -> None:
        """The consistency rules, over the merged rows and what is already stored."""
        checker = Checker(prepared.problems, today=clock.today())
        tables = prepared.merger.tables
        headers = {key[0]: row for key, row in tables.get("Header", {}).items()}
        uasc = {key[0]: row for key, row in tables.get("UASC", {}).items()}
        others: dict[str, list[Row]] = defaultdict(list)
        episodes: dict[str, list[Ep]] = defaultdict(list)
        for name, rows in tables.items():
            for row in rows.values():
                checker.row(row)
                if name == "Episodes":
                    episodes[row.child].append(_ep(row))
                elif name != "Header":
                    others[row.child].append(row)
        child_ids = sorted(set(headers) | set(others) | set(episodes))
        stored_dob, stored_episodes = _stored(child_ids, episodes)
        for child_id in child_ids:
            header = headers.get(child_id)
            dob = header.get("DOB") if header else None
            if dob is None and child_id in uasc:
                dob = uasc[child_id].get("DOB")
            dob = dob or stored_dob.get(child_id)
            history = episodes.get(child_id, [])
            starts = {ep.start for ep in history}
            history += [ep for ep in stored_episodes.get(child_id, []) if ep.start not in starts]
            checker.child(dob=dob, header=header, others=others.get(child_id, []), episodes=history)

    def apply(self, prepared: Prepared903, *, run: Any, actor: Any) -> dict[str, dict[str, int]]:
        tables = prepared.merger.tables
        changes = writes.Changes()
        child_ids = {row.child for rows in tables.values() for row in rows.values()}
        pks = writes.sync_children(
            child_ids=child_ids,
            headers={key[0]: row for key, row in tables.get("Header", {}).items()},
            uasc={key[0]: row for key, row in tables.get("UASC", {}).items()},
            changes=changes,
        )
        for target in writes.TARGETS:
            if tables.get(target.table):
                writes.sync_table(
                    target=target, rows=tables[target.table], pks=pks, changes=changes
                )
        writes.record_child_events(changes=changes, run=run, actor=actor)
        return changes.counts

    def loaded_count(self, changes: dict[str, dict[str, int]]) -> int:
        episodes = changes.get("Episodes", {})
        return episodes.get("created", 0) + episodes.get("updated", 0)


def _ep(row: Row) -> Ep:
    return Ep(
        start=row.get("DECOM"),
        end=row.get("DEC"),
        rne=row.get("RNE") or "",
        ls=row.get("LS") or "",
        place=row.get("PLACE") or "",
        rec=row.get("REC") or "",
        row=row,
    )


def _stored(
    child_ids: list[str], episodes: dict[str, list[Ep]]
) -> tuple[dict[str, Any], dict[str, list[Ep]]]:
    """Stored dates of birth, and stored episodes of the children with episodes in the
    files: one query per chunk of children."""
    dobs: dict[str, Any] = {}
    stored: dict[str, list[Ep]] = defaultdict(list)
    for chunk in writes.chunks(child_ids):
        dobs.update(
            cm.Child.objects.filter(child_id__in=chunk).values_list("child_id", "date_of_birth")
        )
    with_episodes = [child_id for child_id in child_ids if child_id in episodes]
    for chunk in writes.chunks(with_episodes):
        for child_id, start, end, rne, ls, place, rec in cm.Episode.objects.filter(
            child__child_id__in=chunk
        ).values_list(
            "child__child_id",
            "start_date",
            "end_date",
            "reason_new_episode",
            "legal_status",
            "placement_type",
            "reason_ceased",
        ):
            stored[child_id].append(Ep(start, end, rne, ls, place, rec, None))
    return dobs, stored
