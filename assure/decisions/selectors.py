"""Reads about proposals, already filtered by the one access policy."""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from assure.core import access

from . import services
from .models import Decision, Proposal, SchemeVersion, Status


def _with_detail(queryset: QuerySet) -> QuerySet:
    return queryset.select_related(
        "scheme__decision_type", "child__team", "proposer"
    ).prefetch_related(Prefetch("decisions", queryset=Decision.objects.select_related("by")))


def proposals_visible_to(user: Any) -> QuerySet:
    return _with_detail(Proposal.objects.filter(access.child_visibility_q(user, "child__")))


def proposal_get_for_user(*, user: Any, pk: int, via: str, where: str) -> Proposal:
    """One proposal whose child the user may see, its read logged as a read of the child's
    record; 404 otherwise."""
    proposal = proposals_visible_to(user).filter(pk=pk).first()
    if proposal is None:
        raise Http404("No proposal with that ID")
    access.record_access(user=user, child=proposal.child, via=via, where=where)
    return proposal


def proposals_for_child(*, child: Any) -> list[Proposal]:
    """A child's proposals (the caller has already fetched the child through the policy),
    with their panel items and current outcomes, for the next panel date and the latest
    outcome."""
    from assure.panels.models import AgendaItem, Outcome

    items = AgendaItem.objects.select_related("meeting__panel").prefetch_related(
        Prefetch("outcomes", queryset=Outcome.objects.filter(is_current=True))
    )
    return list(
        _with_detail(Proposal.objects.filter(child=child)).prefetch_related(
            Prefetch("panel_items", queryset=items)
        )
    )


def panel_summary(proposal: Proposal, *, today: Any) -> dict[str, Any]:
    """The next panel date and the latest outcome, from prefetched panel items."""
    items = sorted(proposal.panel_items.all(), key=lambda i: (i.meeting.date, i.pk))
    upcoming = [i.meeting for i in items if i.meeting.date >= today]
    decided = [(i.meeting, o) for i in items for o in i.outcomes.all()]
    return {
        "next_meeting": upcoming[0] if upcoming else None,
        "latest_outcome": decided[-1] if decided else None,
    }


def waiting_on(*, user: Any) -> list[Proposal]:
    """Submitted proposals whose next step this user may take: their role at that step, over
    the child's team, and neither the proposer nor an approver earlier in the chain."""
    roles = user.role_slugs & (services.TEAM_AUTHORITY_ROLES | {"director"})
    if not roles:
        return []
    candidates = proposals_visible_to(user).filter(status=Status.SUBMITTED).exclude(proposer=user)
    team_ids = set(user.teams.values_list("pk", flat=True))
    out = []
    for proposal in candidates:
        waiting = services.next_step(proposal)
        if waiting is None or waiting[1] not in roles:
            continue
        if waiting[1] != "director" and proposal.child.team_id not in team_ids:
            continue
        if any(d.by_id == user.pk for d in services.current_decisions(proposal)):
            continue
        out.append(proposal)
    return out


def current_schemes() -> list[SchemeVersion]:
    latest: dict[int, SchemeVersion] = {}
    for scheme in SchemeVersion.objects.select_related("decision_type").order_by(
        "decision_type__name", "-version"
    ):
        latest.setdefault(scheme.decision_type_id, scheme)
    return list(latest.values())
