"""`assure send-digests`: the daily digest email for everyone who wants it.

Run it once a day from the scheduler (docs/operations/running.md). By default it queues the
work on the task worker and returns; `--now` does it in this process and says how many went.
Each digest is an email row sent by the worker like every other email (core.mail), and
nobody gets two on one day, so running it twice is harmless.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Queue today's digest email for everyone who has not turned it off."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now", action="store_true", help="work in this process rather than on the worker"
        )

    def handle(self, *args: Any, now: bool, **options: Any) -> None:
        if not now:
            from assure.inbox.tasks import send_daily_digests

            result = send_daily_digests.enqueue()
            self.stdout.write(f"Queued today's digests on the task worker ({result.id}).")
            return
        from assure.inbox.digest import digests_send

        run = digests_send()
        self.stdout.write(
            f"Queued {run.sent} digest email{'' if run.sent == 1 else 's'}; "
            f"{run.skipped} {'person has' if run.skipped == 1 else 'people have'} nothing new "
            "or have turned it off."
        )
