"""Reading 903 files into raw rows: CSV (any table, recognised by its columns) and the XML
layout (CHILD elements holding HEADER, EPISODE and the other tables' elements).

Rows are streamed: a CSV row or an XML CHILD element is turned into `RawRow`s and let go.
File-level problems (unreadable, empty, unrecognised, malformed or hostile XML) are reported
as errors with no row.
"""

from __future__ import annotations

import codecs
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
from .tables import BY_XML_TAG, COLUMN_ALIASES, HEADER, REGIONAL_COLUMNS, Table, recognise

csv.field_size_limit(1 << 20)


@dataclass(slots=True)
class RawRow:
    table: Table
    row: int
    values: list[str]  # stripped text, aligned to table.columns
    year: int
    absent: frozenset[str] = frozenset()  # columns the file does not have


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
        rows = csv.reader(handle, delimiter=delimiter)
        try:
            header = next(rows)
        except (StopIteration, csv.Error):
            problems.error(file_problem(display, "file-empty", "The file has no header row."))
            return
        columns = [normalise_column(name) for name in header]
        table = recognise(set(columns))
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
        _report_columns(display, table, columns, problems)
        positions = [columns.index(c) if c in columns else None for c in table.columns]
        year_at = columns.index("YEAR") if "YEAR" in columns else None
        absent = frozenset(table.columns) - set(columns)
        width = len(columns)
        try:
            for record in rows:
                if not any(cell.strip() for cell in record):
                    continue
                if len(record) < width:
                    record = record + [""] * (width - len(record))
                values = [record[i].strip() if i is not None else "" for i in positions]
                summary.rows += 1
                yield RawRow(table, rows.line_num, values, _year(record, year_at), absent)
        except csv.Error as exc:
            problems.error(
                file_problem(
                    display,
                    "file-unreadable",
                    f"The CSV is malformed at line {rows.line_num}: {exc}",
                )
            )
            return
    if summary.rows == 0:
        problems.error(
            file_problem(
                display, "file-no-rows", f"The file has a {table.name} header but no rows."
            )
        )


def _year(record: list[str], at: int | None) -> int:
    if at is None:
        return 0
    text = record[at].strip()
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
    try:
        with path.open("rb") as handle:
            events = SafeET.iterparse(handle, events=("start", "end"))
            for event, element in events:
                if root is None:
                    root = element
                if event != "end" or _local(element.tag) != "CHILD" or len(element) == 0:
                    continue
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


class _XmlState:
    """Turns one CHILD element into rows; numbers the records across the file."""

    def __init__(self, display: str, problems: Problems) -> None:
        self.display = display
        self.problems = problems
        self.count = 0
        self.warned: set[str] = set()

    def child_rows(self, element: object) -> Iterator[RawRow]:
        leaves: dict[str, str] = {}
        records: list[tuple[Table, dict[str, str]]] = []
        self._collect(element, leaves, records)
        child = leaves.pop("CHILD", "")
        header_fields = {k: val for k, val in leaves.items() if k in HEADER.columns}
        for extra in set(leaves) - set(header_fields) - REGIONAL_COLUMNS:
            self._warn_unknown(extra)
        # Header fields written straight under CHILD make one Header record of their own;
        # each HEADER element (one per year in a regional export) is a record too.
        if header_fields:
            records.insert(0, (HEADER, header_fields))
        for table, fields in records:
            for name in set(fields) - set(table.columns) - REGIONAL_COLUMNS:
                self._warn_unknown(f"{table.xml_tags[0]}/{name}")
            fields.setdefault("CHILD", child)
            self.count += 1
            year = fields.get("YEAR", "")
            yield RawRow(
                table,
                self.count,
                [fields.get(column, "") for column in table.columns],
                int(year) if year.isdigit() else 0,
                frozenset(column for column in table.columns if column not in fields),
            )

    def _collect(
        self, element: object, leaves: dict[str, str], records: list[tuple[Table, dict[str, str]]]
    ) -> None:
        for sub in element:  # type: ignore[attr-defined]
            tag = normalise_column(_local(sub.tag))
            if len(sub) == 0:
                leaves[tag] = (sub.text or "").strip()
            elif tag in BY_XML_TAG:
                fields = {normalise_column(_local(f.tag)): (f.text or "").strip() for f in sub}
                records.append((BY_XML_TAG[tag], fields))
            else:
                self._collect(sub, leaves, records)  # a wrapper such as <EPISODES>

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
