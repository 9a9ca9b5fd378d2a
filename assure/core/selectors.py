"""Reads for the home page and the access report."""

import datetime as dt
from typing import Any

from django.core.paginator import Page, Paginator

from . import access, clock
from .models import AccessEvent


def home_summary(*, user: Any) -> dict[str, Any]:
    """What the home page shows: the count of children this user may see, and their role
    names."""
    from assure.children.selectors import child_counts_for

    summary: dict[str, Any] = {"today": clock.today()}
    if access.can(user, "view_children"):
        summary["counts"] = child_counts_for(user=user)
    if access.can(user, "view_email_deliveries"):
        from .models import Email

        summary["emails_failed"] = Email.objects.filter(status=Email.Status.FAILED).count()
    return summary


def access_events_page(
    *,
    child_id: str = "",
    username: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    page_number: Any = 1,
    per_page: int = 50,
) -> Page:
    events = AccessEvent.objects.select_related("user", "child")
    if child_id:
        events = events.filter(child__child_id=child_id)
    if username:
        events = events.filter(user__username__iexact=username)
    if date_from:
        events = events.filter(at__date__gte=date_from)
    if date_to:
        events = events.filter(at__date__lte=date_to)
    return Paginator(events.order_by("-at", "-id"), per_page).get_page(page_number)


def email_deliveries(*, limit: int = 200) -> dict[str, Any]:
    """Emails not sent: those given up on, and those still waiting for their next try."""
    from .models import Email

    return {
        "failed": list(Email.objects.filter(status=Email.Status.FAILED)[:limit]),
        "waiting": list(
            Email.objects.filter(status=Email.Status.QUEUED).order_by("next_attempt_at")[:limit]
        ),
        "failed_count": Email.objects.filter(status=Email.Status.FAILED).count(),
    }
