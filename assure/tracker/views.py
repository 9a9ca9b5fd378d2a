"""The tracker page, its exports, saved views and the rules page. Thin: parse the query,
call the selectors or one service, render."""

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse

from assure.children.selectors import filter_options_for
from assure.core import access, clock

from . import columns, exports, rules, selectors, services
from .forms import FILTER_NAMES, RuleSetForm, SavedViewForm, TrackerFilter, row_filter_of
from .models import RuleSet, SavedView

PAGE_SIZE = 50
# Views many people want; anyone can save their own version of them.
SUGGESTED_VIEWS = [
    ("SGO before court", "plan=sgo&proceedings=open&sort=next_hearing"),
    ("Red flags in my teams", "rag=red&sort=rag&order=desc"),
    (
        "Children who left care in the year",
        "care_status=left_care&sort=ceased_date&order=desc&"
        + columns.as_query(["legal_status", "ceased"]),
    ),
]


def _require_viewer(request: HttpRequest) -> None:
    if not access.can(request.user, "view_children"):
        raise PermissionDenied


def _current_view(
    request: HttpRequest,
) -> tuple[TrackerFilter, dict[str, Any], Any, selectors.TrackerView]:
    """The filter form, its valid values, the as-at date and the current view (counted,
    filtered, sorted and paged in the database; rows built only when asked for)."""
    options = filter_options_for(user=request.user)
    form = TrackerFilter(request.GET or None, options=options)
    values = form.clean_values() if request.GET else {}
    on = values.get("as_of") or clock.today()
    view = selectors.tracker_view(
        user=request.user,
        on=on,
        team_id=values.get("team"),
        worker_id=values.get("worker"),
        row_filter=row_filter_of(values),
        sort=values.get("sort") or "child_id",
        descending=values.get("order") == "desc",
    )
    return form, values, on, view


def _without(query: QueryDict, *names: str) -> str:
    copy = query.copy()
    for name in names:
        copy.pop(name, None)
    return copy.urlencode()


def _kept(query: QueryDict, *names: str) -> list[tuple[str, str]]:
    """The query's parameters other than `names`, as hidden fields for a form that changes
    only those."""
    return [(key, value) for key, values in query.lists() if key not in names for value in values]


def _selected(form: TrackerFilter, values: dict[str, Any]) -> list[tuple[Any, Any]]:
    return [
        (form.fields[name].label, dict(form.fields[name].choices).get(values[name], values[name]))
        for name in FILTER_NAMES
        if values.get(name)
    ]


class _Rows:
    """The view's rows for the paginator: counted in the database, and only the page's
    slice built in full (with the panels and sign-off only when a column shows them)."""

    def __init__(self, view: selectors.TrackerView, *, with_panels: bool) -> None:
        self.view = view
        self.with_panels = with_panels

    def count(self) -> int:
        return self.view.count()

    def __getitem__(self, index: slice) -> list[selectors.Row]:
        return self.view.built(index.start or 0, index.stop, with_panels=self.with_panels)


def _shows_panels(shown: list[columns.Column]) -> bool:
    return any(column.key == "panels" for column in shown)


def tracker_page(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    form, values, on, view = _current_view(request)
    choice = columns.choice_of(request.GET)
    shown = columns.shown(choice, sort=values.get("sort") or "")
    rows = _Rows(view, with_panels=_shows_panels(shown))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "tracker/tracker.html",
        {
            "form": form,
            "page": page,
            "on": on,
            "is_today": on == clock.today(),
            "counts": view.counts(),
            "query": _without(request.GET, "page"),
            "base_query": _without(request.GET, "page", "sort", "order"),
            "export_query": _without(request.GET, "page"),
            "columns": shown,
            "show": {column.key: True for column in shown},
            "choice": choice,
            "optional_columns": columns.OPTIONAL,
            "columns_kept": _kept(request.GET, columns.PARAM, "page"),
            "sort": values.get("sort") or "child_id",
            "order": values.get("order") or "asc",
            "selected_filters": _selected(form, values),
            "saved_views": SavedView.objects.filter(user=request.user),
            "suggested_views": SUGGESTED_VIEWS,
            "save_form": SavedViewForm(),
            "may_edit_rules": services.may_edit_rules(request.user),
        },
    )


