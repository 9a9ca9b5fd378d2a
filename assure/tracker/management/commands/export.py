"""assure export tracker --as-of D --format csv|xlsx --out FILE --user USERNAME

Writes the permanency tracker at a date: one header row, then one row per child on it. The
export runs as a named user: it holds only the children their access policy allows, and it
is logged against them like an export from the page.
"""

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assure.core import access, clock
from assure.people.models import User
from assure.tracker import exports, selectors


class Command(BaseCommand):
    help = "Export data from Assure. `assure export tracker --help` for the tracker."

    def add_arguments(self, parser: CommandParser) -> None:
        what = parser.add_subparsers(dest="what", required=True, metavar="{tracker}")
        tracker = what.add_parser(
            "tracker",
            help="The permanency tracker at a date.",
            description="The permanency tracker at a date, as CSV or XLSX.",
            called_from_command_line=getattr(parser, "called_from_command_line", None),
        )
        tracker.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD; today by default.")
        tracker.add_argument("--format", dest="fmt", choices=sorted(exports.FORMATS), required=True)
        tracker.add_argument("--out", required=True, help="The file to write.")
        tracker.add_argument(
            "--user",
            required=True,
            help="The user the export is for: their access applies and the export is logged "
            "against them.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user called {options['user']}.")
        if not access.can(user, "view_children"):
            raise CommandError(f"{options['user']} may not see children's records.")
        on = _parse_date(options["as_of"])
        fmt, out = options["fmt"], options["out"]
        # Streamed a batch at a time, each batch logged before its rows are written, as the
        # page's download is: a whole country's tracker in bounded memory.
        rows = _counted(
            exports.logged_rows(
                selectors.iter_tracker_rows(user=user, on=on),
                on=on,
                fmt=fmt,
                user=user,
                where=f"assure export tracker --as-of {on} --format {fmt}",
            )
        )
        try:
            if fmt == "csv":
                with open(out, "w", newline="", encoding="utf-8") as handle:
                    exports.write_csv(rows, handle)
            else:
                exports.write_xlsx(rows, on, out)
        except OSError as error:
            raise CommandError(f"Could not write {out}: {error.strerror}.") from error
        self.stdout.write(f"Wrote {rows.count} children on the tracker at {on} to {out}.")


class _counted:
    """An iterator that counts what passes through it."""

    def __init__(self, rows: Iterator[Any]) -> None:
        self._rows, self.count = rows, 0

    def __iter__(self) -> "_counted":
        return self

    def __next__(self) -> Any:
        row = next(self._rows)
        self.count += 1
        return row


def _parse_date(value: str | None) -> dt.date:
    if not value:
        return clock.today()
    try:
        return dt.date.fromisoformat(value) if len(value) == 10 else _bad(value)
    except ValueError:
        return _bad(value)


def _bad(value: str) -> dt.date:
    raise CommandError(f"--as-of must be a date as YYYY-MM-DD, not {value!r}.")
