"""Every write about notifications and the daily digest setting.

Notifications are written by `rules.py` through `notifications_apply`, inside the
transaction of the service whose domain event they follow. Marking them read and turning the
digest off or on are a person's own changes to their own notifications; turning the digest
off or on records a domain event (it changes what Assure sends them)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.http import Http404

from assure.core import clock, events

from .models import DigestSetting, Notification


def notifications_apply(
    *, event: Any, notes: Iterable[Any], settled: Iterable[str], actor_id: int | None
) -> int:
    """Mark read every unread notification about work now settled (for everyone), then
    write the new ones: one each per person, never to the person who did it, never to a
    deactivated account. Returns how many were written."""
    now = clock.now()
    settled = [key for key in settled if key]
    if settled:
        Notification.objects.filter(key__in=settled, read_at__isnull=True).update(read_at=now)
    rows: dict[tuple[int, str], Notification] = {}
    for note in notes:
        user = note.user
        if user is None or user.pk == actor_id or not user.is_active:
            continue
        rows.setdefault(
            (user.pk, note.title),
            Notification(
                user=user,
                kind=note.kind,
                title=note.title[:300],
                url=note.url[:300],
                child=note.child,
                key=note.key,
                created_at=now,
            ),
        )
    Notification.objects.bulk_create(rows.values())
    return len(rows)


def _own(*, user: Any, pk: Any) -> Notification:
    notification = (
        Notification.objects.filter(user=user, pk=pk).first() if str(pk).isdigit() else None
    )
    if notification is None:
        raise Http404("No such notification")
    return notification


def notification_mark_read(*, user: Any, pk: Any) -> Notification:
    """Mark one of this person's notifications read (another's is a 404, as if it did not
    exist)."""
    notification = _own(user=user, pk=pk)
    if notification.read_at is None:
        notification.read_at = clock.now()
        notification.save(update_fields=["read_at"])
    return notification


def notification_mark_unread(*, user: Any, pk: Any) -> Notification:
    notification = _own(user=user, pk=pk)
    if notification.read_at is not None:
        notification.read_at = None
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=clock.now())


@transaction.atomic
def digest_setting_set(*, user: Any, daily_digest: bool) -> DigestSetting:
    """Turn this person's daily digest email on or off."""
    setting, _ = DigestSetting.objects.select_for_update().get_or_create(user=user)
    if setting.daily_digest != daily_digest:
        setting.daily_digest = daily_digest
        setting.save(update_fields=["daily_digest"])
        events.record(
            actor=user,
            verb="digest_turned_on" if daily_digest else "digest_turned_off",
            obj=setting,
            summary=f"Daily digest email turned {'on' if daily_digest else 'off'}",
        )
    return setting
