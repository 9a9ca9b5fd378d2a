"""Reads about panels, for pages and the API. (Which children a panel member sees is the
access policy's: core/access.panel_agenda_child_ids.)"""

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404

from assure.core import access, clock

from .models import AgendaItem, Meeting, Outcome, Panel, PanelMember


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
        .select_related("child", "added_by", "proposal__scheme__decision_type")
        .prefetch_related(
            Prefetch(
                "outcomes",
                queryset=Outcome.objects.filter(is_current=True).select_related("recorded_by"),
                to_attr="current_outcomes",
            )
        )
    )


def proposals_awaiting(*, meeting: Meeting, user: Any) -> list[Any]:
    """Open proposals about children the user may see whose scheme names this meeting's
    panel for its panel gate, whose gate is not met yet, and that are not on this agenda
    already: what the page offers to put on the agenda. A fixed number of queries."""
    from assure.decisions.gates import unmet_gates_for
    from assure.decisions.models import Gate, Proposal, Status

    on_agenda = meeting.items.filter(proposal__isnull=False).values("proposal_id")
    candidates = [
        p
        for p in Proposal.objects.filter(
            access.child_visibility_q(user, "child__"),
            status__in=[Status.DRAFT, Status.SUBMITTED, Status.RETURNED],
        )
        .exclude(pk__in=on_agenda)
        .select_related("child", "scheme__decision_type")
        .order_by("child__last_name", "child__first_name", "child__child_id", "pk")
        if Gate.PANEL in p.scheme.gates and meeting.panel.slug in p.scheme.gate_panels
    ]
    unmet = unmet_gates_for(candidates)
    return [p for p in candidates if Gate.PANEL in unmet.get(p.pk, [])]


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
    """The panel's seats, past and present, in seat order (chair, legal adviser, members by
    name); a person's earlier seat before a later one."""
    members = panel.members.select_related("user").order_by("from_date", "id")
    return sorted(members, key=lambda m: m.seat_order)


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
    # Latest first, as the page says: a query with an aggregate ignores the model's
    # ordering, so it is given here.
    meetings = (
        Meeting.objects.filter(panel=panel)
        .select_related("terms")
        .prefetch_related("attendees")
        .annotate(item_count=Count("items"))
        .order_by("-date", "-id")
    )
    today = clock.today()
    return [
        {
            "meeting": m,
            "held": m.date <= today,
            "quorum": quorum_for(
                terms=m.terms,
                members=members,
                attendee_ids=[u.pk for u in m.attendees.all()],
                on=m.date,
            ),
        }
        for m in meetings
    ]


# Where a child or proposal stands with the panels at a date: one rule for the child's page,
# the proposal page and the tracker, so a meeting today reads the same on each.


def still_to_come(meeting_date: dt.date, decided: bool, on: dt.date) -> bool:
    """An agenda item is still to come at `on` when its meeting is later, or is that day and
    has no outcome recorded yet."""
    return meeting_date > on or (meeting_date == on and not decided)


def next_meeting(items: Any, on: dt.date) -> Any:
    """The earliest meeting of (meeting, decided) pairs still to come at `on`."""
    to_come = [m for m, decided in items if still_to_come(m.date, decided, on)]
    return min(to_come, key=lambda m: (m.date, m.pk), default=None)


def latest_outcome(outcomes: Any, on: dt.date) -> Any:
    """The latest current outcome recorded at a meeting on or before `on`."""
    held = [o for o in outcomes if o.item.meeting.date <= on]
    return max(held, key=lambda o: (o.item.meeting.date, o.recorded_at, o.pk), default=None)


def panel_standing_for_children(child_ids: Any, on: dt.date) -> dict[int, tuple[Any, Any]]:
    """{child pk: (latest outcome, next meeting)} for the children whose pks `child_ids`
    gives (a subquery or a list), in two queries whatever their number."""
    outcomes: dict[int, list[Any]] = {}
    for outcome in Outcome.objects.filter(
        is_current=True, item__child_id__in=child_ids, item__meeting__date__lte=on
    ).select_related("item__meeting__panel"):
        outcomes.setdefault(outcome.item.child_id, []).append(outcome)
    decided = Outcome.objects.filter(item=OuterRef("pk"), is_current=True)
    meetings: dict[int, list[Any]] = {}
    for item in (
        AgendaItem.objects.filter(child_id__in=child_ids, meeting__date__gte=on)
        .annotate(decided=Exists(decided))
        .select_related("meeting__panel")
    ):
        meetings.setdefault(item.child_id, []).append((item.meeting, item.decided))
    return {
        pk: (latest_outcome(outcomes.get(pk, []), on), next_meeting(meetings.get(pk, []), on))
        for pk in set(outcomes) | set(meetings)
    }
