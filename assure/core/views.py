"""The home page, the access report, static information pages and error pages."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from . import access, mail, selectors
from .filters import AccessReportFilter
from .models import Email


def home(request: HttpRequest) -> HttpResponse:
    """Each person's home is their work list (assure.inbox), most urgent first, beside the
    count of children they may see."""
    from assure.governance.selectors import proposals_waiting_for
    from assure.inbox.selectors import inbox_for, is_overdue

    summary = selectors.home_summary(user=request.user)
    work = inbox_for(user=request.user)
    today = summary["today"]
    return render(
        request,
        "core/home.html",
        {
            **summary,
            "work": work,
            "overdue": sum(is_overdue(i, today) for i in work),
            # Not inbox items: the inbox API's kinds are fixed, and few people hold this work.
            "deletions_waiting": proposals_waiting_for(user=request.user),
        },
    )


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


def email_deliveries(request: HttpRequest) -> HttpResponse:
    """Emails not sent yet or given up on (the assurance lead and the administrator), with
    a way to queue a failed one again once the mail server is mended."""
    if not access.can(request.user, "view_email_deliveries"):
        raise PermissionDenied
    if request.method == "POST":
        email = get_object_or_404(Email, pk=request.POST.get("email") or 0, status="failed")
        mail.email_retry(email=email, actor=request.user)
        messages.success(request, "The email is queued again.")
        return redirect("core:email_deliveries")
    return render(
        request,
        "core/email_deliveries.html",
        {
            **selectors.email_deliveries(),
            "shows_subjects": access.can(request.user, "view_children"),
        },
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
