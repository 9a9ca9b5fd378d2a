"""Cross-cutting request handling: sign-in everywhere, the second factor, no caching."""

from collections.abc import Callable

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

API_PREFIX = "/api/"


class LoginRequiredEverywhereMiddleware(LoginRequiredMiddleware):
    """Every page needs a signed-in user unless its view says `login_not_required`. The API
    answers 401 itself (bearer tokens), so it is left to its own authentication."""

    def process_view(self, request, view_func, view_args, view_kwargs):  # type: ignore[override]
        if request.path.startswith(API_PREFIX):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class SecondFactorMiddleware:
    """An administrator, and anyone who has set up an authenticator app, must confirm a
    one-time code after their password before they reach any page."""

    EXEMPT_NAMES = frozenset(
        {"people:two_factor", "people:two_factor_setup", "people:logout", "core:privacy",
         "core:accessibility"}
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):  # type: ignore[no-untyped-def]
        user = getattr(request, "user", None)
        if not user or not user.is_authenticated or request.path.startswith(API_PREFIX):
            return None
        if request.resolver_match and request.resolver_match.view_name in self.EXEMPT_NAMES:
            return None
        if request.path.startswith("/static/"):
            return None
        if user.is_verified():
            return None
        from assure.people.selectors import user_needs_second_factor, user_has_confirmed_device

        if not user_needs_second_factor(
            user=user, via_sso=request.session.get("signed_in_with_sso", False)
        ):
            return None
        target = "people:two_factor" if user_has_confirmed_device(user=user) else "people:two_factor_setup"
        return redirect(f"{reverse(target)}?next={request.get_full_path()}")


class NoStoreMiddleware:
    """Pages about children must not sit in a browser's or a proxy's cache."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/static/"):
            response.setdefault("Cache-Control", "no-store")
        return response
