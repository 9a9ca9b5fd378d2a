"""The permanence plan at a date.

The plan in force on a date is the latest agreed on or before it (of two agreed the same day,
the one recorded last). A plan agreed later was not yet the plan. A plan whose agreed date is
not known (an Annex A workbook may not give it) is in force from the day it was recorded in
Assure: before then nobody could have known it. A plan **includes** a route when it is the
plan or the parallel plan: a child with a parallel SGO plan needs the SGO work done as surely
as one whose first plan is an SGO. A plan of "SGO or child arrangements order" (Ofsted Annex
A's list 8 has one option for both) includes both orders: until the council says which, the
SGO work is needed as surely as for a plan of SGO alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Protocol

from django.db.models import DateField, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

SGO = "sgo"
# A plan value that stands for more than one route (itself included).
ROUTES_OF = {"sgo_cao": frozenset({"sgo_cao", "sgo", "cao"})}


class PlanLike(Protocol):
    plan: str
    parallel_plan: str
    agreed_date: dt.date | None
    recorded_at: dt.datetime


def in_force_from(plan: Any) -> dt.date:
    """The day a plan took effect: its agreed date, or when unknown the day it was recorded."""
    return plan.agreed_date or timezone.localdate(plan.recorded_at)


def plan_at(plans: Iterable[Any], on: dt.date) -> Any:
    """The plan in force on `on`, or None. `plans` must be in recording order (the order
    of their ids) for ties on the day to go to the one recorded last."""
    current, current_from = None, None
    for plan in plans:
        starts = in_force_from(plan)
        if starts <= on and (current_from is None or starts >= current_from):
            current, current_from = plan, starts
    return current


def routes_of(value: str) -> frozenset[str]:
    """The routes a plan value stands for: itself, and both orders for "sgo_cao"."""
    return ROUTES_OF.get(value, frozenset({value})) if value else frozenset()


def values_including(route: str) -> frozenset[str]:
    """Every plan value that includes `route` (for the SQL form)."""
    return frozenset({route}) | {value for value, routes in ROUTES_OF.items() if route in routes}


def includes(plan: PlanLike | None, route: str) -> bool:
    return plan is not None and (
        route in routes_of(plan.plan) or route in routes_of(plan.parallel_plan)
    )


def includes_sgo(plan: PlanLike | None) -> bool:
    return includes(plan, SGO)


# SQL forms ---------------------------------------------------------------------------------


def plan_at_subquery(on: dt.date, field: str = "plan", outer: str = "pk") -> Subquery:
    """Over Child: a field of the plan in force on `on` (None when there is none)."""
    from assure.children.models import PermanencePlan

    return Subquery(
        PermanencePlan.objects.filter(child=OuterRef(outer))
        .annotate(in_force=in_force_expression())
        .filter(in_force__lte=on)
        .order_by("-in_force", "-id")
        .values(field)[:1]
    )


def in_force_expression() -> Coalesce:
    """`in_force_from` as an annotation over PermanencePlan (the recorded day in the
    council's time zone, as `timezone.localdate` gives it)."""
    return Coalesce(F("agreed_date"), TruncDate("recorded_at"), output_field=DateField())


def known_by_q(on: dt.date, prefix: str = "") -> Q:
    """Over PermanencePlan: plans in force on or before `on` (`in_force_from(p) <= on`)."""
    return Q(**{f"{prefix}agreed_date__lte": on}) | Q(
        **{f"{prefix}agreed_date__isnull": True, f"{prefix}recorded_at__date__lte": on}
    )


def includes_q(route: str, plan_field: str, parallel_field: str) -> Q:
    """Over annotated plan and parallel-plan fields: the plan includes `route`."""
    values = sorted(values_including(route))
    return Q(**{f"{plan_field}__in": values}) | Q(**{f"{parallel_field}__in": values})
