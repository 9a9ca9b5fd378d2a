"""The home page, the access report, static information pages and error pages."""

import datetime as dt

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import access, selectors
from .filters import AccessReportFilter


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", selectors.home_summary(user=request.user))


def access_report(request: HttpRequest) -> HttpResponse:
    """Who looked at which child, and what each user looked at (assurance lead only)."""
    if not access.can(request.user, "view_access_report"):
        raise PermissionDenied
    form = AccessReportFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = selectors.access_events_page(
        child_id=filters.get("child") or "",
        username=filters.get("user") or "",
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
        page_number=request.GET.get("page") or 1,
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "core/access_report.html", {"form": form, "page": page, "query": query.urlencode()}
    )


@login_not_required
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


@login_not_required
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


@login_not_required
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "core/csrf_failure.html", status=403)


@login_not_required
def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


@login_not_required
def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


@login_not_required
def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


@login_not_required
def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def parse_iso_date(value: str | None) -> dt.date | None:
    """A date from a query string, or None when it is missing or not a real date."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None
