"""The daily digest email: for each person who has not turned it off, what is waiting for
them (their home page's work list) and how many notifications are new, queued as an email
row (core.mail) for the task worker to send.

Names stay in Assure: the email carries each child's ID, as every other email Assure sends
does, and the path of the page where the work is done. A day with nothing new (the same
work as the last digest and no new notification) sends nothing, and nobody gets two
digests on one day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from assure.core import clock, mail

from .models import DigestSetting, Notification
from .selectors import InboxItem, inbox_for, is_overdue

REASON = "daily_digest"


@dataclass(frozen=True)
class DigestRun:
    sent: int
    skipped: int


def _line(item: InboxItem, today: dt.date) -> str:
    about = f" for child {item.child_id}" if item.child_id else ""
    due = ""
    if item.due_date:
        due = f", due {item.due_date:%-d %B %Y}" + (" (overdue)" if is_overdue(item, today) else "")
    return f"- {item.kind_label}{about}{due}: {item.url}"


def digest_body(*, items: list[InboxItem], new_notifications: int, today: dt.date) -> str:
    lines = []
    if items:
        overdue = sum(is_overdue(item, today) for item in items)
        lines.append(
            f"{len(items)} thing{'' if len(items) == 1 else 's'} waiting for you in Assure"
            + (f", {overdue} overdue" if overdue else "")
            + ", most urgent first:"
        )
        lines += ["", *(_line(item, today) for item in items), ""]
    else:
        lines += ["Nothing is waiting for you in Assure today.", ""]
    if new_notifications:
        lines.append(
            f"{new_notifications} new notification{'' if new_notifications == 1 else 's'}: "
            "/notifications/"
        )
        lines.append("")
    lines.append(
        "Children's names are not in this email: sign in to Assure to see who each is. "
        "To stop this daily email, untick 'Send me the daily email' on /notifications/."
    )
    return "\n".join(lines)


def digest_send(*, user: Any, today: dt.date | None = None) -> bool:
    """Queue today's digest for one person, if they want it and something is new. True
    when one was queued."""
    today = today or clock.today()
    if not user.is_active or not user.email:
        return False
    with transaction.atomic():
        setting, _ = DigestSetting.objects.select_for_update().get_or_create(user=user)
        if not setting.daily_digest or setting.last_sent_on == today:
            return False
        items = inbox_for(user=user)
        keys = sorted(item.key or item.url for item in items)
        since = setting.last_sent_on
        new = Notification.objects.filter(user=user, read_at__isnull=True)
        if since is not None:
            new = new.filter(created_at__date__gt=since)
        new_count = new.count()
        if new_count == 0 and (not items or keys == setting.last_items):
            return False
        count = len(items)
        subject = (
            f"Assure: {count} thing{'' if count == 1 else 's'} waiting for you"
            if count
            else f"Assure: {new_count} new notification{'' if new_count == 1 else 's'}"
        )
        mail.email_queue(
            to=[user.email],
            subject=subject,
            body=digest_body(items=items, new_notifications=new_count, today=today),
            reason=REASON,
        )
        setting.last_sent_on = today
        setting.last_items = keys
        setting.save(update_fields=["last_sent_on", "last_items"])
    return True


def digests_send(*, today: dt.date | None = None) -> DigestRun:
    """Today's digest for everyone who wants one (the task `send_daily_digests`)."""
    from assure.people.models import User

    today = today or clock.today()
    people = User.objects.filter(is_active=True).exclude(email="").order_by("pk")
    people = people.exclude(digest_setting__daily_digest=False)
    sent = skipped = 0
    for user in people.iterator():
        if digest_send(user=user, today=today):
            sent += 1
        else:
            skipped += 1
    return DigestRun(sent=sent, skipped=skipped)
