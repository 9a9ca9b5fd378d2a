"""My work's pages: notifications (read and unread, the daily digest choice) and the
header's search. Thin: each parses input, calls one service or selector and renders. The
home page's work list is `core.views.home` with `selectors.inbox_for`."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from assure.core.models import AccessEvent

from . import search as search_selectors
from . import selectors, services

PER_PAGE = 50


def notifications(request: HttpRequest) -> HttpResponse:
    if request.GET.get("open"):
        return _open(request, request.GET["open"])
    page = Paginator(selectors.notifications_for(user=request.user), PER_PAGE).get_page(
        request.GET.get("page") or 1
    )
    return render(
        request,
        "inbox/notifications.html",
        {
            "page": page,
            "unread": selectors.unread_count(user=request.user),
            "daily_digest": selectors.digest_wanted(user=request.user),
        },
    )


def _open(request: HttpRequest, pk: str) -> HttpResponse:
    """Follow a notification's link (`?open=<id>`): it is read once opened, as opening an
    email marks it read. The GET changes only the person's own notice."""
    notification = services.notification_mark_read(user=request.user, pk=pk)
    if notification.url.startswith("/") and not notification.url.startswith("//"):
        return redirect(notification.url)
    return redirect("inbox:notifications")


def _back(request: HttpRequest) -> HttpResponse:
    """Back where the form was (the notifications page, or the page a notification opened
    from), never to another site."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("inbox:notifications")


@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    services.notification_mark_read(user=request.user, pk=pk)
    return _back(request)


@require_POST
def notification_unread(request: HttpRequest, pk: int) -> HttpResponse:
    services.notification_mark_unread(user=request.user, pk=pk)
    return _back(request)


@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    marked = services.notifications_mark_all_read(user=request.user)
    messages.success(request, f"{marked} notification{'' if marked == 1 else 's'} marked as read.")
    return redirect("inbox:notifications")


@require_POST
def digest(request: HttpRequest) -> HttpResponse:
    wanted = request.POST.get("daily_digest") == "on"
    services.digest_setting_set(user=request.user, daily_digest=wanted)
    messages.success(
        request,
        "You will get a daily email of what is waiting for you."
        if wanted
        else "You will not get the daily email.",
    )
    return redirect("inbox:notifications")


def search(request: HttpRequest) -> HttpResponse:
    term = (request.GET.get("q") or "").strip()[: search_selectors.MAX_TERM]
    results = search_selectors.search_for(
        user=request.user, term=term, via=AccessEvent.Via.PAGE, where=request.path
    )
    return render(request, "inbox/search.html", {"term": term, "results": results})
