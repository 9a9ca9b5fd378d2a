"""Access events (who looked at which child) and domain events (who did what)."""

from django.conf import settings
from django.db import models


class AccessEvent(models.Model):
    """One read of a child's record, or one export that held children (ARCHITECTURE rule 2)."""

    class Via(models.TextChoices):
        PAGE = "page", "Page"
        API = "api", "API"
        EXPORT = "export", "Export"

    at = models.DateTimeField(db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_events"
    )
    child = models.ForeignKey(
        "children.Child",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="access_events",
    )
    via = models.CharField(max_length=10, choices=Via.choices)
    where = models.CharField(max_length=300, help_text="The page, API route or export.")
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["child", "-at"], name="access_child_idx"),
            models.Index(fields=["user", "-at"], name="access_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} read {self.child} via {self.via} at {self.at:%Y-%m-%d %H:%M}"


class DomainEvent(models.Model):
    """A thing someone did, recorded by the service that did it (ARCHITECTURE rule 3)."""

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="domain_events",
    )
    verb = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=80)
    child = models.ForeignKey(
        "children.Child",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="domain_events",
    )
    summary = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["child", "-at"], name="event_child_idx")]

    def __str__(self) -> str:
        return f"{self.verb} {self.object_type} {self.object_id}"


class Email(models.Model):
    """One email, kept as a row and sent by the task worker after the action that asked for
    it has committed, and retried until it goes: a mail server that is down never breaks the
    action (an escalation is raised whether or not the email can go yet)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    to = models.JSONField(help_text="The addresses.")
    subject = models.CharField(max_length=200)
    body = models.TextField()
    reason = models.CharField(max_length=60, help_text="What asked for it, e.g. escalation.")
    child = models.ForeignKey(
        "children.Child", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="email_due_idx")]

    def __str__(self) -> str:
        return f"{self.reason} email to {len(self.to)} ({self.status})"
