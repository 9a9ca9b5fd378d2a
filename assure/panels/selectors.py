"""Reads about panels, for pages, the API and the access policy."""

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from assure.core import access, clock

from .models import AgendaItem, Meeting, Outcome, Panel, PanelMember

# How long after a meeting its members still see the children on its agenda.
VISIBILITY_DAYS_AFTER_MEETING = 30


def agenda_child_ids_for_member(*, user_id: int) -> QuerySet:
    """Children on the agendas of meetings of this user's panels, from when each item was
    added until 30 days after the meeting: a subquery for the access policy."""
    today = clock.today()
    membership = PanelMember.objects.filter(
        user_id=user_id,
        panel_id=OuterRef("meeting__panel_id"),
        from_date__lte=OuterRef("meeting__date"),
    ).filter(Q(to_date__isnull=True) | Q(to_date__gte=OuterRef("meeting__date")))
    return AgendaItem.objects.filter(
        Exists(membership),
        added_at__lte=clock.now(),
        meeting__date__gte=today - dt.timedelta(days=VISIBILITY_DAYS_AFTER_MEETING),
    ).values("child_id")


def panels_list() -> QuerySet:
    return Panel.objects.all()


def panel_get(*, slug: str) -> Panel:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Panel, slug=slug)


def meetings_with_detail() -> QuerySet:
    """Meetings with what the quorum check and the agenda need, in a fixed number of
    queries."""
    return Meeting.objects.select_related("panel", "terms").prefetch_related(
        "panel__members__user", "attendees"
    )


def meeting_get(*, pk: int) -> Meeting:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(meetings_with_detail(), pk=pk)


def agenda_for(*, meeting: Meeting, user: Any) -> list[AgendaItem]:
    """The meeting's items about children the user may see, each with its current
    outcome."""
    return list(
        meeting.items.filter(child__in=access.visible_children(user))
        .select_related("child", "added_by")
        .prefetch_related(
            Prefetch(
                "outcomes",
                queryset=Outcome.objects.filter(is_current=True).select_related("recorded_by"),
                to_attr="current_outcomes",
            )
        )
    )
