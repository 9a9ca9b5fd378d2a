"""The header's count of unread notifications."""

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: Any) -> int:
    """Unread notifications of the person signed in (one query, once per request)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    if not hasattr(request, "_unread_notifications"):
        from assure.inbox.selectors import unread_count

        request._unread_notifications = unread_count(user=user)
    return request._unread_notifications
