"""Notifications (a message in the product for one person, read or unread) and each
person's choice about the daily digest email.

No workflow logic here: notifications are written by `rules.py` from the domain events the
services record, and read or marked read through `selectors.py` and `services.py`.
"""

from django.conf import settings
from django.db import models


class Notification(models.Model):
    """Something that happened that concerns one person: a proposal now waiting for their
    decision, their proposal decided, an escalation about a child of their team, an audit or
    an action given to them, a child on their panel's agenda, an automatic import refused."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40, help_text="What it is about, e.g. proposal_decision.")
    title = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True, help_text="Where to see it in Assure.")
    child = models.ForeignKey(
        "children.Child",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The child it is about, if any (its title names them).",
    )
    key = models.CharField(
        max_length=80,
        blank=True,
        help_text="The piece of work it is about (proposal:12:decide), so that it is marked "
        "read for everyone once the work is done or moves on.",
    )
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["user", "-created_at"], name="notification_user_idx"),
            models.Index(fields=["key"], name="notification_key_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class DigestSetting(models.Model):
    """A person's daily digest: whether they want it (they do until they turn it off), and
    what the last one held, so that a day with nothing new sends nothing."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_setting"
    )
    daily_digest = models.BooleanField(default=True)
    last_sent_on = models.DateField(null=True, blank=True)
    last_items = models.JSONField(
        default=list, blank=True, help_text="The keys of what the last digest held."
    )

    def __str__(self) -> str:
        return f"Digest for {self.user_id}: {'on' if self.daily_digest else 'off'}"
