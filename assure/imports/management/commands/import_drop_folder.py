"""`assure import-drop-folder`: look in the drop folder (IMPORT_DROP_FOLDER) for new files.

Run it on a schedule (a systemd timer or cron, every few minutes: docs/operations/running.md).
By default it queues the scan on the task worker and returns at once, so the import itself
runs where imports run; `--now` scans in this process and reports what it did (`--json`
for a script).

Exit codes: 0 done (or queued), 1 no drop folder is set or it cannot be read, or another scan
is running (with --now).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assure.imports import dropfolder


class Command(BaseCommand):
    help = "Import the complete new files in the drop folder (IMPORT_DROP_FOLDER)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now", action="store_true", help="scan in this process rather than on the worker"
        )
        parser.add_argument("--json", action="store_true", help="with --now: print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        where = dropfolder.folder()
        if where is None:
            raise CommandError("No drop folder is set: set IMPORT_DROP_FOLDER.", returncode=1)
        if not options["now"]:
            from assure.imports.tasks import scan_drop_folder

            result = scan_drop_folder.enqueue()
            self.stdout.write(f"Queued a scan of {where} on the task worker ({result.id}).")
            return
        scanned = dropfolder.scan()
        if options["json"]:
            self.stdout.write(json.dumps(scanned.as_dict()))
        else:
            for run in scanned.runs:
                self.stdout.write(f"Run {run.pk}: {dropfolder.describe(run)}")
            for name in scanned.waiting:
                self.stdout.write(f"Waiting: {name} (still being written)")
            if not scanned.runs and not scanned.waiting and not scanned.problem:
                self.stdout.write("Nothing new in the drop folder.")
        if scanned.problem:
            raise CommandError(scanned.problem, returncode=1)
        if scanned.busy:
            raise CommandError("Another scan of the drop folder is running.", returncode=1)
