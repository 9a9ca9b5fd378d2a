"""The gates that must hold before the last approval of a chain. Each gate has one rule
(`_audit_met`, `_panel_met`) over rows fetched either for one proposal or for many at once,
so the sign-off and the tracker can never disagree."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
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


def audit_met_at(proposals: Iterable[Proposal], *, moment_of: Any) -> dict[int, bool]:
    """Whether the audit rule held for each proposal at its own moment (`moment_of(p)`, such
    as when it was approved): the same rule as the gate, in one query whatever their number.
    The arrangements review asks this of approved proposals."""
    proposals = [p for p in proposals if moment_of(p) is not None]
    if not proposals:
        return {}
    moments = {p.pk: moment_of(p) for p in proposals}
    widest = max(p.scheme.audit_within_days for p in proposals)
    closures: dict[int, list[dt.datetime]] = defaultdict(list)
    for child_id, closed in _qualifying_closures(
        child_ids={p.child_id for p in proposals},
        since=min(moments.values()) - dt.timedelta(days=widest),
        moment=max(moments.values()),
    ):
        closures[child_id].append(closed)
    return {
        p.pk: _audit_met(proposal=p, closures=closures[p.child_id], moment=moments[p.pk])
        for p in proposals
    }


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


# --- where each gate stands for one proposal, with what meets it or what is missing ---------


@dataclass(frozen=True)
class GateStanding:
    """One gate for one proposal: met or not, the record that meets it (an audit, a panel's
    outcome) and, when unmet, what is on its way (an open audit, a coming agenda item)."""

    gate: str
    label: str
    met: bool
    evidence: Any = None
    on_its_way: Any = None


def qualifying_audits(*, child_ids: Iterable[int], since: dt.datetime, moment: dt.datetime):
    """The audits behind `_qualifying_closures` (same filter), with their auditors: what
    meets the audit gate, and who audited it (a part in the proposal, for the panels)."""
    from assure.audits.models import Audit, OverallGrade, Status

    graded = OverallGrade.objects.filter(is_current=True).exclude(grade__slug="inadequate")
    return (
        Audit.objects.filter(
            child_id__in=list(child_ids),
            status=Status.CLOSED,
            closed_at__gte=since,
            closed_at__lte=moment,
            pk__in=graded.values("audit_id"),
        )
        .select_related("auditor")
        .order_by("-closed_at", "-pk")
    )


def _audit_standing(proposal: Proposal, moment: dt.datetime) -> GateStanding:
    from assure.audits.models import Audit, Status

    since = moment - dt.timedelta(days=proposal.scheme.audit_within_days)
    audits = list(qualifying_audits(child_ids=[proposal.child_id], since=since, moment=moment))
    met = _audit_met(proposal=proposal, closures=[a.closed_at for a in audits], moment=moment)
    open_audit = None
    if not met:
        open_audit = (
            Audit.objects.filter(child_id=proposal.child_id)
            .exclude(status=Status.CLOSED)
            .order_by("-created_at", "-pk")
            .first()
        )
    return GateStanding(
        gate=Gate.AUDIT,
        label=f"An audit of the child closed in the {proposal.scheme.audit_within_days} days "
        "before the last approval, not graded inadequate",
        met=met,
        evidence=audits[0] if met else None,
        on_its_way=open_audit,
    )


def _panel_standing(proposal: Proposal, today: dt.date) -> GateStanding:
    from assure.panels.models import AgendaItem
    from assure.panels.services import meeting_quorum

    outcomes = list(_support_outcomes(proposal_ids=[proposal.pk]))
    met = _panel_met(proposal=proposal, outcomes=outcomes)
    evidence = next(
        (
            o
            for o in outcomes
            if o.item.meeting.panel.slug in proposal.scheme.gate_panels
            and meeting_quorum(o.item.meeting).quorate
        ),
        None,
    )
    coming = None
    if not met:
        coming = (
            AgendaItem.objects.filter(proposal=proposal, meeting__date__gte=today)
            .exclude(outcomes__is_current=True)
            .select_related("meeting__panel")
            .order_by("meeting__date", "pk")
            .first()
        )
    return GateStanding(
        gate=Gate.PANEL,
        label="Support from a quorate meeting of the "
        + " or the ".join(_panel_names(proposal.scheme.gate_panels)),
        met=met,
        evidence=evidence,
        on_its_way=coming,
    )


def _panel_names(slugs: list[str]) -> list[str]:
    from assure.panels.models import Panel

    names = dict(Panel.objects.filter(slug__in=slugs).values_list("slug", "name"))
    return [names.get(slug, slug.replace("-", " ")) for slug in slugs] or ["panel"]


def gate_standings(*, proposal: Proposal, on: dt.datetime | None = None) -> list[GateStanding]:
    """Each of the scheme's gates for this proposal, as it stands now: the proposal page
    shows these from the moment of drafting, to the proposer and every approver alike. Met
    or not by the gate's own rule (`_audit_met`, `_panel_met`)."""
    moment = on or clock.now()
    standings = []
    for gate in proposal.scheme.gates:
        if gate == Gate.AUDIT:
            standings.append(_audit_standing(proposal, moment))
        elif gate == Gate.PANEL:
            standings.append(_panel_standing(proposal, moment.date()))
    return standings


def unrecorded_checks(proposal: Proposal) -> list[dict[str, str]]:
    """The due-diligence items of the proposal's checklist with nothing recorded."""
    return [
        item
        for item in proposal.scheme.checklist
        if not str(proposal.checklist.get(item["key"], "")).strip()
    ]
