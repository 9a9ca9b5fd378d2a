"""Writes for the tracker: a new version of the rules, and saved views. Each records a
domain event in the same transaction (ARCHITECTURE rule 3)."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from assure.core import access, clock, events

from .columns import DEFAULT_CHOICE, clean_choice
from .models import RuleSet, SavedView

RULE_FIELDS = (
    "plo_warning_days",
    "plan_warning_weeks",
    "sgo_assessment_weeks",
    "sgo_report_weeks",
    "sgo_support_plan_weeks",
    "sgo_final_hearing_week",
    "stale_days",
)


def may_edit_rules(user: Any) -> bool:
    """Who sets the tracker's thresholds: the permission table's `manage_tracker_rules`."""
    return access.can(user, "manage_tracker_rules")


@transaction.atomic
def rule_set_create(*, actor: Any, note: str = "", **thresholds: int) -> RuleSet:
    """A new version of the rules, which the tracker uses from now on. Earlier versions are
    kept as they were."""
    if not may_edit_rules(actor):
        raise PermissionDenied(
            f"Only {access.who_may('manage_tracker_rules')} may change the tracker's rules."
        )
    unknown = set(thresholds) - set(RULE_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown thresholds: {', '.join(sorted(unknown))}.")
    latest = RuleSet.objects.select_for_update().order_by("-version").first()
    values = {name: getattr(latest, name) for name in RULE_FIELDS} if latest else {}
    values |= thresholds
    version = (RuleSet.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    rule_set = RuleSet(
        version=version, note=note, created_at=clock.now(), created_by=actor, **values
    )
    rule_set.full_clean()
    rule_set.save()
    events.record(
        actor=actor,
        verb="tracker_rules_changed",
        obj=rule_set,
        summary=f"Tracker rules version {version}",
        data={
            "before": {n: getattr(latest, n) for n in RULE_FIELDS} if latest else {},
            "after": {n: values[n] for n in RULE_FIELDS if n in values},
        },
    )
    return rule_set


@transaction.atomic
def saved_view_create(
    *, user: Any, name: str, query: str, columns: list[str] | None = None
) -> SavedView:
    """Save (or replace) one of the user's own views under a name, with the optional
    columns it shows (the default choice when not given)."""
    name = name.strip()
    if not name:
        raise ValidationError("Enter a name for the view.")
    chosen = clean_choice(columns) if columns is not None else list(DEFAULT_CHOICE)
    view, created = SavedView.objects.update_or_create(
        user=user,
        name=name,
        defaults={"query": query[:1000], "columns": chosen, "created_at": clock.now()},
    )
    events.record(
        actor=user,
        verb="tracker_view_saved",
        obj=view,
        summary=f"Saved the tracker view “{name}”" + ("" if created else " again"),
        data={"query": view.query, "columns": view.columns},
    )
    return view


@transaction.atomic
def saved_view_delete(*, user: Any, view_id: int) -> None:
    """Delete one of the user's own views; anyone else's is treated as not there."""
    view = SavedView.objects.filter(user=user, pk=view_id).first()
    if view is None:
        raise ValidationError("There is no such saved view.")
    events.record(
        actor=user,
        verb="tracker_view_deleted",
        obj=view,
        summary=f"Deleted the tracker view “{view.name}”",
    )
    view.delete()
