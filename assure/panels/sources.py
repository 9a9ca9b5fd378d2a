"""Panel items and outcomes as a source for the whole-family chronology."""

from collections.abc import Iterator

from assure.families.chronology import SourceEvent, register_source

from .models import Outcome


def outcome_events(child_pks: frozenset[int]) -> Iterator[SourceEvent]:
    outcomes = Outcome.objects.filter(item__child_id__in=child_pks).select_related(
        "item__meeting__panel", "recorded_by"
    )
    for outcome in outcomes:
        meeting = outcome.item.meeting
        yield SourceEvent(
            key=f"outcome:{outcome.pk}",
            date=meeting.date,
            child_pks=(outcome.item.child_id,),
            kind="panel_outcome",
            summary=f"{meeting.panel.name}: {outcome.get_recommendation_display()}",
            detail=tuple(
                line
                for line in (
                    f"Recorded by {outcome.recorded_by.display_name}",
                    f"Conditions: {outcome.conditions}" if outcome.conditions else "",
                    "" if outcome.is_current else "Superseded by a later outcome",
                )
                if line
            ),
        )


def register() -> None:
    register_source("panel_outcomes", outcome_events, kinds={"panel_outcome": "Panel outcomes"})
