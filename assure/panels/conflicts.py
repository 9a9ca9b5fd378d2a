"""Who has a part in a proposal, and so may neither chair nor count towards the quorum for its
item at a panel: whoever raised it, whoever decided a step of its sign-off (in any round),
and the auditor of an audit that meets (or would meet) its audit gate.

One rule over rows fetched for many proposals at once (`parts_for`), so the meeting page,
the service that records an outcome and the arrangements review cannot disagree.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from assure.core import clock

PROPOSED = "raised it"
DECIDED = "decided a step of its sign-off"
AUDITED = "audited the child for its audit gate"

Parts = dict[int, list[str]]  # user pk -> the parts they had


def parts_for(
    proposals: Iterable[Any], *, on: dt.datetime | None = None, moment_of: Any = None
) -> dict[int, Parts]:
    """{proposal pk: {user pk: parts}} for these proposals (schemes selected), in two
    queries whatever their number. The gate audit is the one that met the gate now (`on`),
    or at each proposal's own moment (`moment_of(p)`, such as when its outcome was
    recorded)."""
    from assure.decisions.gates import qualifying_audits
    from assure.decisions.models import Decision, Gate

    proposals = [p for p in proposals if p is not None]
    if not proposals:
        return {}
    now = on or clock.now()
    moments = {p.pk: (moment_of(p) if moment_of else None) or now for p in proposals}
    parts: dict[int, dict[int, list[str]]] = {p.pk: defaultdict(list) for p in proposals}
    for p in proposals:
        parts[p.pk][p.proposer_id].append(PROPOSED)
    decided = Decision.objects.filter(proposal_id__in=list(parts)).values_list(
        "proposal_id", "by_id"
    )
    for proposal_id, by_id in sorted(set(decided)):
        parts[proposal_id][by_id].append(DECIDED)
    audited = [p for p in proposals if Gate.AUDIT in p.scheme.gates]
    if audited:
        widest = max(p.scheme.audit_within_days for p in audited)
        by_child: dict[int, list[Any]] = defaultdict(list)
        for audit in qualifying_audits(
            child_ids={p.child_id for p in audited},
            since=min(moments.values()) - dt.timedelta(days=widest),
            moment=max(moments.values()),
        ):
            by_child[audit.child_id].append(audit)
        for p in audited:
            moment = moments[p.pk]
            since = moment - dt.timedelta(days=p.scheme.audit_within_days)
            for auditor_id in sorted(
                {a.auditor_id for a in by_child[p.child_id] if since <= a.closed_at <= moment}
            ):
                parts[p.pk][auditor_id].append(AUDITED)
    return {pk: dict(people) for pk, people in parts.items()}


def refusal(*, name: str, parts: list[str]) -> str:
    """The words of the refusal: "Angela Ward raised it and decided a step of its sign-off:
    a person with a part in a proposal does not chair or vote on its item."""
    return (
        f"{name} {' and '.join(parts)}: a person with a part in a proposal does not chair "
        "or vote on its item."
    )
