"""The task worker's part of My work: the daily digest emails (queued by
`assure send-digests`, run once a day from the scheduler)."""

from django_tasks import task


@task()
def send_daily_digests() -> dict[str, int]:
    from .digest import digests_send

    run = digests_send()
    return {"sent": run.sent, "skipped": run.skipped}
