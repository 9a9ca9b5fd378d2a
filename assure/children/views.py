"""The children list and a child's page."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from assure.core import access
from assure.core.models import AccessEvent

from . import selectors
from .forms import ChildListFilter

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
    options = selectors.filter_options_for(user=request.user)
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


def child_detail(request: HttpRequest, child_id: str) -> HttpResponse:
    child = selectors.child_get_for_user(
        user=request.user, child_id=child_id, via=AccessEvent.Via.PAGE, where=request.path
    )
    return render(request, "children/detail.html", {"record": selectors.child_record(child=child)})
