"""Families: the list, a family's page with its chronology, creating a family and linking
children. Thin: parse, call one selector or service, render."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render

from assure.core import access
from assure.core.models import AccessEvent

from . import exports, review_selectors, selectors, services
from .forms import ChronologyFilterForm, FamilyCreateForm, LinkChildForm

PAGE_SIZE = 25


def _require(request: HttpRequest, action: str) -> None:
    if not access.can(request.user, action):
        raise PermissionDenied


def family_list(request: HttpRequest) -> HttpResponse:
    _require(request, "view_children")
    search = request.GET.get("q", "")[:100]
    families = selectors.families_for(user=request.user, search=search)
    page = Paginator(families, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "families/list.html",
        {
            "page": page,
            "search": search,
            "query": urlencode({"q": search}) if search else "",
            "may_manage": access.can(request.user, "manage_families"),
        },
    )


def family_detail(request: HttpRequest, family_id: str) -> HttpResponse:
    _require(request, "view_children")
    family, members = selectors.family_get_for_user(user=request.user, family_id=family_id)
    children = selectors.children_of(members)
    selectors.family_record_access(
        user=request.user,
        family=family,
        children=children,
        via=AccessEvent.Via.PAGE,
        where=request.path,
    )
    form = ChronologyFilterForm(request.GET or None, children=children, user=request.user)
    filters = form.to_filter() if request.GET else selectors.ChronologyFilter()
    events = selectors.family_chronology(children=children, user=request.user, filters=filters)
    return render(
        request,
        "families/detail.html",
        {
            "family": family,
            "members": members,
            "form": form,
            "events": events,
            "carers": selectors.family_carers(children=children),
            "filtered": filters != selectors.ChronologyFilter(),
            # From the filters as understood, never the raw query: a child the user may not
            # see must not come back in a link.
            "download_query": _filter_query(filters),
            "may_manage": access.can(request.user, "manage_families"),
            "may_see_audits": access.can(request.user, "view_audits"),
            "may_start_review": access.can(request.user, "start_practice_review"),
            "reviews": review_selectors.reviews_for_family(user=request.user, family=family),
        },
    )


def _filter_query(filters: selectors.ChronologyFilter) -> str:
    pairs: list[tuple[str, str]] = [("child", filters.child_id)] if filters.child_id else []
    pairs += [("kind", kind) for kind in filters.kinds]
    pairs += [
        (name, day.isoformat())
        for name, day in (("date_from", filters.date_from), ("date_to", filters.date_to))
        if day
    ]
    return urlencode(pairs)


def family_chronology_csv(request: HttpRequest, family_id: str) -> StreamingHttpResponse:
    """The chronology the page shows, with the same filters, as a CSV download; logged as an
    export of each child whose events it holds."""
    _require(request, "view_children")
    family, members = selectors.family_get_for_user(user=request.user, family_id=family_id)
    children = selectors.children_of(members)
    form = ChronologyFilterForm(request.GET or None, children=children, user=request.user)
    filters = form.to_filter() if request.GET else selectors.ChronologyFilter()
    events = selectors.family_chronology(children=children, user=request.user, filters=filters)
    access.record_export(
        user=request.user,
        where=request.get_full_path(),
        child_pks=exports.logged_children(events),
        detail={"export": "family_chronology", "family_id": family.family_id, "rows": len(events)},
    )
    response = StreamingHttpResponse(
        exports.chronology_csv_lines(events), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(family.family_id)}"'
    return response


def family_create(request: HttpRequest) -> HttpResponse:
    _require(request, "manage_families")
    initial = {"child": request.GET.get("child", "")[:50]}
    form = FamilyCreateForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            family = services.family_create(
                family_id=form.cleaned_data["family_id"],
                name=form.cleaned_data["name"],
                child=form.cleaned_data["child"],
                relationship=form.cleaned_data["relationship"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error("family_id", error)
        else:
            messages.success(request, f"Family {family.family_id} created.")
            return redirect("families:detail", family_id=family.family_id)
    return render(request, "families/create.html", {"form": form})


def family_children(request: HttpRequest, family_id: str) -> HttpResponse:
    """Link a child to the family, or unlink one the user can see."""
    _require(request, "manage_families")
    family, members = selectors.family_get_for_user(user=request.user, family_id=family_id)
    action = request.POST.get("action", "")
    form = LinkChildForm(request.POST if action == "link" else None, user=request.user)
    if request.method == "POST":
        done = _apply(request, family=family, members=members, action=action, form=form)
        if done:
            messages.success(request, done)
            if action == "unlink" and len(members) == 1:
                return redirect("families:list")
            return redirect("families:children", family_id=family.family_id)
    return render(
        request, "families/children.html", {"family": family, "members": members, "form": form}
    )


def _apply(request, *, family, members, action, form) -> str:  # type: ignore[no-untyped-def]
    try:
        if action == "link" and form.is_valid():
            child = form.cleaned_data["child"]
            services.family_link_child(
                family=family,
                child=child,
                relationship=form.cleaned_data["relationship"],
                actor=request.user,
            )
            return f"{child.display_name} is linked to the family."
        if action == "unlink":
            # Only a child already shown on this page may be unlinked.
            member = next(
                (m for m in members if m.child.child_id == request.POST.get("child")), None
            )
            if member is not None:
                services.family_unlink_child(family=family, child=member.child, actor=request.user)
                return f"{member.child.display_name} is no longer linked to the family."
    except ValidationError as error:
        form.add_error("child", error)
    return ""
