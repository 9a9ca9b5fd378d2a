"""assure tracker-snapshot [--as-of D ...] [--discard]

Builds (or brings up to date) the tracker's snapshot at today's date, or at the dates given,
so that the day's first visitor to the tracker or the audit queue does not wait for it. Run
it from the scheduler shortly after midnight (docs/operations/running.md). `--discard`
deletes every snapshot first (they are rebuilt when next asked for).
"""

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assure.core import clock
from assure.tracker import snapshot


class Command(BaseCommand):
    help = "Build the tracker's snapshot at today's date (or the dates given)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-of", dest="dates", action="append", default=[], help="YYYY-MM-DD (repeatable)."
        )
        parser.add_argument(
            "--discard", action="store_true", help="Delete every snapshot before building."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dates = [_parse(value) for value in options["dates"]] or [clock.today()]
        if options["discard"]:
            count = snapshot.discard_all()
            self.stdout.write(f"Discarded {count} snapshot{'s' * (count != 1)}.")
        for on in dates:
            started = time.perf_counter()
            built = snapshot.snapshot_for(on)
            seconds = time.perf_counter() - started
            children = built.rows.count()
            self.stdout.write(
                f"The tracker at {on.day} {on:%B %Y}: {children:,} "
                f"{'child' if children == 1 else 'children'}, ready in {seconds:.1f} s."
            )


def _parse(value: str) -> dt.date:
    try:
        if len(value) != 10:
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date: use YYYY-MM-DD.") from None
