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
