"""Reads about panels, for pages, the API and the access policy."""

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

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


def agenda_item_get_for_user(*, user: Any, pk: Any, meeting: Meeting | None = None) -> AgendaItem:
    """An agenda item about a child the user may see (on `meeting`, when given); 404
    otherwise, as for one that does not exist."""
    items = AgendaItem.objects.filter(child__in=access.visible_children(user))
    if meeting is not None:
        items = items.filter(meeting=meeting)
    item = (
        items.select_related("child", "meeting").filter(pk=pk).first()
        if str(pk).isdigit()
        else None
    )
    if item is None:
        raise Http404("No such agenda item")
    return item


def member_get(*, pk: int) -> PanelMember:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(PanelMember.objects.select_related("panel", "user"), pk=pk)


def members_of(*, panel: Panel) -> list[PanelMember]:
    return list(panel.members.select_related("user").order_by("panel_role", "user__username"))


def panels_overview() -> list[dict[str, Any]]:
    """Each panel with its current terms, current members and next meeting, in a fixed
    number of queries."""
    today = clock.today()
    panels = Panel.objects.prefetch_related("terms", "members", "meetings")
    out = []
    for panel in panels:
        terms = max(panel.terms.all(), key=lambda t: t.version, default=None)
        upcoming = sorted(m.date for m in panel.meetings.all() if m.date >= today)
        out.append(
            {
                "panel": panel,
                "terms": terms,
                "members": sum(1 for m in panel.members.all() if m.active_on(today)),
                "next_meeting": upcoming[0] if upcoming else None,
            }
        )
    return out


def meetings_overview(*, panel: Panel) -> list[dict[str, Any]]:
    """A panel's meetings with quorum and item counts, in a fixed number of queries."""
    from django.db.models import Count

    from .quorum import quorum_for

    members = list(panel.members.all())
    meetings = (
        Meeting.objects.filter(panel=panel)
        .select_related("terms")
        .prefetch_related("attendees")
        .annotate(item_count=Count("items"))
    )
    return [
        {
            "meeting": m,
            "quorum": quorum_for(
                terms=m.terms,
                members=members,
                attendee_ids=[u.pk for u in m.attendees.all()],
                on=m.date,
            ),
        }
        for m in meetings
    ]
