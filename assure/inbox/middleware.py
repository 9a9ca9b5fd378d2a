"""The header's count of unread notifications, at no cost in queries.

Every signed-in page already reads the person's roles once (`User.role_slugs`, for the
access policy and the navigation). This middleware reads them in the same query as the
unread count, so the count in the header adds no query to any page: the query counts that
pages pin stay what they were. It must run after authentication and before anything asks
about roles (the second-factor check)."""

from collections.abc import Callable
from typing import Any

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.utils.functional import LazyObject, empty

API_PREFIX = "/api/"


def _unwrap(obj: Any) -> Any:
    """The real user behind the lazy wrappers of the auth and OTP middleware."""
    while isinstance(obj, LazyObject):
        if obj._wrapped is empty:
            obj._setup()
        obj = obj._wrapped
    return obj


def load_roles_and_unread(*, user: Any) -> int | None:
    """Set `user.role_slugs` and return the unread count, in one query (None when the
    person holds no role, and so the query returned no row)."""
    from assure.people.models import UserRole

    from .models import Notification

    unread = (
        Notification.objects.filter(user_id=OuterRef("user_id"), read_at__isnull=True)
        .order_by()
        .values("user_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = list(
        UserRole.objects.filter(user_id=user.pk)
        .annotate(unread=Coalesce(Subquery(unread), 0))
        .values_list("role", "unread")
    )
    user.__dict__["role_slugs"] = frozenset(role for role, _ in rows)
    return rows[0][1] if rows else None


class UnreadCountMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        # The API has no header to show a count in, and names its caller by token, not by
        # the session: reading the session's person there would be a query for nothing.
        if request.path.startswith(API_PREFIX):
            return self.get_response(request)
        if user is not None and user.is_authenticated:
            real = _unwrap(user)
            if "role_slugs" not in real.__dict__:
                count = load_roles_and_unread(user=real)
                if count is not None:
                    request._unread_notifications = count  # type: ignore[attr-defined]
        return self.get_response(request)
