"""Reading 903 files into raw rows: CSV (any table, recognised by its columns) and XML in
two layouts (see `_XmlState`).

Rows are streamed: a CSV row or an XML CHILD element is turned into `RawRow`s and let go.
File-level problems (unreadable, empty, unrecognised, cut off, repeated columns, malformed
or hostile XML) are reported as errors with no row; a CSV row with more or fewer fields than
its header is an error on that row.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import hashlib
import re
import xml.etree.ElementTree as StdET  # noqa: S405 - only for its ParseError class
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import defusedxml
import defusedxml.ElementTree as SafeET

from ..framework import FileSummary, Problem, Problems, file_problem, max_file_bytes
from .tables import (
    AD1,
    BY_NAME,
    BY_XML_TAG,
    COLUMN_ALIASES,
    HEADER,
    NOT_KEPT,
    NOT_KEPT_XML_TAGS,
    OC3,
    REGIONAL_COLUMNS,
    UASC,
    Table,
    not_kept,
    recognise,
)

csv.field_size_limit(1 << 20)


@dataclass(slots=True)
class RawRow:
    table: Table
    row: int
    values: list[str]  # stripped text, aligned to table.columns
    year: int
    absent: frozenset[str] = frozenset()  # columns the file does not have
    la: str = ""  # the row's council, as the file gives it (regional files); "" if none
    broken: bool = False  # the row could not be read (its error is already reported)


@dataclass(slots=True)
class Sniffed:
    sha256: str
    size: int
    encoding: str
    binary: bool
    xml: bool
    blank: bool


def sniff(path: Path) -> Sniffed:
    """One pass over the bytes: digest, size, encoding and what kind of file it is."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    size = 0
    head = b""
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            if not head:
                head = block[:8192]
            digest.update(block)
            size += len(block)
            if utf8:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError:
                    utf8 = False
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if utf16:
        # Judge what kind of file it is by its text: UTF-16 XML (as .NET tools write it)
        # starts with b"<\x00" after the mark, not b"<".
        head = head[: len(head) // 2 * 2].decode("utf-16", errors="ignore").encode("utf-8")
    stripped = head.lstrip(codecs.BOM_UTF8).lstrip()
    return Sniffed(
        sha256=digest.hexdigest(),
        size=size,
        encoding="utf-16" if utf16 else ("utf-8-sig" if utf8 else "cp1252"),
        binary=not utf16 and _looks_binary(head),
        xml=stripped.startswith(b"<"),
        blank=not stripped,
    )


def _looks_binary(head: bytes) -> bool:
    if b"\x00" in head:
        return True
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 13))
    return bool(head) and controls / len(head) > 0.05


def normalise_column(name: str) -> str:
    name = name.replace("\ufeff", "").strip().strip('"').upper()
    name = re.sub(r"[\s\-]+", "_", name)
    name = re.sub(r"[^A-Z0-9_]", "", name)
    return COLUMN_ALIASES.get(name, name)


def sniff_checked(path: Path, summary: FileSummary, problems: Problems) -> Sniffed | None:
    """Sniff a file and note its digest and size; report an unreadable, oversized or empty
    file (the checks every importer makes first) and answer None for it."""
    display = summary.path
    try:
        sniffed = sniff(path)
    except OSError as exc:
        problems.error(file_problem(display, "file-unreadable", f"Cannot read the file: {exc}"))
        return None
    summary.sha256, summary.bytes = sniffed.sha256, sniffed.size
    limit = max_file_bytes()
    if sniffed.size > limit:
        problems.error(
            file_problem(
                display,
                "file-too-large",
                f"The file is {sniffed.size:,} bytes; the limit is {limit:,} bytes.",
            )
        )
        return None
    if sniffed.blank:
        problems.error(file_problem(display, "file-empty", "The file is empty."))
        return None
    return sniffed


