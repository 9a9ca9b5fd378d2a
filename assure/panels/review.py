"""The arrangements review (issue 6 item 5): how well the panels and the scheme of
delegation work in practice. Every list is built in a fixed number of queries."""

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from assure.core import access
from assure.decisions.models import Proposal

from .models import AgendaItem, Meeting, Outcome, PanelMember, Recommendation
from .quorum import quorum_for


@dataclass
class Review:
    several_panels: list[dict[str, Any]] = field(default_factory=list)
    approve_own_panel_items: list[dict[str, Any]] = field(default_factory=list)
    non_quorate: list[dict[str, Any]] = field(default_factory=list)
    no_legal_adviser: list[Outcome] = field(default_factory=list)
    deferred_twice: list[dict[str, Any]] = field(default_factory=list)
    gateway_to_issue: list[dict[str, Any]] = field(default_factory=list)
    gateway_median_days: float | None = None
    approved_without_audit: list[Any] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)


def arrangements_review(*, user: Any) -> Review:
    report = Review()
    report.several_panels = _several_panels()
    report.approve_own_panel_items = _approve_own_panel_items(user)
    meetings = list(
        Meeting.objects.select_related("panel", "terms").prefetch_related(
            "panel__members", "attendees"
        )
    )
    quorums = {
        m.pk: quorum_for(
            terms=m.terms,
            members=m.panel.members.all(),
            attendee_ids=[u.pk for u in m.attendees.all()],
            on=m.date,
        )
        for m in meetings
    }
    report.non_quorate = [
        {"meeting": m, "missing": quorums[m.pk].missing}
        for m in meetings
        if not quorums[m.pk].quorate
    ]
    visible = access.visible_children(user)
    outcomes = list(
        Outcome.objects.filter(is_current=True, item__child__in=visible)
        .select_related("item__meeting__panel", "item__child", "recorded_by")
        .prefetch_related("item__meeting__attendees")
    )
    report.no_legal_adviser = [
        o for o in outcomes if not quorums[o.item.meeting_id].legal_adviser_present
    ]
    report.deferred_twice = _deferred_twice(visible)
    report.gateway_to_issue = _gateway_to_issue(visible)
    days = [row["days"] for row in report.gateway_to_issue if row["days"] is not None]
    report.gateway_median_days = statistics.median(days) if days else None
    report.approved_without_audit = _approved_without_audit(visible)
    report.conflicts = _conflicts_slipped(outcomes)
    return report


def _conflicts_slipped(outcomes: Any) -> list[dict[str, Any]]:
    """Current outcomes on a proposal where someone with a part in it (conflicts.py) recorded
    the outcome or attended the meeting: what the rule refuses now, found in what was
    recorded before it or around it."""
    from . import conflicts

    on_proposals = [o for o in outcomes if o.item.proposal_id]
    if not on_proposals:
        return []
    by_proposal = {o.item.proposal_id: o for o in on_proposals}
    proposals = {
        p.pk: p
        for p in Proposal.objects.filter(pk__in=list(by_proposal)).select_related(
            "scheme__decision_type"
        )
    }
    parts = conflicts.parts_for(
        proposals.values(), moment_of=lambda p: by_proposal[p.pk].recorded_at
    )
    rows = []
    for outcome in on_proposals:
        proposal = proposals[outcome.item.proposal_id]
        people = parts.get(proposal.pk, {})
        attended = {u.pk: u for u in outcome.item.meeting.attendees.all()}
        found = []
        if outcome.recorded_by_id in people:
            recorder = outcome.recorded_by
            found.append((recorder, "recorded the outcome", people[recorder.pk]))
        found += [
            (person, "attended", people[pk])
            for pk, person in sorted(attended.items())
            if pk in people and pk != outcome.recorded_by_id
        ]
        for person, did, their_parts in found:
            rows.append(
                {
                    "outcome": outcome,
                    "proposal": proposal,
                    "person": person,
                    "did": did,
                    "parts": their_parts,
                }
            )
    return rows


