"""Mail as rows: every email Assure sends is an `Email` row, queued by the action that wants
it and sent by the task worker after that action commits, with retries. A mail server that is
down never breaks the action: the row waits, is tried again with growing gaps, and after the
last try is shown as failed to the assurance lead and the administrator.

- `email_queue` (in a service's transaction): the row, and its delivery once committed;
- `deliver` (the task `deliver_email`, and `assure send-email`): one attempt;
- `deliver_due` (`assure send-email`, from the scheduler): every queued email whose next
  attempt is due, for deployments whose task backend cannot defer a retry.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from . import clock
from .models import Email

logger = logging.getLogger(__name__)

ATTEMPTS = 6  # then failed: about eight hours of trying with the gaps below
FIRST_GAP = dt.timedelta(minutes=5)


def email_queue(
    *, to: Iterable[str], subject: str, body: str, reason: str, child: Any = None
) -> Email | None:
    """Queue an email to the addresses given (blank ones left out); None when there are
    none. Delivery starts once the caller's transaction commits."""
    addresses = sorted({a.strip() for a in to if a and a.strip()})
    if not addresses:
        return None
    now = clock.now()
    email = Email.objects.create(
        to=addresses,
        subject=subject[:200],
        body=body,
        reason=reason,
        child=child,
        created_at=now,
        next_attempt_at=now,
    )
    transaction.on_commit(lambda: _enqueue(email.pk))
    return email


def _enqueue(pk: int, run_after: dt.datetime | None = None) -> None:
    from .tasks import deliver_email

    task = deliver_email
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # `assure send-email` picks it up when it is due
        task = task.using(run_after=run_after)
    try:
        task.enqueue(pk)
    except Exception:  # the queue itself is down: the row waits for `assure send-email`
        logger.exception("Could not queue email %s for delivery", pk)


def gap_after(attempts: int) -> dt.timedelta:
    """5, 10, 20, 40, 80 minutes ... between tries."""
    return FIRST_GAP * (2 ** max(attempts - 1, 0))


def deliver(pk: int) -> Email | None:
    """One attempt to send a queued email; a failure schedules the next, or gives up."""
    with transaction.atomic():
        email = Email.objects.select_for_update().filter(pk=pk).first()
        if email is None or email.status != Email.Status.QUEUED:
            return email
        if email.next_attempt_at > clock.now():
            return email  # an earlier try's task, overtaken by `assure send-email`
        email.attempts += 1
        try:
            send_mail(
                subject=email.subject,
                message=email.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=email.to,
            )
        except Exception as error:  # the mail server's refusal, whatever its kind
            email.last_error = f"{type(error).__name__}: {error}"[:500]
            if email.attempts >= ATTEMPTS:
                email.status = Email.Status.FAILED
            else:
                email.next_attempt_at = clock.now() + gap_after(email.attempts)
            email.save()
            logger.warning("Email %s not sent (attempt %s): %s", pk, email.attempts, error)
            if email.status == Email.Status.QUEUED:
                retry_at = email.next_attempt_at
                transaction.on_commit(lambda: _enqueue(pk, run_after=retry_at))
            return email
        email.status, email.sent_at, email.last_error = Email.Status.SENT, clock.now(), ""
        email.save()
        return email


def deliver_due() -> int:
    """Try every queued email whose next attempt is due; returns how many were tried."""
    due = list(
        Email.objects.filter(status=Email.Status.QUEUED, next_attempt_at__lte=clock.now())
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)
    )
    for pk in due:
        deliver(pk)
    return len(due)


def email_retry(*, email: Email, actor: Any) -> Email:
    """Queue a failed email again (the assurance lead or the administrator, once the mail
    server is mended)."""
    from . import events

    with transaction.atomic():
        email.status, email.attempts, email.next_attempt_at = (
            Email.Status.QUEUED,
            0,
            clock.now(),
        )
        email.save(update_fields=["status", "attempts", "next_attempt_at"])
        events.record(
            actor=actor, verb="email_retried", obj=email, summary=f"Email {email.pk} queued again"
        )
        transaction.on_commit(lambda: _enqueue(email.pk))
    return email