def read_file(path: Path, summary: FileSummary, problems: Problems) -> Iterator[RawRow]:
    """Every raw row of one file; the summary is filled in as the file is read."""
    display = summary.path
    sniffed = sniff_checked(path, summary, problems)
    if sniffed is None:
        return
    if sniffed.binary:
        problems.error(
            file_problem(
                display, "file-not-text", "The file is not text: it is not a CSV or XML 903 file."
            )
        )
        return
    reader = _read_xml if sniffed.xml else _read_csv
    yield from reader(path, sniffed, summary, problems)


def _read_csv(
    path: Path, sniffed: Sniffed, summary: FileSummary, problems: Problems
) -> Iterator[RawRow]:
    display = summary.path
    with path.open("r", encoding=sniffed.encoding, newline="") as handle:
        first = handle.readline()
        delimiter = max((",", "\t", ";"), key=first.count)
        handle.seek(0)
        # strict: a file that ends inside a quoted field (cut off in transit) is an error, not
        # a last row holding the rest of the file.
        rows = csv.reader(handle, delimiter=delimiter, strict=True)
        try:
            header = next(rows)
        except (StopIteration, csv.Error):
            problems.error(file_problem(display, "file-empty", "The file has no header row."))
            return
        columns = [normalise_column(name) for name in header]
        table = recognise(set(columns))
        if table is None and (skipped := not_kept(set(columns))):
            _skip_table(display, skipped, rows, summary, problems)
            return
        if table is None:
            problems.error(
                file_problem(
                    display,
                    "file-unrecognised",
                    "The columns match no 903 table (each needs CHILD and its own columns, "
                    "e.g. DECOM for Episodes, ETHNIC for Header).",
                    value=",".join(header)[:200],
                )
            )
            return
        summary.table = table.name
        if _repeated_columns(display, columns, header, problems):
            return
        _report_columns(display, table, columns, problems)
        positions = [columns.index(c) if c in columns else None for c in table.columns]
        year_at = columns.index("YEAR") if "YEAR" in columns else None
        la_at = columns.index("LA") if "LA" in columns else None
        absent = frozenset(table.columns) - set(columns)
        width = len(columns)
        child_at = positions[0]
        line = 1  # the line the last record ended on
        while True:
            try:
                record = next(rows)
            except StopIteration:
                break
            except csv.Error as exc:
                if "unexpected end of data" in str(exc):
                    problems.error(
                        file_problem(
                            display,
                            "file-truncated",
                            f"The file ends inside a quoted field that opens on line {line + 1}: "
                            "it looks cut off. Nothing from it is stored; export it again.",
                        )
                    )
                    return
                summary.rows += 1
                problems.error(
                    Problem(
                        display,
                        rows.line_num,
                        "",
                        "",
                        "malformed-row",
                        f"Line {rows.line_num} is not well-formed CSV ({exc}): it is not read.",
                    )
                )
                yield RawRow(table, rows.line_num, [""] * len(table.columns), 0, broken=True)
                line = rows.line_num
                continue
            line = rows.line_num
            if not any(cell.strip() for cell in record):
                continue
            summary.rows += 1
            if len(record) != width:
                problems.error(
                    Problem(
                        display,
                        line,
                        "",
                        str(len(record)),
                        "wrong-field-count",
                        f"Line {line} has {len(record)} fields but the header has {width}: "
                        "its values cannot be matched to the columns, so it is not read.",
                        child=record[child_at].strip()
                        if child_at is not None and child_at < len(record)
                        else "",
                    )
                )
                values = [""] * len(table.columns)
                if child_at is not None and child_at < len(record):
                    values[0] = record[child_at].strip()
                yield RawRow(table, line, values, 0, broken=True)
                continue
            values = [record[i].strip() if i is not None else "" for i in positions]
            yield RawRow(
                table,
                line,
                values,
                _year(record, year_at),
                absent,
                record[la_at].strip() if la_at is not None else "",
            )
    if summary.rows == 0:
        problems.error(
            file_problem(
                display, "file-no-rows", f"The file has a {table.name} header but no rows."
            )
        )


