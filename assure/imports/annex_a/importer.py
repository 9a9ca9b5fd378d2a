"""The Ofsted Annex A importer: every list a workbook holds (1 to 11).

What each list changes, and why (see docs/imports/annex-a.md):
- the child: created when new (lists 8, 9 and 10: children in care, care leavers, adoption);
  on a known child only blank details (sex, date of birth, ethnicity, UASC, disability) are
  filled, because the 903 is the authority for them. Lists 1 to 7 (contacts to child
  protection plans) add events only for children Assure already knows or the workbook's
  lists 8 to 10 bring: their other rows are counted and reported, never stored;
- lists 1 to 7: an event each (contact, early help, referral, assessment, section 47 enquiry,
  child in need, child protection plan) with the list's useful columns;
- list 8: the period of care as episodes (only for a child with no episodes: split where the
  current legal status and placement began), the permanence plan (agreed date not known),
  the latest review (marked: the reviews before it are not known), visits and checks as
  events, a second period of care within 12 months as an event;
- list 9: the care leaver's outcomes (the 903's OC3: in touch, activity, accommodation) and
  the latest contact and pathway plan review as events;
- list 10: the adoption decision and match (AD1), the decision in the 903's PlacedAdoption
  sense (and its reversal, with the reason), and the placement order, fostering for
  adoption, placement for adoption and adoption order as events;
- list 11 (adopters): the adoptive family, as an event on each child list 10 links to it by
  the family identifier;
- allocated team and worker (created as needed); a blank cell leaves the allocation alone.
Sheets that are not lists, lists whose rows cannot be linked and columns that are not used
are reported as warnings, never skipped without a word.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

from assure.children import models as cm
from assure.families.models import Relationship

from .. import progress
from ..extracts import apply as shared
from ..framework import FileSummary, Problem, Problems, file_digest, file_problem, max_file_bytes
from ..ssda903.apply import Changes, chunks
from ..ssda903.values import BadValue
from . import apply as writes
from . import events as social_care
from . import lists
from .rows import HELP_LISTS, ONE_ROW_EACH, ListRow, PreparedAnnexA
from .workbook import Workbook, WorkbookRefused, cell_name

HEADER_SCAN = 20  # rows searched for the header row
ERROR_VALUES = {"#ref!", "#value!", "#div/0!", "#name?", "#null!", "#num!", "#getting_data"}


class AnnexAImporter:
    kind: ClassVar[str] = "annex_a"

    def prepare(self, paths: Sequence[Path]) -> PreparedAnnexA:
        problems = Problems()
        prepared = PreparedAnnexA(files=[], problems=problems)
        if not paths:
            problems.error(file_problem("", "no-files", "No workbook was given."))
        for path in paths:
            self._read_workbook(Path(path), prepared)
        if not problems.file_errors:
            _check(prepared)
        prepared.children = len(
            {
                row.values["child_id"]
                for list_no in lists.TITLES
                if list_no != 11
                for row in prepared.valid(list_no)
            }
        )
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
        progress.stage("Reading the Annex A workbook")
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
                    "No Annex A list was found: no sheet is named like 'List 1' to 'List 11', "
                    "and no header row has 'Child Unique ID' (or, for list 11, 'Individual "
                    f"adopter identifier') with a list's columns. Sheets: "
                    f"{', '.join(book.sheet_names)}.",
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
        """Read one sheet if it is an Annex A list; returns 1 when it was."""
        problems = prepared.problems
        named = lists.list_from_name(sheet)
        rows = book.rows(sheet)
        found = _find_header(rows, named)
        if found is None:
            if named is not None:
                problems.error(
                    file_problem(
                        path,
                        "no-header",
                        f"Sheet '{sheet}' looks like list {named} but no header row with "
                        f"'{lists.FIELDS[lists.key_field(named)].label}' was found in its "
                        "first rows.",
                    )
                )
                return 1
            problems.warning(
                Problem(
                    f"{path} [{sheet}]",
                    None,
                    "",
                    "",
                    "sheet-not-read",
                    f"Sheet '{sheet}' is not an Annex A list (its name is not 'List 1' to "
                    "'List 11' and it has no list's header row): it was not read.",
                )
            )
            return 0
        list_no, header_row, cells = found
        display = f"{path} [{sheet}]"
        summary = FileSummary(path=display, table=lists.LISTS[list_no], sha256=sha256, bytes=size)
        prepared.files.append(summary)
        columns = _columns(list_no, display, header_row, cells, problems)
        for number, row_cells in rows:
            summary.rows += 1
            progress.rows_read()
            row = _convert(list_no, display, sheet, number, row_cells, columns, problems)
            if row is not None:
                prepared.rows[list_no].append(row)
        prepared.rows_read += summary.rows
        if summary.rows == 0:
            problems.warning(
                Problem(display, None, "", "", "list-empty", f"Sheet '{sheet}' has no rows.")
            )
        return 1

    def apply(self, prepared: PreparedAnnexA, *, run: Any, actor: Any) -> dict[str, dict[str, int]]:
        progress.stage("Writing the Annex A lists")
        changes = Changes()
        rows = {n: prepared.valid(n) for n in lists.TITLES}
        children_rows = [r for n in lists.TITLES if n != 11 for r in rows[n]]
        pks = writes.sync_children(children_rows, changes)
        writes.episodes(rows[8], pks, changes)
        writes.plans(rows[8], pks, changes)
        writes.reviews(rows[8], pks, changes)
        writes.care_leavers(rows[9], pks, changes)
        writes.adoption(rows[10], pks, changes)
        events = social_care.Events()
        for list_no in (*HELP_LISTS, 8, 9, 10):
            for row in rows[list_no]:
                for event in social_care.events_of(row):
                    events.add(pks[row.values["child_id"]], event)
        for child_pk, event in social_care.adopter_events(rows[10], rows[11], pks):
            events.add(child_pk, event)
        events.sync(changes)
        wanted: dict[int, dict[str, str | None]] = {}
        families: dict[tuple[str, int], str] = {}
        for list_no in (*HELP_LISTS, 9, 8, 10):  # the later list's allocation wins
            for row in rows[list_no]:
                pk = pks[row.values["child_id"]]
                names = {k: row.values.get(k) or None for k in ("team", "worker")}
                if any(names.values()):
                    wanted.setdefault(pk, {}).update({k: v for k, v in names.items() if v})
                if list_no == 8 and row.values.get("family_id"):
                    families[(row.values["family_id"], pk)] = Relationship.CHILD
        shared.allocate(wanted, changes)
        shared.link_families(families, changes, keep_relationship=True)
        shared.record_child_events(changes=changes, run=run, actor=actor, what="Annex A")
        return changes.counts

    def loaded_count(self, changes: dict[str, dict[str, int]]) -> int:
        """Every record created or updated (the JSON's episodes_loaded, for Annex A)."""
        return sum(c.get("created", 0) + c.get("updated", 0) for c in changes.values())


# Reading ------------------------------------------------------------------------------------


def _find_header(rows: Iterator[tuple[int, list]], named: int | None) -> tuple | None:
    """(list, header row number, header cells) from the first rows, or None."""
    for number, cells in rows:
        texts = [c.value for c in cells]

        def fields_of(list_no: int, texts: list = texts) -> set[str]:
            return {f for f in (lists.match_header(t, list_no) for t in texts) if f}

        if named is not None:
            fields = fields_of(named)
            if lists.key_field(named) in fields and len(fields) >= 3:
                return named, number, cells
        else:
            list_no = lists.list_from_fields(fields_of)
            if list_no is not None and len(fields_of(list_no)) >= 3:
                return list_no, number, cells
        if number >= HEADER_SCAN:
            break
    return None


def _columns(
    list_no: int, display: str, header_row: int, cells: list, problems: Problems
) -> dict[int, tuple[str, str]]:
    """Column index -> (field, header text) for the columns this list's rows are read from.
    A column Assure does not recognise, or recognises but does not use, is reported once; a
    field given twice is read from its first column."""
    columns: dict[int, tuple[str, str]] = {}
    seen: set[str] = set()
    for index, cell in enumerate(cells):
        title = lists.text(cell.value) if cell.value is not None else ""
        if not title:
            continue
        name = lists.match_header(title, list_no)
        where = f"'{title}' ({cell_name(header_row, index)})"
        if name is None:
            message = f"{where} is not a column Assure knows in list {list_no}: it is ignored."
            problems.warning(Problem(display, header_row, title, "", "extra-column", message))
        elif name in seen:
            message = f"{where} repeats a column read already: only the first is read."
            problems.warning(Problem(display, header_row, title, "", "repeated-column", message))
        elif name not in lists.USED[list_no]:
            seen.add(name)
            reason = lists.NOT_USED_REASON.get(name) or "Assure has nowhere to keep it"
            message = f"{where} is read but not stored: {reason}."
            problems.warning(Problem(display, header_row, title, "", "column-not-used", message))
        else:
            seen.add(name)
            columns[index] = (name, title)
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
        spec = lists.FIELDS[name]
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
            problem = Problem(
                display,
                number,
                title,
                value,
                "cell-error",
                f"{where} shows the Excel error {value.strip()}."
                + ("" if spec.strict else " The field is left blank."),
            )
            if spec.strict:
                problems.error(problem)
                bad = True
            else:
                problems.warning(problem)
            values[name] = None
            continue
        if lists.is_blank(value):
            values[name] = None
            continue
        try:
            values[name] = spec.read(value)
        except BadValue as exc:
            values[name] = None
            # A field the record depends on (legal status, placement type, reason ceased)
            # that cannot be read, or could mean several codes, refuses the row: a blank there
            # would change the child's care rules (a short break read as ordinary care, an
            # ended episode with no way out of care). Elsewhere the field is left blank.
            if spec.strict:
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
            else:
                problems.warning(
                    Problem(
                        display,
                        number,
                        title,
                        lists.text(value)[:200],
                        exc.code,
                        f"{exc.message} ({where}): the row is kept with this field blank.",
                    )
                )
    key = lists.key_field(list_no)
    if not values.get(key) and not bad:
        label = lists.FIELDS[key].label
        problems.error(
            Problem(
                display,
                number,
                label,
                "",
                "missing-child" if key == "child_id" else "missing-adopter",
                f"Row {number} of sheet '{sheet}' has no {label}.",
            )
        )
        return None
    return None if bad else ListRow(list_no, display, number, values)


# Checking -----------------------------------------------------------------------------------


def _check(prepared: PreparedAnnexA) -> None:
    problems = prepared.problems
    for list_no, rows in prepared.rows.items():
        seen: dict[str, ListRow] = {}
        for row in rows:
            _check_order(row, problems)
            if list_no not in ONE_ROW_EACH:
                continue
            earlier = seen.setdefault(row.key, row)
            if earlier is not row and earlier.values != row.values:
                problems.error(
                    Problem(
                        row.file,
                        row.row,
                        lists.FIELDS[lists.key_field(list_no)].label,
                        row.key,
                        "conflicting-rows",
                        f"{row.key} is also at row {earlier.row} of list {list_no}, with "
                        "different values.",
                    )
                )
    _check_against_stored(prepared)
    _leave_out_unknown_children(prepared)
    social_care.event_problems(prepared)


# (start, end, what) pairs that must run forwards.
ORDERED = (
    ("start_date", "end_date", "date ceased to be looked after"),
    ("early_help_start", "early_help_end", "assessment completion date"),
    ("assessment_start", "assessment_authorised", "date of authorisation"),
    ("cin_start", "cin_closure", "CIN closure date"),
    ("cp_start", "cp_end", "child protection plan end date"),
    ("decision_date", "no_longer_date", "decision that the child should no longer be adopted"),
)


def _check_order(row: ListRow, problems: Problems) -> None:
    for start_name, end_name, what in ORDERED:
        start, end = row.values.get(start_name), row.values.get(end_name)
        if start and end and end < start:
            problems.error(
                Problem(
                    row.file,
                    row.row,
                    end_name,
                    end.isoformat(),
                    "end-before-start",
                    f"The {what} ({end:%d/%m/%Y}) is before the "
                    f"{lists.FIELDS[start_name].label.lower()} ({start:%d/%m/%Y}).",
                )
            )


def _check_against_stored(prepared: PreparedAnnexA) -> None:
    """A list 8 legal status, or a date ceased, that differs from the child's latest stored
    episode is kept out (the 903 wins) and reported, so that the difference is looked into."""
    rows = [r for r in prepared.rows.get(8, []) if r.values.get("start_date")]
    latest: dict[str, tuple[str, dt.date | None]] = {}
    for chunk in chunks(sorted({r.values["child_id"] for r in rows})):
        for child_id, status, end in (
            cm.Episode.objects.filter(child__child_id__in=chunk)
            .order_by("child_id", "start_date")
            .values_list("child__child_id", "legal_status", "end_date")
        ):
            latest[child_id] = (status, end)
    for row in rows:
        stored = latest.get(row.values["child_id"])
        if stored is None:
            continue
        status, end = stored
        given = row.values.get("legal_status")
        if given and status and status != given:
            prepared.problems.warning(
                Problem(
                    row.file,
                    row.row,
                    "legal_status",
                    given,
                    "differs-from-903",
                    f"List 8 gives legal status {given}; the latest 903 episode has {status}. "
                    "The 903 is kept.",
                )
            )
        ceased = row.values.get("end_date")
        if ceased and end is None:
            prepared.problems.warning(
                Problem(
                    row.file,
                    row.row,
                    "end_date",
                    ceased.isoformat(),
                    "differs-from-903",
                    f"List 8 says the child ceased to be looked after on {ceased:%d/%m/%Y}; "
                    "the latest 903 episode is still open. The 903 is kept.",
                )
            )


def _leave_out_unknown_children(prepared: PreparedAnnexA) -> None:
    """Rows of lists 1 to 7 about children with no care record (not stored, and not in the
    workbook's lists 8 to 10): Assure keeps the records of children in and leaving care, so
    these are counted and reported, and not stored."""
    rejected = prepared.problems.rejected
    named = {
        r.values["child_id"]
        for n in (8, 9, 10)
        for r in prepared.rows.get(n, [])
        if (r.file, r.row) not in rejected
    }
    asked = sorted(
        {r.values["child_id"] for n in HELP_LISTS for r in prepared.rows.get(n, [])} - named
    )
    known = set(named)
    for chunk in chunks(asked):
        known.update(cm.Child.objects.filter(child_id__in=chunk).values_list("child_id", flat=True))
    for list_no in HELP_LISTS:
        left_out = [r for r in prepared.rows.get(list_no, []) if r.values["child_id"] not in known]
        if not left_out:
            continue
        prepared.unknown.update((r.file, r.row) for r in left_out)
        ids = sorted({r.values["child_id"] for r in left_out})
        examples = ", ".join(ids[:5]) + (" ..." if len(ids) > 5 else "")
        prepared.problems.warning(
            Problem(
                left_out[0].file,
                None,
                "Child Unique ID",
                examples,
                "child-not-in-care",
                f"{len(left_out):,} row(s) of list {list_no} ({lists.TITLES[list_no]}) are about "
                f"{len(ids):,} child(ren) with no care record in Assure and not in lists 8 to 10 "
                f"of the workbook ({examples}): Assure keeps the records of children in and "
                "leaving care, so these rows were not stored.",
            )
        )
