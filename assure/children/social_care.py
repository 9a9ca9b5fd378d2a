"""Social care events (Ofsted Annex A's lists) as the child's page and the family chronology
show them: one place that turns an event into words, so the two cannot disagree.

The chronology source registers from the children app's `ready()` when the families app is
installed (see assure/families/chronology.py), and fetches in one query whatever the number
of children.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from .models import SocialCareEvent

Kind = SocialCareEvent.Kind

# Kinds that run from a start to an end: the end is an event of its own in the chronology.
ENDS = {
    Kind.EARLY_HELP: "Early help assessment completed",
    Kind.ASSESSMENT: "Social care assessment authorised",
    Kind.CHILD_IN_NEED: "Child in need episode closed",
    Kind.CHILD_PROTECTION: "Child protection plan ended",
}
STARTS = {
    Kind.EARLY_HELP: "Early help assessment started",
    Kind.ASSESSMENT: "Social care assessment started",
    Kind.CHILD_IN_NEED: "Child in need episode started",
    Kind.CHILD_PROTECTION: "Child protection plan started",
    Kind.SECTION_47: "Section 47 enquiry started (strategy discussion)",
    Kind.RETURNED_TO_CARE: "A second or later period of care within 12 months began",
}
# The family chronology's filter groups the kinds.
GROUPS = {
    "help_protection": (
        "Help and protection",
        {
            Kind.CONTACT,
            Kind.EARLY_HELP,
            Kind.REFERRAL,
            Kind.ASSESSMENT,
            Kind.SECTION_47,
            Kind.CHILD_IN_NEED,
            Kind.CHILD_PROTECTION,
        },
    ),
    "visits": (
        "Visits and health checks",
        {Kind.SOCIAL_WORK_VISIT, Kind.IRO_CONTACT, Kind.HEALTH_ASSESSMENT, Kind.DENTAL_CHECK},
    ),
    "returned_to_care": ("Returns to care", {Kind.RETURNED_TO_CARE}),
    "care_leaving": ("Care leaving", {Kind.PATHWAY_PLAN_REVIEW, Kind.CARE_LEAVER_CONTACT}),
    "adoption_steps": (
        "Steps to adoption",
        {
            Kind.FFA_PLACEMENT,
            Kind.PLACEMENT_ORDER,
            Kind.PLACED_FOR_ADOPTION,
            Kind.ADOPTION_ORDER,
            Kind.ADOPTERS,
        },
    ),
}
GROUP_OF = {kind: group for group, (_, kinds) in GROUPS.items() for kind in kinds}


def title(event: SocialCareEvent) -> str:
    return STARTS.get(event.kind, event.get_kind_display())


def end_title(event: SocialCareEvent) -> str:
    return ENDS.get(event.kind, f"{event.get_kind_display()} ended")


def is_open(event: SocialCareEvent) -> bool:
    """Still running: a kind with an end (an early help assessment, a child in need episode,
    a plan) whose end is not recorded, told apart on the page from a one-day event."""
    return event.kind in ENDS and event.end_date is None


def detail_lines(event: SocialCareEvent) -> list[str]:
    """The list's columns, as "Label: value"."""
    lines = []
    for pair in event.details or []:
        if isinstance(pair, list | tuple) and len(pair) == 2 and pair[1] not in ("", None):
            lines.append(f"{pair[0]}: {pair[1]}")
    if event.source_list:
        lines.append(f"From Ofsted Annex A, {event.source_list}")
    return lines


def events_for_child(*, child: Any) -> QuerySet[SocialCareEvent]:
    """A child's events for their page, newest first (one query)."""
    return SocialCareEvent.objects.filter(child=child).order_by("-start_date", "-id")


def events_oldest_first(*, child: Any) -> QuerySet[SocialCareEvent]:
    """A child's events in date order, for the API (one query whatever their number). The
    child comes from `selectors.child_get_for_user`, which applied the access policy and
    logged the read."""
    return SocialCareEvent.objects.filter(child=child).order_by("start_date", "id")


def chronology_events(child_pks: frozenset[int]) -> Iterator[Any]:
    from assure.families.chronology import SourceEvent

    events = SocialCareEvent.objects.filter(child_id__in=child_pks).order_by("start_date", "id")
    for event in events:
        detail = tuple(detail_lines(event))
        yield SourceEvent(
            key=f"{event.pk}",
            date=event.start_date,
            child_pks=(event.child_id,),
            kind=GROUP_OF.get(event.kind, "help_protection"),
            summary=title(event),
            detail=detail,
        )
        if event.end_date and event.kind in ENDS:
            yield SourceEvent(
                key=f"{event.pk}:end",
                date=event.end_date,
                child_pks=(event.child_id,),
                kind=GROUP_OF[event.kind],
                summary=end_title(event),
            )


def register_chronology_source() -> None:
    from assure.families.chronology import register_source

    register_source(
        "social_care",
        chronology_events,
        kinds={group: label for group, (label, _) in GROUPS.items()},
        order=50,
    )
