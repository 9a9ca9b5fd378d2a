"""Data that arrives by itself: the drop folder.

An operator points `IMPORT_DROP_FOLDER` at a folder the council's systems write their files
to. `assure import-drop-folder`, run on a schedule (a systemd timer or cron: see
docs/operations/running.md), queues a scan on the task worker; the scan:

1. takes the files at the top of the folder (`.csv`, `.txt`, `.xml`, `.xlsx`) that are
   complete: not hidden, not Excel's lock files (`~$...`), not named `*.part` or `*.tmp`
   (write a file under such a name and rename it when it is complete), unchanged for
   `IMPORT_DROP_SETTLE_SECONDS` and unchanged while Assure reads it. Others wait for the
   next scan;
2. never applies a file twice: a file whose SHA-256 an import already applied (from the
   folder, the import page or the command line) is not applied again, and is reported;
3. recognises each file by its content as the import page does (a workbook is Annex A, a
   CSV with an extract template's columns is an extract, anything else is tried as the 903)
   and imports each kind's files together (the 903 first): a dry run, then, when it found no
   errors, the import itself. Files with errors are refused whole, never applied in part;
4. records every run (applied or refused, with every problem) in the import history, and
   tells the performance officers: in the product (the import page and their home page,
   until one marks a refused run as dealt with) and by email;
5. removes applied files (the run keeps their names and SHA-256, as for uploads) and moves
   refused ones into the folder's `refused/` subfolder, to be fixed and dropped again.

One scan runs at a time (a lock file under MEDIA_ROOT); a second finds it busy and stops.
File ages are measured against the file system's clock, which wrote the times.
"""

from .files import Candidate, digest, folder, list_files, settle_seconds, state, state_path
from .runs import VIA, dealt_with, describe, recipients
from .scan import ScanResult, scan

__all__ = [
    "VIA",
    "Candidate",
    "ScanResult",
    "dealt_with",
    "describe",
    "digest",
    "folder",
    "list_files",
    "recipients",
    "scan",
    "settle_seconds",
    "state",
    "state_path",
]
