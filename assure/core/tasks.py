"""The task worker's part of core: sending queued email (core.mail)."""

from django_tasks import task


@task()
def deliver_email(email_id: int) -> None:
    from .mail import deliver

    deliver(email_id)
