"""The Ofsted Annex A importer: lists 8 (children in care) and 10 (adoption decisions).

What each list changes, and why (see docs/imports/annex-a.md):
- the child: created when new; on a known child only blank details (sex, date of birth,
  ethnicity, UASC) are filled, because the 903 is the authority for them;
- list 8's legal status, dates, placement and reason ceased: stored as a first episode only
  for a child with no episodes at all. A child with 903 episodes keeps them; when list 8's
  legal status differs from the latest episode's, that is a warning (`differs-from-903`);
- list 8's permanence plan: a new plan row (source Annex A, agreed date = the date of the
  import, since the list does not say when it was agreed) when it differs from the child's
  current plan; the same plan again adds nothing;
- allocated team and worker (created as needed); a blank cell leaves the allocation alone;
- "Family identifier": the child is linked to that family (created as needed);
- list 10: the adoption decision (and match date) and the date placed for adoption.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from assure.children import models as cm
from assure.core import clock
from assure.families.models import Relationship

from .. import bulk
from ..extracts import apply as shared
from ..framework import (
    FileSummary,
    Problem,
    Problems,
    file_digest,
    file_problem,
    max_file_bytes,
)
from ..ssda903.apply import Changes, chunks
from ..ssda903.values import BadValue
from . import lists
from .workbook import Workbook, WorkbookRefused, cell_name

HEADER_SCAN = 20  # rows searched for the header row
ERROR_VALUES = {"#ref!", "#value!", "#div/0!", "#name?", "#null!", "#num!", "#getting_data"}


@dataclass(slots=True)
class ListRow:
    list_no: int
    file: str
    row: int
    values: dict[str, Any]


@dataclass
class PreparedAnnexA:
    files: list[FileSummary]
    problems: Problems
    rows: dict[int, list[ListRow]] = field(default_factory=lambda: defaultdict(list))
    rows_read: int = 0
    children: int = 0

    def valid(self, list_no: int) -> list[ListRow]:
        rejected = self.problems.rejected
        return [r for r in self.rows.get(list_no, []) if (r.file, r.row) not in rejected]


class AnnexAImporter:
    kind: ClassVar[str] = "annex_a"

    def prepare(self, paths: Sequence[Path]) -> PreparedAnnexA:
        problems = Problems()
        prepared = PreparedAnnexA(files=[], problems=problems)
        if not paths:
            problems.error(file_problem("", "no-files", "No workbook was given."))
        for path in paths:
            self._read_workbook(Path(path), prepared)
        prepared.children = len(
            {row.values["child_id"] for rows in prepared.rows.values() for row in rows}
        )
        if not problems.file_errors:
            _check(prepared)
        return prepared

    def _read_workbook(self, path: Path, prepared: PreparedAnnexA) -> None:
        problems = prepared.problems
        if not path.is_file():
            problems.error(file_problem(path, "file-unreadable", "There is no such file."))
            return
        sha256, size = file_digest(path)
        if size > max_file_bytes():
            problems.error(
                file_problem(
                    path,
                    "file-too-large",
                    f"The file is {size:,} bytes; the limit is {max_file_bytes():,} bytes.",
                )
            )
            return
        try:
            book = Workbook(path)
        except WorkbookRefused as exc:
            problems.error(file_problem(path, exc.code, exc.message))
            return
        try:
            found = 0
            for sheet in book.sheet_names:
                found += self._read_sheet(book, sheet, path, sha256, size, prepared)
        finally:
            book.close()
        if not found:
            problems.error(
                file_problem(
                    path,
                    "no-list",
                    "No Annex A list 8 or list 10 was found: no sheet is named like "
                    "'List 8' or 'List 10', and no header row has 'Child Unique ID' with "
                    f"those lists' columns. Sheets: {', '.join(book.sheet_names)}.",
                )
            )

    def _read_sheet(
        self,
        book: Workbook,
        sheet: str,
        path: Path,
        sha256: str,
        size: int,
        prepared: PreparedAnnexA,
    ) -> int:
        """Read one sheet if it is list 8 or 10; returns 1 when it was."""
        problems = prepared.problems
        named = lists.list_from_name(sheet)
        if named is not None and named not in lists.LISTS:
            return 0
        rows = book.rows(sheet)
        header: dict[int, str] | None = None
        header_row = 0
        for number, cells in rows:
            fields = {i: lists.match_header(c.value) for i, c in enumerate(cells)}
            matched = {i: f for i, f in fields.items() if f}
            if "child_id" in matched.values() and len(matched) >= 3:
                header, header_row = matched, number
                header_cells = cells
                break
            if number >= HEADER_SCAN:
                break
        if header is None:
            if named is not None:
                problems.error(
                    file_problem(
                        path,
                        "no-header",
                        f"Sheet '{sheet}' looks like list {named} but no header row with "
                        "'Child Unique ID' was found in its first rows.",
                    )
                )
                return 1
            return 0
        list_no = named or lists.list_from_fields(set(header.values()))
        if list_no is None:
            return 0
        display = f"{path} [{sheet}]"
        summary = FileSummary(path=display, table=lists.LISTS[list_no], sha256=sha256, bytes=size)
        prepared.files.append(summary)
        columns = _columns(display, header_row, header, header_cells, problems)
        for number, cells in rows:
            summary.rows += 1
            row = _convert(list_no, display, sheet, number, cells, columns, problems)
            if row is not None:
                prepared.rows[list_no].append(row)
        prepared.rows_read += summary.rows
        if summary.rows == 0:
            problems.warning(
                Problem(display, None, "", "", "list-empty", f"Sheet '{sheet}' has no rows.")
            )
        return 1

    def apply(self, prepared: PreparedAnnexA, *, run: Any, actor: Any) -> dict[str, dict[str, int]]:
        changes = Changes()
        rows8, rows10 = prepared.valid(8), prepared.valid(10)
        pks = _sync_children([*rows8, *rows10], changes)
        _first_episodes(rows8, pks, changes)
        _plans(rows8, pks, changes)
        _adoption(rows10, pks, changes)
        wanted: dict[int, dict[str, str | None]] = {}
        families: dict[tuple[str, int], str] = {}
        for row in [*rows8, *rows10]:
            pk = pks[row.values["child_id"]]
            names = {k: row.values.get(k) or None for k in ("team", "worker")}
            if any(names.values()):
                wanted.setdefault(pk, {}).update({k: v for k, v in names.items() if v})
            if row.values.get("family_id"):
                families[(row.values["family_id"], pk)] = Relationship.CHILD
        shared.allocate(wanted, changes)
        shared.link_families(families, changes, keep_relationship=True)
        shared.record_child_events(changes=changes, run=run, actor=actor, what="Annex A")
        return changes.counts

    def loaded_count(self, changes: dict[str, dict[str, int]]) -> int:
        """Every record created or updated (the JSON's episodes_loaded, for Annex A)."""
        return sum(c.get("created", 0) + c.get("updated", 0) for c in changes.values())


def _columns(
    display: str, header_row: int, header: dict[int, str], cells: list, problems: Problems
) -> dict[int, tuple[str, str]]:
    """Column index -> (field, header text); unknown headers are warnings, a field given
    twice is read from its first column."""
    columns: dict[int, tuple[str, str]] = {}
    seen: set[str] = set()
    for index, cell in enumerate(cells):
        title = lists.text(cell.value) if cell.value is not None else ""
        name = header.get(index)
        if name and name not in seen:
            seen.add(name)
            columns[index] = (name, title)
        elif title:
            problems.warning(
                Problem(
                    display,
                    header_row,
                    title,
                    "",
                    "extra-column",
                    f"'{title}' ({cell_name(header_row, index)}) is not a column Assure "
                    "reads from this list: it is ignored.",
                )
            )
    return columns


def _convert(
    list_no: int,
    display: str,
    sheet: str,
    number: int,
    cells: list,
    columns: dict[int, tuple[str, str]],
    problems: Problems,
) -> ListRow | None:
    values: dict[str, Any] = {}
    bad = False
    for index, (name, title) in columns.items():
        cell = cells[index] if index < len(cells) else None
        where = f"cell {cell_name(number, index)} of sheet '{sheet}'"
        if cell is not None and cell.missing_value:
            problems.error(
                Problem(
                    display,
                    number,
                    title,
                    "",
                    "formula-no-value",
                    f"{where} holds a formula with no saved value; open the workbook in "
                    "Excel and save it (or paste values) before importing.",
                )
            )
            bad = True
            continue
        value = cell.value if cell is not None else None
        if isinstance(value, str) and value.strip().lower() in ERROR_VALUES:
            problems.error(
                Problem(
                    display,
                    number,
                    title,
                    value,
                    "cell-error",
                    f"{where} shows the Excel error {value.strip()}.",
                )
            )
            bad = True
            continue
        if lists.is_blank(value):
            values[name] = None
            continue
        try:
            values[name] = lists.READERS[name](value)
        except BadValue as exc:
            problems.error(
                Problem(
                    display,
                    number,
                    title,
                    lists.text(value)[:200],
                    exc.code,
                    f"{exc.message} ({where}).",
                )
            )
            bad = True
    if not values.get("child_id") and not bad:
        problems.error(
            Problem(
                display,
                number,
                "Child Unique ID",
                "",
                "missing-child",
                f"Row {number} of sheet '{sheet}' has no Child Unique ID.",
            )
        )
        return None
    return None if bad else ListRow(list_no, display, number, values)


def _check(prepared: PreparedAnnexA) -> None:
    problems = prepared.problems
    for list_no, rows in prepared.rows.items():
        seen: dict[str, ListRow] = {}
        for row in rows:
            start, end = row.values.get("start_date"), row.values.get("end_date")
            if start and end and end < start:
                problems.error(
                    Problem(
                        row.file,
                        row.row,
                        "end_date",
                        end.isoformat(),
                        "end-before-start",
                        f"The date ceased to be looked after ({end:%d/%m/%Y}) is before the "
                        f"date started ({start:%d/%m/%Y}).",
                    )
                )
            earlier = seen.setdefault(row.values["child_id"], row)
            if earlier is not row and earlier.values != row.values:
                problems.error(
                    Problem(
                        row.file,
                        row.row,
                        "Child Unique ID",
                        row.values["child_id"],
                        "conflicting-rows",
                        f"Child {row.values['child_id']} is also at row {earlier.row} of "
                        f"list {list_no}, with different values.",
                    )
                )
    _check_against_903(prepared)


def _check_against_903(prepared: PreparedAnnexA) -> None:
    """A list 8 legal status that differs from the child's latest 903 episode is kept out
    (the 903 wins) and reported, so that the difference is looked into."""
    rows = [r for r in prepared.rows.get(8, []) if r.values.get("legal_status")]
    latest: dict[str, str] = {}
    for chunk in chunks(sorted({r.values["child_id"] for r in rows})):
        for child_id, status in (
            cm.Episode.objects.filter(child__child_id__in=chunk)
            .order_by("child_id", "start_date")
            .values_list("child__child_id", "legal_status")
        ):
            latest[child_id] = status
    for row in rows:
        stored = latest.get(row.values["child_id"])
        if stored and stored != row.values["legal_status"]:
            prepared.problems.warning(
                Problem(
                    row.file,
                    row.row,
                    "legal_status",
                    row.values["legal_status"],
                    "differs-from-903",
                    f"List 8 gives legal status {row.values['legal_status']}; the latest 903 "
                    f"episode has {stored}. The 903 is kept.",
                )
            )


CHILD_FIELDS = {"sex": "", "date_of_birth": None, "ethnicity": "", "uasc": False}


def _sync_children(rows: list[ListRow], changes: Changes) -> dict[str, int]:
    """Create new children; fill only the blank details of known ones."""
    wanted: dict[str, dict[str, Any]] = {}
    for row in rows:
        values = wanted.setdefault(row.values["child_id"], {})
        for name in CHILD_FIELDS:
            if row.values.get(name) is not None and values.get(name) is None:
                values[name] = row.values[name]
    pks: dict[str, int] = {}
    now = clock.now()
    for chunk in chunks(sorted(wanted)):
        stored = {
            c["child_id"]: c
            for c in cm.Child.objects.filter(child_id__in=chunk).values(
                "id", "child_id", *CHILD_FIELDS
            )
        }
        new, changed = [], []
        for child_id in chunk:
            values = wanted[child_id]
            current = stored.get(child_id)
            if current is None:
                new.append(
                    {"child_id": child_id, **{k: values.get(k, d) for k, d in CHILD_FIELDS.items()}}
                )
                continue
            fill = {
                k: v for k, v in values.items() if v is not None and current[k] in ("", None, False)
            }
            fill = {k: v for k, v in fill.items() if current[k] != v}
            if fill:
                current.update(fill)
                changed.append((current["id"], {**current, "updated_at": now}))
                changes.add("Children", "updated", current["id"])
        bulk.insert(cm.Child, new)
        bulk.update(cm.Child, [*CHILD_FIELDS, "updated_at"], changed)
        pks.update(cm.Child.objects.filter(child_id__in=chunk).values_list("child_id", "id"))
        for item in new:
            changes.add("Children", "created", pks[item["child_id"]])
    return pks


def _first_episodes(rows: list[ListRow], pks: dict[str, int], changes: Changes) -> None:
    candidates = {pks[r.values["child_id"]]: r for r in rows if r.values.get("start_date")}
    with_episodes: set[int] = set()
    for chunk in chunks(sorted(candidates)):
        with_episodes.update(
            cm.Episode.objects.filter(child_id__in=chunk).values_list("child_id", flat=True)
        )
    new = []
    for pk, row in candidates.items():
        if pk in with_episodes:
            continue
        get = row.values.get
        new.append(
            {
                "child_id": pk,
                "start_date": get("start_date"),
                "reason_new_episode": "S",
                "legal_status": get("legal_status") or "",
                "category_of_need": get("category_of_need") or "",
                "placement_type": get("placement_type") or "",
                "end_date": get("end_date"),
                "reason_ceased": get("reason_ceased") or "",
            }
        )
        changes.add("Episodes", "created", pk)
    bulk.insert(cm.Episode, new)


def _plans(rows: list[ListRow], pks: dict[str, int], changes: Changes) -> None:
    wanted = {pks[r.values["child_id"]]: r.values["plan"] for r in rows if r.values.get("plan")}
    current: dict[int, str] = {}
    for chunk in chunks(sorted(wanted)):
        for child_pk, plan in (
            cm.PermanencePlan.objects.filter(child_id__in=chunk)
            .order_by("child_id", "agreed_date", "id")
            .values_list("child_id", "plan")
        ):
            current[child_pk] = plan
    today = clock.today()
    new = []
    for pk, plan in wanted.items():
        if current.get(pk) != plan:
            new.append(
                {
                    "child_id": pk,
                    "plan": plan,
                    "agreed_date": today,
                    "source": cm.PermanencePlan.Source.ANNEX_A,
                }
            )
            changes.add("Permanence plans", "created", pk)
    bulk.insert(cm.PermanencePlan, new)


def _adoption(rows: list[ListRow], pks: dict[str, int], changes: Changes) -> None:
    child_pks = sorted({pks[r.values["child_id"]] for r in rows})
    decisions = {
        (d["child_id"], d["decision_date"]): d
        for d in cm.AdoptionDecision.objects.filter(child_id__in=child_pks).values(
            "id", "child_id", "decision_date", "match_date"
        )
    }
    placed = set(
        cm.PlacedForAdoption.objects.filter(child_id__in=child_pks).values_list(
            "child_id", "date_placed"
        )
    )
    new_decisions, changed, new_placed = [], [], []
    for row in rows:
        pk = pks[row.values["child_id"]]
        decided, matched = row.values.get("decision_date"), row.values.get("match_date")
        if decided:
            stored = decisions.get((pk, decided))
            if stored is None:
                decisions[(pk, decided)] = {"child_id": pk, "decision_date": decided}
                new_decisions.append(
                    {"child_id": pk, "decision_date": decided, "match_date": matched}
                )
                changes.add("Adoption decisions", "created", pk)
            elif matched and stored["match_date"] != matched:
                changed.append((stored["id"], {"match_date": matched}))
                changes.add("Adoption decisions", "updated", pk)
        if row.values.get("placed_date") and (pk, row.values["placed_date"]) not in placed:
            placed.add((pk, row.values["placed_date"]))
            new_placed.append({"child_id": pk, "date_placed": row.values["placed_date"]})
            changes.add("Placed for adoption", "created", pk)
    bulk.insert(cm.AdoptionDecision, new_decisions)
    bulk.update(cm.AdoptionDecision, ["match_date"], changed)
    bulk.insert(cm.PlacedForAdoption, new_placed)
