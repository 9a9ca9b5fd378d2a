"""The 903 importer: read every file into the scratch store, keep one council's children,
check every row and child, then (when the service says so) apply the merged rows.

Memory stays bounded whatever the size of the files: rows wait in the scratch store
(store.py) and checking and applying walk them a chunk of children at a time.

**One council's children.** The council is `--la` (the command) or the upload's choice,
else the `COUNCIL_LA_CODE` setting. Rows naming another council in an `LA` column (regional
files) are left out before they are even read closely: counted per council in the report,
never checked, never stored. With no council chosen, files naming more than one council are
refused (`several-councils`), naming them and how to choose.

**Collection years.** Each row's collection year is its YEAR (regional files), else
`--year`, else a year in the file's name (`903_2023-24_header.csv`, `SSDA903_2024_...`), else
the year of the latest date in the file (or in the import). Codes are checked against it;
dates after its end are reported only when the year was given rather than worked out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from django.conf import settings

from assure.children import models as cm
from assure.core import clock

from .. import progress
from ..framework import FileSummary, Problem, Problems, expand_paths, file_problem
from . import apply as writes
from . import codelists, la_codes, permanence
from .reader import read_file
from .rows import Converter, Merger, Row
from .rules import Checker, Ep, Years
from .store import Store
from .tables import BY_NAME

SUFFIXES = (".csv", ".xml", ".txt")
CHUNK = 2000  # children checked or written at a time
_NAME_YEAR = re.compile(r"(?<!\d)(20\d\d)(?:[-_/ ]?(\d\d))?(?!\d)")
_NOT_EVENTS = frozenset({"DOB", "MC_DOB", "DUC"})  # dates that do not date a return


class ChildProblems(Problems):
    """Problems that also keep every problem about a child in the store, for the child's
    page (apply writes them)."""

    store: Store | None = None

    def error(self, problem: Problem) -> None:
        super().error(problem)
        if problem.child and self.store is not None:
            self.store.add_problem(problem.child, "error", problem)

    def warning(self, problem: Problem) -> None:
        super().warning(problem)
        if problem.child and self.store is not None:
            self.store.add_problem(problem.child, "warning", problem)


@dataclass
class Prepared903:
    files: list[FileSummary]
    problems: Problems
    store: Store | None = None
    rows_read: int = 0
    children: int = 0
    councils: tuple[str, ...] = ("",)
    years: Years = field(default_factory=lambda: Years({}, {}))
    report: dict[str, Any] = field(default_factory=dict)

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None


def year_from_name(name: str) -> int | None:
    """The collection year a file's name gives: "2023-24" or "2023_24" is 2023/24 (2024);
    a single year such as "2024" is the year the return ends."""
    for first, second in _NAME_YEAR.findall(name):
        start = int(first)
        if second and int(second) == (start + 1) % 100:
            return start + 1
        if not second and codelists.FIRST_YEAR - 6 <= start <= codelists.LAST_YEAR + 5:
            return start
    return None


def year_of_date(day: dt.date) -> int:
    """The collection year (1 April to 31 March) a date falls in, by the year it ends."""
    return day.year + 1 if day.month >= 4 else day.year


class SSDA903Importer:
    kind: ClassVar[str] = "ssda903"

    def __init__(
        self,
        *,
        la: str | None = None,
        year: int | None = None,
        file_names: dict[str, str] | None = None,
    ) -> None:
        self.la = (la or "").strip()
        self.year = year
        # The names people gave the files, by the path they are read from: an upload is
        # stored under a random name, and a collection year is read from the given one.
        self.file_names = dict(file_names or {})

    # Reading -----------------------------------------------------------------------------

    def prepare(self, paths: Sequence[Path]) -> Prepared903:
        problems = ChildProblems()
        prepared = Prepared903(files=[], problems=problems)
        found = expand_paths(paths, suffixes=SUFFIXES)
        if not found:
            problems.error(
                file_problem(
                    ", ".join(str(p) for p in paths),
                    "no-files",
                    "No 903 files (.csv, .xml) were found at the paths given.",
                )
            )
        council, chosen_by = self._council(problems)
        store = Store(input_bytes=sum(p.stat().st_size for p in found if p.is_file()))
        prepared.store = store
        problems.store = store
        converter = Converter(problems, today=clock.today())
        progress.stage("Reading the 903 files")
        latest: dict[int, dt.date] = {}
        name_years: dict[int, int] = {}
        row_la: dict[str, str] = {}
        for index, path in enumerate(found):
            summary = FileSummary(path=str(path))
            prepared.files.append(summary)
            if not path.is_file():
                problems.error(file_problem(path, "file-unreadable", "There is no such file."))
                continue
            if (named := year_from_name(self.file_names.get(str(path), path.name))) is not None:
                name_years[index] = named
            for raw in read_file(path, summary, problems):
                prepared.rows_read += 1
                progress.rows_read()
                la = row_la.get(raw.la)
                if la is None:
                    la = row_la[raw.la] = _council_of_row(raw.la)
                child = raw.values[0]
                if raw.broken or (council and la and la != council):
                    # Unreadable, or another council's: counted, never read closely.
                    store.add(
                        child=child, la=la, table="", file=index, line=raw.row, year=raw.year,
                        values=None, absent=frozenset(),
                    )  # fmt: skip
                    continue
                row = converter.convert(raw, display=summary.path, file_index=index)
                if row is None:
                    store.add(
                        child=child, la=la, table="", file=index, line=raw.row, year=raw.year,
                        values=None, absent=frozenset(),
                    )  # fmt: skip
                    continue
                store.add(
                    child=row.child, la=la, table=row.table.name, file=index, line=row.row,
                    year=row.year, values=row.values, absent=row.absent,
                )  # fmt: skip
                _note_latest(row, latest, index)
        converter.finish()
        self._choose(prepared, council, chosen_by)
        prepared.years = self._years(prepared, name_years, latest)
        if not prepared.problems.file_errors:
            self._check(prepared)
        return prepared

    def _council(self, problems: Problems) -> tuple[str, str]:
        """The council whose children to import, and where the choice came from."""
        for given, source in (
            (self.la, "--la"),
            (str(getattr(settings, "COUNCIL_LA_CODE", "") or "").strip(), "COUNCIL_LA_CODE"),
        ):
            if not given:
                continue
            code = given if la_codes.CODE.match(given) else la_codes.resolve(given)
            if code is None:
                problems.error(
                    file_problem(
                        source,
                        "unknown-council",
                        f"{given!r} ({source}) is not a council's DfE code (three digits, "
                        "such as 312) or name.",
                        value=given,
                    )
                )
                return "", source
            return code, source
        return "", ""

    def _choose(self, prepared: Prepared903, council: str, chosen_by: str) -> None:
        """Keep the chosen council's rows (and rows naming no council); report the others,
        or refuse files of several councils when none was chosen."""
        assert prepared.store is not None
        found = prepared.store.councils()
        named = sorted(la for la in found if la)
        if not council and len(named) > 1:
            self._refuse_several(prepared, named, found)
            return
        if not council and named:
            council, chosen_by = named[0], "file"
        prepared.councils = (council, "") if council else ("",)
        prepared.children = prepared.store.children(prepared.councils)
        left_out = [
            {
                "la": la,
                "name": la_codes.name_of(la),
                "rows": rows,
                "children": children,
            }
            for la, (rows, children) in sorted(found.items())
            if la not in prepared.councils
        ]
        prepared.report["council"] = (
            {"code": council, "name": la_codes.name_of(council), "from": chosen_by}
            if council
            else None
        )
        prepared.report["left_out"] = left_out

    def _refuse_several(
        self, prepared: Prepared903, named: list[str], found: dict[str, tuple[int, int]]
    ) -> None:
        """Several councils and no choice: nothing is read closely; one clear error."""
        refused = Problems()
        for problem in prepared.problems.errors:
            if problem.row is None:
                refused.error(problem)
        listed = ", ".join(f"{la_codes.label(la)}: {found[la][1]:,} children" for la in named)
        refused.error(
            file_problem(
                ", ".join(f.path for f in prepared.files),
                "several-councils",
                f"These files hold the children of {len(named)} councils ({listed}). Assure "
                "imports one council's children: set COUNCIL_LA_CODE to your council's DfE "
                "code, run the import with --la CODE, or choose the council on the import "
                "page. Nothing was stored.",
                value=", ".join(named),
            )
        )
        prepared.problems = refused
        prepared.children = 0
        prepared.report["council"] = None
        prepared.report["left_out"] = []
        prepared.report["councils_found"] = [
            {"la": la, "name": la_codes.name_of(la), "rows": found[la][0],
             "children": found[la][1]}
            for la in named
        ]  # fmt: skip

    def _years(
        self, prepared: Prepared903, name_years: dict[int, int], latest: dict[int, dt.date]
    ) -> Years:
        """Each file's collection year: --year, else the file's name, else the latest date
        in the file (or in the whole import, for a file without dates of its own, such as a
        Header). With no dates at all the year is not known (0) and codes are not checked
        against a year. A regional file's own YEAR column overrides all of these, row by
        row."""
        today = clock.today()
        overall = max(latest.values(), default=None)
        by_file: dict[int, int] = {}
        given: dict[int, bool] = {}
        described: list[dict[str, Any]] = []
        for index, summary in enumerate(prepared.files):
            day = latest.get(index) or overall
            if self.year:
                year, given[index], source = self.year, True, "--year"
            elif index in name_years:
                year, given[index], source = name_years[index], True, "file name"
            elif day is not None:
                year, given[index], source = year_of_date(min(day, today)), False, "dates"
            else:
                year, given[index], source = 0, False, "not known"
            by_file[index] = year
            described.append(
                {
                    "file": summary.path,
                    "year": codelists.year_label(year) if year else None,
                    "from": source,
                }
            )
        prepared.report["collection_years"] = described
        return Years(by_file, given)

    # Checking ----------------------------------------------------------------------------

    def _check(self, prepared: Prepared903) -> None:
        """The consistency rules and the DfE's permanence rules, a chunk of children at a
        time, over the merged rows and what is already stored."""
        assert prepared.store is not None
        progress.stage("Checking each child's history")
        checker = Checker(prepared.problems, today=clock.today(), years=prepared.years)
        merger = Merger(prepared.problems)
        display = [f.path for f in prepared.files]
        for chunk in prepared.store.chunks(prepared.councils, CHUNK):
            merged = _merge(chunk, merger, display)
            stored = _Stored.load(merged)
            for child_id, tables in merged.items():
                self._check_child(checker, child_id, tables, stored, prepared.years)

    def _check_child(
        self,
        checker: Checker,
        child_id: str,
        tables: dict[str, list[Row]],
        stored: _Stored,
        years: Years,
    ) -> None:
        headers = tables.get("Header", [])
        header = headers[0] if headers else None
        others: list[Row] = []
        for name, rows in tables.items():
            for row in rows:
                checker.row(row)
                if name not in ("Header", "Episodes"):
                    others.append(row)
        dob = header.get("DOB") if header else None
        if dob is None and tables.get("UASC"):
            dob = tables["UASC"][0].get("DOB")
        dob = dob or stored.dobs.get(child_id)
        history = [_ep(row, years) for row in tables.get("Episodes", [])]
        starts = {ep.start for ep in history}
        history += [ep for ep in stored.episodes.get(child_id, []) if ep.start not in starts]
        checker.child(dob=dob, header=header, others=others, episodes=history)
        decisions = [
            permanence.Decision(
                row.get("DATE_PLACED"),
                row.get("DATE_PLACED_CEASED"),
                row.get("REASON_PLACED_CEASED") or "",
                row,
            )
            for row in tables.get("PlacedAdoption", [])
        ]
        new_dates = {d.decided for d in decisions}
        decisions += [d for d in stored.decisions.get(child_id, []) if d.decided not in new_dates]
        permanence.check(
            checker,
            permanence.ChildRecords(
                dob=dob,
                episodes=history,  # sorted by checker.child
                decisions=decisions,
                ad1=tables.get("AD1", []),
                previous_permanence=tables.get("PrevPerm", []),
                reviews=tables.get("Reviews", []),
            ),
        )

    # Applying ----------------------------------------------------------------------------

    def apply(self, prepared: Prepared903, *, run: Any, actor: Any) -> dict[str, dict[str, int]]:
        assert prepared.store is not None
        progress.stage("Writing the records")
        changes = writes.Changes()
        merger = Merger(None)  # the problems were reported by the check
        display = [f.path for f in prepared.files]
        for chunk in prepared.store.chunks(prepared.councils, CHUNK):
            merged = _merge(chunk, merger, display)
            tables: dict[str, dict[tuple[Any, ...], Row]] = defaultdict(dict)
            for rows_by_table in merged.values():
                for name, rows in rows_by_table.items():
                    for row in rows:
                        tables[name][row.key()] = row
            pks = writes.sync_children(
                child_ids=merged.keys(),
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
            changes.by_child.clear()
            writes.replace_child_checks(
                pks=pks, problems=prepared.store.problems_of(list(pks)), run=run
            )
        return changes.counts

    def loaded_count(self, changes: dict[str, dict[str, int]]) -> int:
        episodes = changes.get("Episodes", {})
        return episodes.get("created", 0) + episodes.get("updated", 0)


def _children(count: int) -> str:
    return f"{count:,} child" if count == 1 else f"{count:,} children"


def _council_of_row(text: str) -> str:
    """A row's council as a DfE code when the LA column names one, else the text as given
    (upper case), so that unknown names are still counted apart; "" when blank."""
    if not text:
        return ""
    return la_codes.resolve(text) or text.strip().upper()


def _note_latest(row: Row, latest: dict[int, dt.date], index: int) -> None:
    table = row.table
    for column in table.dates:  # type: ignore[attr-defined]
        if column in _NOT_EVENTS:
            continue
        value = row.values[table.positions[column]]  # type: ignore[attr-defined]
        if value is not None and (index not in latest or value > latest[index]):
            latest[index] = value


def _merge(
    chunk: list[tuple[str, list[Any]]], merger: Merger, display: list[str]
) -> dict[str, dict[str, list[Row]]]:
    """One row per key for each child of the chunk: child -> table -> rows."""
    merger.clear()
    for _child, rows in chunk:
        for table, file, line, year, values, absent in rows:
            merger.add(Row(BY_NAME[table], display[file], file, line, year, values, absent))
    merged: dict[str, dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for name, rows_by_key in merger.tables.items():
        for row in rows_by_key.values():
            merged[row.child][name].append(row)
    merger.clear()
    return merged


_EPISODE_AT = tuple(
    BY_NAME["Episodes"].index(c)
    for c in ("DECOM", "DEC", "RNE", "LS", "PLACE", "REC", "PLACE_PROVIDER", "PL_POST", "URN")
)


def _ep(row: Row, years: Years) -> Ep:
    start, end, rne, ls, place, rec, provider, pl_post, urn = (row.values[i] for i in _EPISODE_AT)
    return Ep(
        start,
        end,
        rne or "",
        ls or "",
        place or "",
        rec or "",
        row,
        provider or "",
        pl_post or "",
        urn or "",
        years.of(row),
    )


@dataclass
class _Stored:
    """What is already stored about a chunk's children: dates of birth, episodes (of the
    children with episodes in the files) and adoption decisions. A few queries a chunk."""

    dobs: dict[str, Any]
    episodes: dict[str, list[Ep]]
    decisions: dict[str, list[permanence.Decision]]

    @classmethod
    def load(cls, merged: dict[str, dict[str, list[Row]]]) -> _Stored:
        child_ids = list(merged)
        dobs = dict(
            cm.Child.objects.filter(child_id__in=child_ids).values_list("child_id", "date_of_birth")
        )
        episodes: dict[str, list[Ep]] = defaultdict(list)
        decisions: dict[str, list[permanence.Decision]] = defaultdict(list)
        if not dobs:  # nobody here is stored yet: nothing else can be
            return cls(dobs, episodes, decisions)
        with_episodes = [c for c in child_ids if c in dobs and "Episodes" in merged[c]]
        for values in cm.Episode.objects.filter(child__child_id__in=with_episodes).values_list(
            "child__child_id",
            "start_date",
            "end_date",
            "reason_new_episode",
            "legal_status",
            "placement_type",
            "reason_ceased",
            "placement_provider",
            "placement_postcode",
            "urn",
        ):
            child_id, start, end, rne, ls, place, rec, provider, pl_post, urn = values
            episodes[child_id].append(
                Ep(start, end, rne, ls, place, rec, None, provider, pl_post, urn)
            )
        for child_id, placed, ceased, reason in cm.PlacedForAdoption.objects.filter(
            child__child_id__in=[c for c in child_ids if c in dobs]
        ).values_list(
            "child__child_id", "date_placed", "date_placed_ceased", "reason_placed_ceased"
        ):
            decisions[child_id].append(permanence.Decision(placed, ceased, reason, None))
        return cls(dobs, episodes, decisions)