def tracker_print(request: HttpRequest) -> HttpResponse:
    """Every row of the current view on one page, laid out for printing at a meeting."""
    _require_viewer(request)
    form, values, on, view = _current_view(request)
    shown = columns.shown(columns.choice_of(request.GET), sort=values.get("sort") or "")
    return render(
        request,
        "tracker/print.html",
        {
            "rows": view.built(with_panels=_shows_panels(shown)),
            "columns": shown,
            "on": on,
            "counts": view.counts(),
            "back_query": _without(request.GET, "page"),
            "selected_filters": _selected(form, values),
        },
    )


def tracker_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The current view as CSV or XLSX: every row, not just the page, in the view's order,
    built and logged a batch at a time as they stream out."""
    _require_viewer(request)
    if fmt not in exports.FORMATS:
        raise Http404("No such export format")
    _, _, on, view = _current_view(request)
    rows: Iterable[selectors.Row] = exports.logged_rows(
        view.batches(), on=on, fmt=fmt, user=request.user, where=request.get_full_path()
    )
    return exports.export_response(rows=rows, on=on, fmt=fmt)


def saved_view_save(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    if request.method != "POST":
        return redirect("tracker:page")
    form = SavedViewForm(request.POST)
    query = request.POST.get("query", "")
    if form.is_valid():
        services.saved_view_create(
            user=request.user,
            name=form.cleaned_data["name"],
            query=_clean_query(query),
            columns=columns.choice_of(QueryDict(query)),
        )
        messages.success(request, f"Saved the view “{form.cleaned_data['name']}”.")
    else:
        messages.error(request, "Enter a name for the view to save it.")
    return redirect(reverse("tracker:page") + (f"?{query}" if query else ""))


def saved_view_delete(request: HttpRequest, view_id: int) -> HttpResponse:
    _require_viewer(request)
    if request.method == "POST":
        try:
            services.saved_view_delete(user=request.user, view_id=view_id)
            messages.success(request, "The saved view is deleted.")
        except ValidationError as error:
            messages.error(request, error.messages[0])
    return redirect("tracker:page")


def _clean_query(query: str) -> str:
    """Keep only the tracker's own filters, sort and date, so a saved view cannot carry
    anything else (its columns are kept on their own)."""
    # The as-at date comes as one ISO date or as the GOV.UK date input's three boxes.
    allowed = {*FILTER_NAMES, "as_of", "as_of-day", "as_of-month", "as_of-year", "sort", "order"}
    parsed = QueryDict(query, mutable=True)
    for name in list(parsed):
        if name not in allowed:
            parsed.pop(name)
    return parsed.urlencode()


def rules_page(request: HttpRequest) -> HttpResponse:
    """The rules and their history; the assurance lead can create a new version."""
    _require_viewer(request)
    may_edit = services.may_edit_rules(request.user)
    current = selectors.current_rule_set()
    form = RuleSetForm(request.POST or None, instance=None, initial=_initial(current))
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        if form.is_valid():
            data = dict(form.cleaned_data)
            note = data.pop("note", "")
            rule_set = services.rule_set_create(actor=request.user, note=note, **data)
            messages.success(request, f"The tracker now uses rules version {rule_set.version}.")
            return redirect("tracker:rules")
    return render(
        request,
        "tracker/rules.html",
        {
            "current": current,
            "versions": RuleSet.objects.select_related("created_by").order_by("-version"),
            "form": form if may_edit else None,
            "flag_titles": rules.FLAG_TITLES,
        },
    )


def _initial(current: RuleSet) -> dict[str, Any]:
    return {name: getattr(current, name) for name in services.RULE_FIELDS}
