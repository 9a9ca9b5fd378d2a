"""The gates that must hold before the last approval of a chain."""

import datetime as dt
from typing import Any

from assure.core import clock

from .models import Gate, Proposal


def audit_gate_met(*, proposal: Proposal, on: dt.datetime | None = None) -> bool:
    """An audit of the child closed within the scheme's window (90 days by default) whose
    current overall grade is not inadequate."""
    from assure.audits.models import Audit, OverallGrade, Status

    moment = on or clock.now()
    since = moment - dt.timedelta(days=proposal.scheme.audit_within_days)
    audits = Audit.objects.filter(
        child_id=proposal.child_id,
        status=Status.CLOSED,
        closed_at__gte=since,
        closed_at__lte=moment,
    )
    return (
        OverallGrade.objects.filter(audit__in=audits, is_current=True)
        .exclude(grade__slug="inadequate")
        .exists()
    )


def panel_gate_met(*, proposal: Proposal) -> bool:
    """A current `support` outcome for this proposal at a quorate meeting of one of the
    scheme's panels."""
    from assure.panels.models import Outcome
    from assure.panels.services import meeting_quorum

    outcomes = (
        Outcome.objects.filter(
            is_current=True,
            recommendation="support",
            item__proposal=proposal,
            item__meeting__panel__slug__in=proposal.scheme.gate_panels,
        )
        .select_related("item__meeting__terms", "item__meeting__panel")
        .prefetch_related("item__meeting__panel__members", "item__meeting__attendees")
    )
    return any(meeting_quorum(o.item.meeting).quorate for o in outcomes)


CHECKS: dict[str, Any] = {Gate.AUDIT: audit_gate_met, Gate.PANEL: panel_gate_met}


def unmet_gates(*, proposal: Proposal) -> list[str]:
    return [gate for gate in proposal.scheme.gates if not CHECKS[gate](proposal=proposal)]
