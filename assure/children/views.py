"""The children list and a child's page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from assure.core import access
from assure.core.models import AccessEvent
from assure.people.models import User

from . import selectors, services
from .forms import ChildListFilter, GrantAccessForm, RestrictionForm

PAGE_SIZE = 25
SORT_COLUMNS = [
    ("child_id", "Child ID"),
    ("name", "Name"),
    ("date_of_birth", "Date of birth"),
    ("team", "Team and worker"),
    ("legal_status", "Legal status"),
    ("period_start", "Episode start"),
]


def child_list(request: HttpRequest) -> HttpResponse:
    if not access.can(request.user, "view_children"):
        raise PermissionDenied
    options = selectors.filter_options_for(
        user=request.user, team_id=_int_or_none(request.GET.get("team"))
    )
    form = ChildListFilter(request.GET or None, options=options)
    values = form.clean_values() if request.GET else {}
    children = selectors.children_for(
        user=request.user,
        search=values.get("q") or "",
        team_id=values.get("team"),
        worker_id=values.get("worker"),
        legal_status=values.get("legal_status") or "",
        placement_type=values.get("placement_type") or "",
        care_status=values.get("care_status") or "",
        sort=values.get("sort") or "child_id",
        descending=values.get("order") == "desc",
    )
    page = Paginator(children, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    base_query = query.copy()
    base_query.pop("sort", None)
    base_query.pop("order", None)
    selected = [
        (form.fields[name].label, dict(form.fields[name].choices).get(values[name], values[name]))
        for name in ("team", "worker", "legal_status", "placement_type", "care_status")
        if values.get(name)
    ]
    return render(
        request,
        "children/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "base_query": base_query.urlencode(),
            "sort_columns": SORT_COLUMNS,
            "sort": values.get("sort") or "child_id",
            "order": values.get("order") or "asc",
            "selected_filters": selected,
            "search": values.get("q") or "",
        },
    )


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 18 else None


def child_detail(request: HttpRequest, child_id: str) -> HttpResponse:
    child = selectors.child_get_for_user(
        user=request.user, child_id=child_id, via=AccessEvent.Via.PAGE, where=request.path
    )
    return render(
        request,
        "children/detail.html",
        {
            "record": selectors.child_record(child=child),
            "history": selectors.child_history(child=child),
            "may_manage_access": access.can(request.user, "manage_child_access"),
        },
    )


def child_access(request: HttpRequest, child_id: str) -> HttpResponse:
    """The assurance lead restricts a record and keeps its access list."""
    if not access.can(request.user, "manage_child_access"):
        raise PermissionDenied
    child = selectors.child_get_for_user(
        user=request.user, child_id=child_id, via=AccessEvent.Via.PAGE, where=request.path
    )
    action = request.POST.get("action", "")
    restriction = RestrictionForm(request.POST if action == "restriction" else None)
    grant = GrantAccessForm(request.POST if action == "grant" else None, prefix="grant")
    if request.method == "POST":
        done = _apply_access_action(
            request, child=child, action=action, restriction=restriction, grant=grant
        )
        if done:
            messages.success(request, done)
            return redirect("children:access", child_id=child.child_id)
    return render(
        request,
        "children/access.html",
        {
            "child": child,
            "grants": selectors.access_list_for(child=child),
            "restriction": restriction,
            "grant": grant,
        },
    )


def _apply_access_action(request, *, child, action, restriction, grant) -> str:  # type: ignore[no-untyped-def]
    """Run one access-list action; the message to show, or "" when the form has errors."""
    try:
        if action == "restriction" and restriction.is_valid():
            services.child_restrict(
                child=child,
                restricted=not child.restricted,
                reason=restriction.cleaned_data["reason"],
                actor=request.user,
            )
            return "The record is restricted." if child.restricted else "The restriction is lifted."
        if action == "grant" and grant.is_valid():
            user = grant.cleaned_data["username"]
            services.child_access_grant(
                child=child, user=user, reason=grant.cleaned_data["reason"], actor=request.user
            )
            return f"{user.display_name} is on the access list."
        if action == "revoke":
            user = (
                User.objects.filter(pk=request.POST.get("user", "")).first()
                if request.POST.get("user", "").isdigit()
                else None
            )
            if user is not None:
                services.child_access_revoke(child=child, user=user, actor=request.user)
                return f"{user.display_name} is no longer on the access list."
    except ValidationError as error:
        (restriction if action == "restriction" else grant).add_error(None, error)
    return ""