def _skip_table(
    display: str, name: str, rows: Iterator[list[str]], summary: FileSummary, problems: Problems
) -> None:
    """A 903 table Assure does not keep (tables.NOT_KEPT): its rows are counted, not read."""
    summary.table = name
    with contextlib.suppress(csv.Error):  # a malformed row in a table not read costs nothing
        summary.rows = sum(1 for record in rows if any(cell.strip() for cell in record))
    problems.warning(
        file_problem(
            display,
            "table-not-kept",
            f"This is the 903's {name} table ({NOT_KEPT[name][1]}): Assure does not keep it, "
            f"so its {summary.rows:,} rows are not read. The other tables are imported.",
        )
    )


def _repeated_columns(
    display: str, columns: list[str], header: list[str], problems: Problems
) -> bool:
    """A column named twice (`DOB,DOB`) is an error: which of the two is meant cannot be
    told."""
    seen: dict[str, int] = {}
    repeated = False
    for position, column in enumerate(columns):
        if not column:
            continue
        if column in seen:
            repeated = True
            problems.error(
                Problem(
                    display,
                    None,
                    column,
                    header[position],
                    "repeated-column",
                    f"Line 1 names {column} twice (columns {seen[column] + 1} and "
                    f"{position + 1}): which one holds the values cannot be told.",
                )
            )
        else:
            seen[column] = position
    return repeated


def _year(record: list[str], at: int | None) -> int:
    if at is None:
        return 0
    text = record[at].strip()
    if text.endswith(".0"):
        text = text[:-2]
    return int(text) if text.isdigit() else 0


def _report_columns(display: str, table: Table, columns: list[str], problems: Problems) -> None:
    known = set(table.columns) | REGIONAL_COLUMNS
    for column in columns:
        if column and column not in known:
            problems.warning(
                Problem(
                    display,
                    1,
                    column,
                    "",
                    "extra-column",
                    f"{column} is not a {table.name} column: it is ignored.",
                )
            )
    for column in table.columns:
        if column not in columns:
            problems.warning(
                Problem(
                    display,
                    1,
                    column,
                    "",
                    "missing-column",
                    f"The {table.name} table has no {column} column: its values are left blank.",
                )
            )


def _local(tag: object) -> str:
    text = tag if isinstance(tag, str) else ""
    return text.rsplit("}", 1)[-1].upper()


def _read_xml(
    path: Path, sniffed: Sniffed, summary: FileSummary, problems: Problems
) -> Iterator[RawRow]:
    display = summary.path
    summary.table = "XML"
    state = _XmlState(display, problems)
    root = None
    depth = 0
    try:
        with path.open("rb") as handle:
            events = SafeET.iterparse(handle, events=("start", "end"))
            for event, element in events:
                if root is None:
                    root = element
                if event == "start":
                    if _local(element.tag) == "CHILD":
                        depth += 1
                    continue
                if _local(element.tag) != "CHILD":
                    continue
                depth -= 1
                if depth or len(element) == 0:
                    continue  # a CHILD leaf (the child's ID in some layouts), or nested
                for raw in state.child_rows(element):
                    summary.rows += 1
                    yield raw
                element.clear()
                root.clear()  # the root would otherwise keep every cleared CHILD
    except defusedxml.DefusedXmlException as exc:
        problems.error(
            file_problem(
                display,
                "xml-forbidden",
                f"The XML declares entities or external references, which are refused: {exc}",
            )
        )
        return
    except StdET.ParseError as exc:
        problems.error(file_problem(display, "xml-malformed", f"The XML is malformed: {exc}"))
        return
    if summary.rows == 0:
        problems.error(
            file_problem(
                display,
                "file-no-rows",
                "The XML holds no CHILD elements with HEADER, EPISODE or other 903 records.",
            )
        )


# Leaves of HEADER in the DfE's layout that are other tables' fields.
_AD1_FIELDS = frozenset(AD1.columns) - {"CHILD", "DOB"}
_OC3_FIELDS = frozenset(OC3.columns) - {"CHILD", "DOB"}
_UASC_FIELDS = frozenset({"UASC", "DUC"})
_CHILD_FIELDS = frozenset({"CHILD", *REGIONAL_COLUMNS})
_TRUE = frozenset({"1", "1.0", "Y", "YES", "TRUE"})


