"""`assure import KIND ...`: load the council's files.

    assure import ssda903 PATH [PATH ...] [--la CODE] [--year YYYY] [--dry-run]
                          [--skip-invalid-rows] [--json]
    assure import annex-a FILE.xlsx [--dry-run] [--skip-invalid-rows] [--json]
    assure import extract PATH [PATH ...] [--dry-run] [--skip-invalid-rows] [--json]

Exit codes: 0 applied (or a clean dry run), 1 rejected (any error without
--skip-invalid-rows, or a file that cannot be read or recognised), 2 usage errors.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assure.imports.framework import APPLIED, DRY_RUN, ImportResult
from assure.imports.services import import_execute

# Subcommand -> importer kind; None for importers not built yet.
KINDS: dict[str, str | None] = {"ssda903": "ssda903", "annex-a": "annex_a", "extract": "extract"}
SHOWN = 50


class Command(BaseCommand):
    help = "Import the 903 return (and, later, Annex A and case-management extracts)."

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = parser.add_subparsers(dest="kind", metavar="KIND", required=True)
        for name, blurb in (
            ("ssda903", "SSDA903 CSV files (any tables), folders of them, or the XML layout"),
            ("annex-a", "an Ofsted Annex A workbook (.xlsx): every list it holds, 1 to 11"),
            (
                "extract",
                "case-management extract CSVs: proceedings, hearings, SGO assessments, "
                "permanence plans, allocations, families",
            ),
        ):
            sub = kinds.add_parser(name, help=blurb, description=blurb)
            sub.add_argument("paths", nargs="+", type=Path, metavar="PATH")
            sub.add_argument(
                "--dry-run", action="store_true", help="validate and report; store nothing"
            )
            sub.add_argument(
                "--skip-invalid-rows",
                action="store_true",
                help="store the valid rows and list the rejected ones",
            )
            sub.add_argument("--json", action="store_true", help="print one JSON object on stdout")
            if name == "ssda903":
                sub.add_argument(
                    "--la",
                    metavar="CODE",
                    help="the council whose children to import (DfE code, such as 312, or "
                    "name), when COUNCIL_LA_CODE is not set; other councils' rows are left out",
                )
                sub.add_argument(
                    "--year",
                    type=_collection_year,
                    metavar="YYYY",
                    help="the collection year the files are for, by the year it ends (2024 "
                    "for 2023/24) or as 2023/24; otherwise YEAR, the file names or the dates",
                )

    def handle(self, *args: Any, **options: Any) -> None:
        kind = KINDS[options["kind"]]
        if kind is None:
            raise CommandError(f"`import {options['kind']}` is not available yet.", returncode=2)
        importer_options = {
            key: options[key] for key in ("la", "year") if options.get(key) is not None
        }
        result = import_execute(
            kind=kind,
            paths=options["paths"],
            dry_run=options["dry_run"],
            skip_invalid_rows=options["skip_invalid_rows"],
            options=importer_options or None,
        )
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        else:
            self._report(result)
        if result.exit_code:
            raise CommandError(
                f"Import rejected: {len(result.errors)} error(s); nothing was stored.",
                returncode=result.exit_code,
            )

    def _report(self, result: ImportResult) -> None:
        write = self.stdout.write
        for summary in result.files:
            write(f"{summary.path}: {summary.table or 'not recognised'}, {summary.rows} rows")
        write(
            f"Rows read: {result.rows_read}; rejected: {result.rows_rejected}; "
            f"children: {result.children}"
        )
        for problem in result.errors[:SHOWN]:
            where = f"{problem.file}:{problem.row}" if problem.row else problem.file
            column = f" {problem.column}" if problem.column else ""
            write(f"ERROR {problem.code} at {where}{column}: {problem.message}")
        if len(result.errors) > SHOWN:
            write(f"... and {len(result.errors) - SHOWN} more errors (use --json for all).")
        self._council(result)
        if result.not_listed.get("error"):
            write(f"... and {result.not_listed['error']:,} more errors counted but not listed.")
        warnings = {code: n for (kind, code), n in result.counts.items() if kind == "warning"}
        if not warnings:  # an importer that does not count (none today): count the list
            warnings = dict(Counter(p.code for p in result.warnings))
        for code, count in sorted(warnings.items()):
            write(f"warning {code}: {count}")
        if result.status == APPLIED:
            for table, counts in sorted(result.changes.items()):
                write(f"{table}: {counts['created']} created, {counts['updated']} updated")
            write(
                self.style.SUCCESS(
                    f"Applied (run {result.run_id}): {result.episodes_loaded} records stored."
                )
            )
        elif result.status == DRY_RUN:
            write("Dry run: nothing was stored.")

    def _council(self, result: ImportResult) -> None:
        """The 903's council and the other councils' rows left out, when there are any."""
        write = self.stdout.write
        council = result.extra.get("council")
        if council:
            write(f"Council: {council['name']} ({council['code']}), from {council['from']}")
        for other in result.extra.get("left_out", []):
            write(
                f"Left out (another council's): {other['name']} ({other['la']}): "
                f"{_count(other['rows'], 'row')}, {_count(other['children'], 'child')}"
            )
        for found in result.extra.get("councils_found", []):
            write(
                f"In the files: {found['name']} ({found['la']}): "
                f"{_count(found['rows'], 'row')}, {_count(found['children'], 'child')}"
            )


def _count(n: int, noun: str) -> str:
    plural = "children" if noun == "child" else f"{noun}s"
    return f"{n:,} {noun if n == 1 else plural}"


def _collection_year(text: str) -> int:
    """2024, or 2023/24 or 2023-24: the collection year by the year it ends."""
    from argparse import ArgumentTypeError

    text = text.strip()
    if text.isdigit() and len(text) == 4:
        return int(text)
    first, _, second = text.replace("-", "/").partition("/")
    if first.isdigit() and second.isdigit() and int(second) == (int(first) + 1) % 100:
        return int(first) + 1
    raise ArgumentTypeError(f"{text!r} is not a collection year (2024 or 2023/24)")
