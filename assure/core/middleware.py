"""Cross-cutting request handling: sign-in everywhere, the second factor, no caching."""

import json
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

API_PREFIX = "/api/"


class LoginRequiredEverywhereMiddleware(LoginRequiredMiddleware):
    """Every page needs a signed-in user unless its view says `login_not_required`. The API
    answers 401 itself (bearer tokens), so it is left to its own authentication."""

    # Single sign-on starts and returns here before anyone is signed in.
    OPEN_NAMES = frozenset({"oidc_authentication_init", "oidc_authentication_callback"})

    def process_view(self, request, view_func, view_args, view_kwargs):  # type: ignore[override]
        if request.path.startswith(API_PREFIX):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in self.OPEN_NAMES:
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)

    def handle_no_permission(self, request, view_func):  # type: ignore[no-untyped-def]
        """A session cookie without a live session means the session ran out (signing out
        deletes the cookie), so the sign-in page says why the person has to sign in again."""
        login_url = reverse(settings.LOGIN_URL)
        if request.COOKIES.get(settings.SESSION_COOKIE_NAME):
            login_url += "?timeout=1"
        return redirect_to_login(
            request.get_full_path(), login_url, self.get_redirect_field_name(view_func)
        )


class SecondFactorMiddleware:
    """An administrator, and anyone who has set up an authenticator app, must confirm a
    one-time code after their password before they reach any page."""

    EXEMPT_NAMES = frozenset(
        {
            "people:two_factor",
            "people:two_factor_setup",
            "people:logout",
            "core:privacy",
            "core:accessibility",
        }
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
        from assure.people.selectors import (
            signed_in_with_sso,
            user_has_confirmed_device,
            user_needs_second_factor,
        )

        if not user_needs_second_factor(
            user=user, via_sso=signed_in_with_sso(session=request.session)
        ):
            return None
        target = (
            "people:two_factor"
            if user_has_confirmed_device(user=user)
            else "people:two_factor_setup"
        )
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


class NoStoreMiddleware:
    """Pages about children must not sit in a browser's or a proxy's cache."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/static/"):
            response.setdefault("Cache-Control", "no-store")
        return response


class CleanInputMiddleware:
    """One place, before any view or API route, that refuses input the databases cannot
    store: a NUL character (PostgreSQL refuses it in text) anywhere in the path, the query
    string, a form field's name or value, or a JSON body's keys and strings. The answer is
    400 with a message (JSON for the API), never a server error further in. Uploaded files
    are not read here: their importers check them."""

    MESSAGE = "The request holds a character that cannot be stored (NUL). Remove it and try again."

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _holds_nul(request):
            return self._refuse(request)
        return self.get_response(request)

    def _refuse(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(API_PREFIX):
            return JsonResponse({"detail": self.MESSAGE}, status=400)
        from django.shortcuts import render

        try:
            return render(request, "400.html", {"message": self.MESSAGE}, status=400)
        except Exception:  # a page that cannot render for this request: plain text
            return HttpResponse(self.MESSAGE, status=400, content_type="text/plain")


def _holds_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path_info or "%00" in request.META.get("QUERY_STRING", "").lower():
        return True
    if any(_has_nul(k) or any(_has_nul(v) for v in vs) for k, vs in request.GET.lists()):
        return True
    if request.method in ("POST", "PUT", "PATCH"):
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith("application/json"):
            return _json_holds_nul(request.body)
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            return any(
                _has_nul(k) or any(_has_nul(v) for v in vs) for k, vs in request.POST.lists()
            )
    return False


def _has_nul(value: object) -> bool:
    return isinstance(value, str) and "\x00" in value


def _json_holds_nul(body: bytes) -> bool:
    if b"\x00" in body:
        return True
    if b"\\u0000" not in body.lower():
        return False
    try:
        data = json.loads(body)
    except ValueError:
        return False  # not JSON: the route's own parsing answers 422
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str) and "\x00" in item:
            return True
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False
