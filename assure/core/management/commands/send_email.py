"""assure send-email: send every queued email whose next attempt is due.

The task worker sends email as soon as the action that asked for it commits, and retries on
its own with the database task backend. Run this from the scheduler every few minutes too:
it catches any email whose retry could not be queued (another task backend, or the worker
down for a while).
"""

from typing import Any

from django.core.management.base import BaseCommand

from assure.core.mail import deliver_due


class Command(BaseCommand):
    help = "Send the queued emails whose next attempt is due."

    def handle(self, *args: Any, **options: Any) -> None:
        tried = deliver_due()
        self.stdout.write(f"Tried {tried} email{'s' * (tried != 1)}.")
