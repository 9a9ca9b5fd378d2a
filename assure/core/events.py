"""Recording domain events. Services call `record` inside their own transaction."""

from typing import Any

from django.db import models

from . import clock
from .models import DomainEvent


def record(
    *,
    actor: Any,
    verb: str,
    obj: models.Model,
    child: Any = None,
    summary: str = "",
    data: dict[str, Any] | None = None,
) -> DomainEvent:
    """Write one domain event. `actor` is None for the system (imports by command, seeding)."""
    return DomainEvent.objects.create(
        at=clock.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        verb=verb,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        child=child,
        summary=summary[:300],
        data=data or {},
    )
