"""The gates that must hold before the last approval of a chain. Each gate has one rule
(`_audit_met`, `_panel_met`) over rows fetched either for one proposal or for many at once,
so the sign-off and the tracker can never disagree."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from assure.core import clock

from .models import Gate, Proposal


def _qualifying_closures(*, child_ids: Iterable[int], since: dt.datetime, moment: dt.datetime):
    """(child_id, closed_at) of audits closed in [since, moment] whose current overall grade
    is not inadequate: one query whatever the number of children."""
    from assure.audits.models import OverallGrade, Status

    return (
        OverallGrade.objects.filter(
            is_current=True,
            audit__child_id__in=list(child_ids),
            audit__status=Status.CLOSED,
            audit__closed_at__gte=since,
            audit__closed_at__lte=moment,
        )
        .exclude(grade__slug="inadequate")
        .values_list("audit__child_id", "audit__closed_at")
    )


def _audit_met(*, proposal: Proposal, closures: Iterable[dt.datetime], moment: dt.datetime) -> bool:
    """An audit of the child closed within the scheme's window (90 days by default) whose
    current overall grade is not inadequate (`closures` are already graded so)."""
    since = moment - dt.timedelta(days=proposal.scheme.audit_within_days)
    return any(since <= closed <= moment for closed in closures)


def _support_outcomes(*, proposal_ids: Iterable[int]) -> QuerySet:
    """Current `support` outcomes for these proposals with what the quorum needs: a fixed
    number of queries whatever the number of proposals."""
    from assure.panels.models import Outcome

    return (
        Outcome.objects.filter(
            is_current=True, recommendation="support", item__proposal_id__in=list(proposal_ids)
        )
        .select_related("item__meeting__terms", "item__meeting__panel")
        .prefetch_related("item__meeting__panel__members", "item__meeting__attendees")
    )


def _panel_met(*, proposal: Proposal, outcomes: Iterable[Any]) -> bool:
    """A current `support` outcome for this proposal at a quorate meeting of one of the
    scheme's panels."""
    from assure.panels.services import meeting_quorum

    return any(
        o.item.meeting.panel.slug in proposal.scheme.gate_panels
        and meeting_quorum(o.item.meeting).quorate
        for o in outcomes
    )


def audit_gate_met(*, proposal: Proposal, on: dt.datetime | None = None) -> bool:
    moment = on or clock.now()
    since = moment - dt.timedelta(days=proposal.scheme.audit_within_days)
    rows = _qualifying_closures(child_ids=[proposal.child_id], since=since, moment=moment)
    return _audit_met(proposal=proposal, closures=[closed for _, closed in rows], moment=moment)


def panel_gate_met(*, proposal: Proposal) -> bool:
    return _panel_met(proposal=proposal, outcomes=_support_outcomes(proposal_ids=[proposal.pk]))


CHECKS: dict[str, Any] = {Gate.AUDIT: audit_gate_met, Gate.PANEL: panel_gate_met}


def unmet_gates(*, proposal: Proposal) -> list[str]:
    return [gate for gate in proposal.scheme.gates if not CHECKS[gate](proposal=proposal)]


def unmet_gates_for(
    proposals: Iterable[Proposal], *, on: dt.datetime | None = None
) -> dict[int, list[str]]:
    """{proposal pk: unmet gates} for many proposals (with their schemes selected) in a
    fixed number of queries: one for graded closed audits, three for supporting outcomes
    with their meetings' members and attendees. Same rules as `unmet_gates`."""
    proposals = list(proposals)
    if not proposals:
        return {}
    moment = on or clock.now()
    closures: dict[int, list[dt.datetime]] = defaultdict(list)
    audited = [p for p in proposals if Gate.AUDIT in p.scheme.gates]
    if audited:
        widest = max(p.scheme.audit_within_days for p in audited)
        for child_id, closed in _qualifying_closures(
            child_ids={p.child_id for p in audited},
            since=moment - dt.timedelta(days=widest),
            moment=moment,
        ):
            closures[child_id].append(closed)
    outcomes: dict[int, list[Any]] = defaultdict(list)
    paneled = [p.pk for p in proposals if Gate.PANEL in p.scheme.gates]
    if paneled:
        for outcome in _support_outcomes(proposal_ids=paneled):
            outcomes[outcome.item.proposal_id].append(outcome)
    checks = {
        Gate.AUDIT: lambda p: _audit_met(proposal=p, closures=closures[p.child_id], moment=moment),
        Gate.PANEL: lambda p: _panel_met(proposal=p, outcomes=outcomes[p.pk]),
    }
    return {p.pk: [g for g in p.scheme.gates if not checks[g](p)] for p in proposals}