def _several_panels() -> list[dict[str, Any]]:
    by_user: dict[int, dict[str, Any]] = {}
    for m in PanelMember.objects.filter(to_date__isnull=True).select_related("user", "panel"):
        row = by_user.setdefault(m.user_id, {"user": m.user, "panels": set()})
        row["panels"].add(m.panel.name)
    return [
        {"user": r["user"], "panels": sorted(r["panels"])}
        for r in by_user.values()
        if len(r["panels"]) > 1
    ]


def _approve_own_panel_items(user: Any) -> list[dict[str, Any]]:
    """Approvers who put the proposal to panel, or sat on the panel that considered it."""
    from assure.decisions.models import Decision

    decisions = Decision.objects.filter(
        decision=Decision.Kind.APPROVE,
        proposal__child__in=access.visible_children(user),
    ).select_related("by", "proposal__child", "proposal__scheme__decision_type")
    items = (
        AgendaItem.objects.filter(proposal_id__in=decisions.values("proposal_id"))
        .select_related("meeting__panel")
        .prefetch_related("meeting__attendees")
    )
    put, sat = defaultdict(set), defaultdict(set)
    for item in items:
        if item.added_by_id:
            put[item.proposal_id].add(item.added_by_id)
        for person in item.meeting.attendees.all():
            sat[item.proposal_id].add(person.pk)
    rows = []
    for d in decisions:
        how = []
        if d.by_id in put[d.proposal_id]:
            how.append("put it to panel")
        if d.by_id in sat[d.proposal_id]:
            how.append("sat on the panel")
        if how:
            rows.append({"decision": d, "how": " and ".join(how)})
    return rows


def _deferred_twice(visible: Any) -> list[dict[str, Any]]:
    """Proposals (or children, for questions) deferred at two or more outcomes."""
    rows = (
        Outcome.objects.filter(recommendation=Recommendation.DEFER, item__child__in=visible)
        .values("item__child__child_id", "item__proposal_id")
        .annotate(times=Count("pk"))
        .filter(times__gt=1)
        .order_by("-times", "item__child__child_id")
    )
    return [
        {
            "child_id": r["item__child__child_id"],
            "proposal_id": r["item__proposal_id"],
            "times": r["times"],
        }
        for r in rows
    ]


def _gateway_to_issue(visible: Any) -> list[dict[str, Any]]:
    from assure.children.models import Proceedings

    items = list(
        AgendaItem.objects.filter(meeting__panel__slug="legal-gateway", child__in=visible)
        .select_related("meeting", "child")
        .order_by("meeting__date")
    )
    issued: dict[int, list[dt.date]] = defaultdict(list)
    links = Proceedings.children.through.objects.filter(
        child_id__in=[i.child_id for i in items], proceedings__issue_date__isnull=False
    ).values_list("child_id", "proceedings__issue_date")
    for child_id, issue_date in links:
        issued[child_id].append(issue_date)
    rows = []
    for item in items:
        later = sorted(d for d in issued[item.child_id] if d >= item.meeting.date)
        rows.append(
            {
                "item": item,
                "issued": later[0] if later else None,
                "days": (later[0] - item.meeting.date).days if later else None,
            }
        )
    return rows


def _approved_without_audit(visible: Any) -> list[Any]:
    """Approved proposals that did not meet the sign-off's audit rule when they were
    approved: an audit of the child closed within the scheme's window before approval, and
    not graded inadequate (`decisions.gates.audit_met_at`, the gate's own rule)."""
    from assure.decisions.gates import audit_met_at
    from assure.decisions.models import Proposal, Status

    approved = list(
        Proposal.objects.filter(status=Status.APPROVED, child__in=visible)
        .select_related("child", "scheme__decision_type")
        .order_by("decided_at", "pk")
    )
    met = audit_met_at(approved, moment_of=lambda p: p.decided_at)
    return [p for p in approved if not met.get(p.pk, False)]