class _XmlState:
    """Turns one CHILD element into rows; numbers the records across the file.

    Two layouts are read, and any mixture of them:

    - **the DfE's** (what case-management systems export): `CHILD` holds one `HEADER` and
      its `EPISODE` elements. `HEADER` holds `CHILDID` and the Header fields; the AD1 fields
      (DATE_INT ... LS_ADOPTR), the OC3 fields (IN_TOUCH, ACTIV, ACCOM), `UASC` (1 for an
      unaccompanied asylum-seeking child) and `DUC` as leaves; and nested `AREVIEW`
      (Reviews), `AMISSING` (Missing), `OC2`, `PERMANENCE` (PrevPerm) and `AD_PLACED`
      (PlacedAdoption) elements;
    - **Assure's first layout**: `CHILDID` straight under `CHILD`, the Header fields in
      `HEADER` (or straight under `CHILD`), and each other table's records as elements of
      their own (`REVIEW`, `UASC`, `OC2`, `OC3`, `AD1`, `PLACED_ADOPTION`, `PREV_PERM`,
      `MISSING`, `SW_EPISODE`), with or without wrappers such as `EPISODES`.

    Each record becomes a row of its table exactly as a CSV row would, so the same checks
    run; tables that repeat DOB take the child's DOB from the Header when their element has
    none, as the DfE's CSVs carry it.
    """

    def __init__(self, display: str, problems: Problems) -> None:
        self.display = display
        self.problems = problems
        self.count = 0
        self.warned: set[str] = set()

    def child_rows(self, element: object) -> Iterator[RawRow]:
        child_leaves: dict[str, str] = {}
        records: list[tuple[Table, dict[str, str]]] = []
        headers: list[dict[str, str]] = []
        self._collect(element, child_leaves, records, headers)
        child = child_leaves.get("CHILD", "")
        for header in headers:
            child = child or header.get("CHILD", "")
        # Header fields written straight under CHILD make one Header record of their own.
        loose = {k: val for k, val in child_leaves.items() if k in HEADER.columns}
        for extra in set(child_leaves) - set(loose) - _CHILD_FIELDS:
            self._warn_unknown(extra)
        if set(loose) - _CHILD_FIELDS:
            headers.insert(0, loose)
        rows: list[tuple[Table, dict[str, str]]] = []
        for header in headers:
            rows.extend(self._header_records(header, child_leaves))
        dob = next((h["DOB"] for h in headers if h.get("DOB")), "")
        for table, fields in records:
            for name in set(fields) - set(table.columns) - REGIONAL_COLUMNS:
                self._warn_unknown(f"{table.xml_tags[0]}/{name}")
            rows.append((table, fields))
        for table, fields in rows:
            fields["CHILD"] = fields.get("CHILD") or child
            for column in ("LA", "YEAR"):
                if not fields.get(column) and child_leaves.get(column):
                    fields[column] = child_leaves[column]
            if "DOB" in table.columns and table is not HEADER and not fields.get("DOB") and dob:
                fields["DOB"] = dob
            self.count += 1
            year = fields.get("YEAR", "")
            yield RawRow(
                table,
                self.count,
                [fields.get(column, "") for column in table.columns],
                int(year) if year.isdigit() else 0,
                frozenset(column for column in table.columns if column not in fields),
                fields.get("LA", ""),
            )

    def _header_records(
        self, header: dict[str, str], child_leaves: dict[str, str]
    ) -> Iterator[tuple[Table, dict[str, str]]]:
        """The Header record of a HEADER element, and the AD1, OC3 and UASC records its
        leaves hold in the DfE's layout (only when one of their fields has a value)."""
        shared = {k: header[k] for k in ("CHILD", "LA", "YEAR") if header.get(k)}
        fields = {k: val for k, val in header.items() if k in HEADER.columns}
        known = set(HEADER.columns) | _AD1_FIELDS | _OC3_FIELDS | _UASC_FIELDS | _CHILD_FIELDS
        for extra in set(header) - known:
            self._warn_unknown(f"HEADER/{extra}")
        yield HEADER, {**fields, **shared}
        for table, names in ((AD1, _AD1_FIELDS), (OC3, _OC3_FIELDS)):
            values = {k: header[k] for k in names if k in header}
            if any(values.values()):
                yield table, {**values, "DOB": header.get("DOB", ""), **shared}
        flag, duc = header.get("UASC", "").upper(), header.get("DUC", "")
        if flag in _TRUE or duc:
            yield (
                UASC,
                {
                    "SEX": header.get("SEX", ""),
                    "DOB": header.get("DOB", ""),
                    "DUC": duc,
                    **shared,
                },
            )

    def _collect(
        self,
        element: object,
        leaves: dict[str, str],
        records: list[tuple[Table, dict[str, str]]],
        headers: list[dict[str, str]],
    ) -> None:
        for sub in element:  # type: ignore[attr-defined]
            tag = normalise_column(_local(sub.tag))
            if len(sub) == 0:
                leaves[tag] = (sub.text or "").strip()
            elif tag in NOT_KEPT_XML_TAGS:
                self._not_kept(NOT_KEPT_XML_TAGS[tag])
            elif tag == "HEADER":
                headers.append(self._header(sub, records))
            elif tag in BY_XML_TAG:
                records.append((BY_XML_TAG[tag], self._fields(sub)))
            else:
                self._collect(sub, leaves, records, headers)  # a wrapper such as <EPISODES>

    def _header(
        self, element: object, records: list[tuple[Table, dict[str, str]]]
    ) -> dict[str, str]:
        """A HEADER element's leaves; its nested records (AREVIEW, AMISSING, OC2,
        PERMANENCE, AD_PLACED, or wrappers of them) go to `records` with the header's
        CHILDID, LA and YEAR."""
        leaves: dict[str, str] = {}
        nested: list[tuple[Table, dict[str, str]]] = []
        self._nested(element, leaves, nested)
        for table, fields in nested:
            for column in ("CHILD", "LA", "YEAR"):
                if not fields.get(column) and leaves.get(column):
                    fields[column] = leaves[column]
            records.append((table, fields))
        return leaves

    def _nested(
        self, element: object, leaves: dict[str, str], nested: list[tuple[Table, dict[str, str]]]
    ) -> None:
        for sub in element:  # type: ignore[attr-defined]
            tag = normalise_column(_local(sub.tag))
            if len(sub) == 0:
                leaves[tag] = (sub.text or "").strip()
            elif tag in NOT_KEPT_XML_TAGS:
                self._not_kept(NOT_KEPT_XML_TAGS[tag])
            elif tag in BY_XML_TAG and BY_XML_TAG[tag] is not HEADER:
                nested.append((BY_XML_TAG[tag], self._fields(sub)))
            else:
                self._nested(sub, leaves, nested)

    @staticmethod
    def _fields(element: object) -> dict[str, str]:
        return {
            normalise_column(_local(f.tag)): (f.text or "").strip()
            for f in element  # type: ignore[attr-defined]
            if len(f) == 0
        }

    def _not_kept(self, name: str) -> None:
        """A record of a 903 table Assure does not keep (a DOLO element): said once."""
        if name not in self.warned:
            self.warned.add(name)
            self.problems.warning(
                file_problem(
                    self.display,
                    "table-not-kept",
                    f"The XML holds the 903's {name} table ({NOT_KEPT[name][1]}): Assure does "
                    "not keep it, so those records are not read. The other tables are imported.",
                )
            )

    def _warn_unknown(self, name: str) -> None:
        if name not in self.warned:
            self.warned.add(name)
            self.problems.warning(
                Problem(
                    self.display,
                    None,
                    name,
                    "",
                    "extra-column",
                    f"The XML element {name} is not part of the 903: it is ignored.",
                )
            )


__all__ = ["BY_NAME", "RawRow", "read_file", "sniff_checked", "normalise_column"]
