"""Reads about proposals, already filtered by the one access policy."""

import datetime as dt
from dataclasses import dataclass
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
    """The next panel meeting and the latest outcome of a proposal at a date, from its
    prefetched panel items, by the panels' one rule (`panels.selectors.next_meeting` and
    `latest_outcome`), as the tracker reads them."""
    from assure.panels.selectors import latest_outcome, next_meeting

    items = list(proposal.panel_items.all())
    outcome = latest_outcome([o for i in items for o in i.outcomes.all()], today)
    return {
        "next_meeting": next_meeting([(i.meeting, bool(i.outcomes.all())) for i in items], today),
        "latest_outcome": (outcome.item.meeting, outcome) if outcome else None,
    }


@dataclass(frozen=True)
class ProposalStanding:
    """Where a submitted proposal stands: whose step it waits for, and the gates still
    unmet before its last approval."""

    proposal: Proposal
    next_role: str | None
    unmet: list[str]

    @property
    def summary(self) -> str:
        """ "Special guardianship care plan: submitted, waiting for the team manager (gates
        unmet: audit)"."""
        status = self.proposal.get_status_display().lower()
        waiting = f", waiting for the {self.next_role.replace('_', ' ')}" if self.next_role else ""
        gated = f" (gates unmet: {', '.join(self.unmet)})" if self.unmet else ""
        return f"{self.proposal.scheme.decision_type.name}: {status}{waiting}{gated}"


def proposal_standings(
    proposals: list[Proposal], *, on: dt.datetime | None = None
) -> dict[int, ProposalStanding]:
    """The standing of each proposal (schemes and decisions prefetched), with the gates
    checked at once for those at their last step: a fixed number of queries."""
    from .gates import unmet_gates_for

    steps = {p.pk: services.next_step(p) for p in proposals}
    at_last = [p for p in proposals if steps[p.pk] and steps[p.pk][0] == len(p.scheme.chain) - 1]
    unmet = unmet_gates_for(at_last, on=on)
    return {
        p.pk: ProposalStanding(p, steps[p.pk][1] if steps[p.pk] else None, unmet.get(p.pk, []))
        for p in proposals
    }


def waiting_on(*, user: Any) -> list[Proposal]:
    """Submitted proposals whose next step this user may take (the workflow's own rule,
    `refusal_for`, with their authority worked out once)."""
    authority = access.authority_of(user)
    if not authority.roles:
        return []
    candidates = proposals_visible_to(user).filter(status=Status.SUBMITTED).exclude(proposer=user)
    return [
        proposal
        for proposal in candidates
        if services.refusal_for(proposal=proposal, actor=user, authority=authority) is None
    ]


def current_schemes() -> list[SchemeVersion]:
    latest: dict[int, SchemeVersion] = {}
    for scheme in SchemeVersion.objects.select_related("decision_type").order_by(
        "decision_type__name", "-version"
    ):
        latest.setdefault(scheme.decision_type_id, scheme)
    return list(latest.values())
