"""Every write about proposals and the scheme of delegation. Each validates against the
transition table (workflow.py), writes and records a domain event on the child's history in
one transaction."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from assure.children.models import PermanencePlan
from assure.core import access, clock, events

from . import workflow
from .gates import unrecorded_checks
from .models import Decision, DecisionType, Gate, Proposal, SchemeVersion, Status

# The workflow's refusals and reads, as the pages and the API have always found them here.
from .workflow import ChecksNotRecorded as ChecksNotRecorded
from .workflow import GatesUnmet as GatesUnmet
from .workflow import TransitionRefused as TransitionRefused
from .workflow import current_decisions as current_decisions
from .workflow import next_step as next_step
from .workflow import refusal_for as refusal_for


def steps(proposal: Proposal) -> list[dict[str, Any]]:
    """Each step of the chain with where it stands in this round."""
    decided = {d.step: d for d in current_decisions(proposal)}
    waiting = next_step(proposal)
    out = []
    for index, role in enumerate(proposal.scheme.chain):
        decision = decided.get(index)
        if decision is not None:
            status = {"approve": "approved", "return": "returned", "reject": "rejected"}[
                decision.decision
            ]
        elif waiting and waiting[0] == index:
            status = "waiting"
        else:
            status = "pending"
        out.append({"role": role, "status": status, "decision": decision})
    return out


def _scheme_for(slug: str) -> SchemeVersion:
    scheme = (
        SchemeVersion.objects.select_related("decision_type")
        .filter(decision_type__slug=slug)
        .order_by("-version")
        .first()
    )
    if scheme is None:
        raise ValidationError(f"Unknown decision type {slug!r}.")
    return scheme


def _clean_links(links: list[dict[str, str]]) -> list[dict[str, str]]:
    cleaned = []
    for link in links:
        url = str(link.get("url", "")).strip()
        if not url.startswith(("https://", "http://")):
            raise ValidationError("Each document needs a link starting https:// or http://.")
        cleaned.append({"title": str(link.get("title", "")).strip()[:200] or url, "url": url})
    return cleaned


def _clean_checklist(scheme: SchemeVersion, checklist: dict[str, str]) -> dict[str, str]:
    keys = {item["key"] for item in scheme.checklist}
    unknown = sorted(set(checklist) - keys)
    if unknown:
        raise ValidationError(f"Not on this decision's checklist: {', '.join(unknown)}.")
    return {k: str(v).strip() for k, v in checklist.items() if str(v).strip()}


@transaction.atomic
def proposal_create(
    *,
    child: Any,
    decision_type: str,
    proposed_plan: str,
    rationale: str,
    actor: Any,
    checklist: dict[str, str] | None = None,
    documents: list[dict[str, str]] | None = None,
    supersedes: Proposal | None = None,
) -> Proposal:
    if not access.can(actor, "raise_proposals"):
        raise PermissionDenied("You may not raise proposals.")
    if not access.visible_children(actor).filter(pk=child.pk).exists():
        raise PermissionDenied("You may not see this child.")
    if not proposed_plan.strip() or not rationale.strip():
        raise ValidationError("Give the proposed plan and the rationale.")
    if supersedes is not None and (
        supersedes.child_id != child.pk or supersedes.status not in workflow.FINAL
    ):
        raise ValidationError("Only a decided proposal for the same child can be superseded.")
    scheme = _scheme_for(decision_type)
    proposal = Proposal.objects.create(
        child=child,
        scheme=scheme,
        proposed_plan=proposed_plan.strip(),
        rationale=rationale.strip(),
        checklist=_clean_checklist(scheme, checklist or {}),
        documents=_clean_links(documents or []),
        proposer=actor,
        created_at=clock.now(),
        supersedes=supersedes,
    )
    events.record(
        actor=actor,
        verb="proposal_created",
        obj=proposal,
        child=child,
        summary=f"Proposal raised: {scheme.decision_type.name}",
        data={
            "decision_type": decision_type,
            "scheme_version": scheme.version,
            "proposed_plan": proposal.proposed_plan,
            "rationale": proposal.rationale,
            "supersedes": getattr(supersedes, "pk", None),
        },
    )
    return proposal


def _lock(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update()
        .select_related("scheme__decision_type", "child")
        .get(pk=proposal.pk)
    )


@transaction.atomic
def proposal_update(*, proposal: Proposal, actor: Any, **changes: Any) -> Proposal:
    """The proposer changes the proposal while it is open. Changing a material field after
    any approval clears this round's approvals: the chain starts again."""
    proposal = _lock(proposal)
    if actor.pk != proposal.proposer_id:
        raise PermissionDenied("Only the proposer changes a proposal.")
    if proposal.status not in workflow.EDITABLE:
        raise TransitionRefused(f"A {proposal.status} proposal is not changed: raise a new one.")
    unknown = sorted(set(changes) - set(workflow.MATERIAL_FIELDS))
    if unknown:
        raise ValidationError(f"Cannot change {', '.join(unknown)}.")
    if "checklist" in changes:
        changes["checklist"] = _clean_checklist(proposal.scheme, changes["checklist"])
    if "documents" in changes:
        changes["documents"] = _clean_links(changes["documents"])
    before = {k: getattr(proposal, k) for k in changes}
    changed = {k: v for k, v in changes.items() if v != before[k]}
    if not changed:
        return proposal
    approved = any(d.decision == Decision.Kind.APPROVE for d in current_decisions(proposal))
    for field, value in changed.items():
        setattr(proposal, field, value)
    restart = proposal.status == Status.SUBMITTED and approved
    if restart:
        proposal.round += 1
    proposal.save(update_fields=[*changed, "round"])
    events.record(
        actor=actor,
        verb="proposal_changed",
        obj=proposal,
        child=proposal.child,
        summary="Proposal changed"
        + ("; approvals cleared, the chain starts again" if restart else ""),
        data={
            "before": {k: before[k] for k in changed},
            "after": changed,
            "chain_restarted": restart,
            "round": proposal.round,
        },
    )
    return proposal


@transaction.atomic
def proposal_submit(*, proposal: Proposal, actor: Any) -> Proposal:
    proposal = _lock(proposal)
    to = workflow.WORKFLOW.check(
        state=proposal.status, action=workflow.SUBMIT, record=proposal, user=actor
    ).target
    before = proposal.status
    if before == Status.RETURNED:
        proposal.round += 1  # a returned proposal goes through the whole chain again
    proposal.status = to
    proposal.submitted_at = clock.now()
    proposal.save(update_fields=["status", "round", "submitted_at"])
    events.record(
        actor=actor,
        verb="proposal_submitted",
        obj=proposal,
        child=proposal.child,
        summary=f"Proposal submitted: {proposal.scheme.decision_type.name}",
        data={"from": before, "to": to, "round": proposal.round},
    )
    return proposal


def _refuse_a_repeat(*, proposal: Proposal, decision: str, actor: Any) -> None:
    """The same person's same decision again (a second click, a retried request) is a 409
    that names the first, never a second decision. (Another decision by them at a later step
    is the workflow's 403: nobody decides two steps of one chain.)"""
    for earlier in current_decisions(proposal):
        if earlier.by_id == actor.pk and earlier.decision == decision:
            raise TransitionRefused(
                f"Already decided: you chose {earlier.get_decision_display().lower()} "
                f"on {earlier.at:%d %B %Y at %H:%M}, and nobody decides two steps of one chain."
            )


@transaction.atomic
def proposal_decide(
    *,
    proposal: Proposal,
    decision: str,
    actor: Any,
    comment: str = "",
    confirm_unrecorded: bool = False,
    unrecorded_reason: str = "",
) -> Proposal:
    """The next approver approves, returns or rejects. The last approval needs the gates,
    and each due-diligence item recorded or, for those not, `confirm_unrecorded` with an
    `unrecorded_reason` (kept on the decision and in the child's history)."""
    proposal = _lock(proposal)
    if decision not in Decision.Kind.values:
        raise ValidationError("The decision must be approve, return or reject.")
    _refuse_a_repeat(proposal=proposal, decision=decision, actor=actor)
    to = workflow.WORKFLOW.check(
        state=proposal.status,
        action=decision,
        record=proposal,
        user=actor,
        params={
            "comment": comment,
            "confirm_unrecorded": confirm_unrecorded,
            "unrecorded_reason": unrecorded_reason,
        },
    ).target
    index, role = next_step(proposal)  # type: ignore[misc]
    last = index == len(proposal.scheme.chain) - 1
    unrecorded: list[dict[str, str]] = []
    if decision == Decision.Kind.APPROVE and last:
        to = Status.APPROVED
        unrecorded = unrecorded_checks(proposal)
    record = Decision.objects.create(
        proposal=proposal,
        round=proposal.round,
        step=index,
        role=role,
        decision=decision,
        comment=comment.strip(),
        unrecorded_checks=[item["label"] for item in unrecorded],
        unrecorded_reason=unrecorded_reason.strip() if unrecorded else "",
        by=actor,
        at=clock.now(),
    )
    before = proposal.status
    proposal.status = to
    if to in workflow.FINAL:
        proposal.decided_at = record.at
    proposal.save(update_fields=["status", "decided_at"])
    events.record(
        actor=actor,
        verb=f"proposal_{record.get_decision_display().lower()}",
        obj=proposal,
        child=proposal.child,
        summary=f"{record.get_decision_display()} by the {role.replace('_', ' ')}"
        + (f": {record.comment}" if record.comment else "")
        + (
            f". Approved with {len(unrecorded)} due-diligence item"
            f"{'s' if len(unrecorded) > 1 else ''} not recorded, because: "
            f"{record.unrecorded_reason}"
            if unrecorded
            else ""
        ),
        data={
            "step": index,
            "role": role,
            "decision": decision,
            "comment": record.comment,
            "from": before,
            "to": to,
            "round": proposal.round,
            "gates_checked": list(proposal.scheme.gates) if last and decision == "approve" else [],
            "unrecorded_checks": [item["key"] for item in unrecorded],
            "unrecorded_reason": record.unrecorded_reason,
        },
    )
    if to == Status.APPROVED and proposal.scheme.sets_plan:
        _set_plan(proposal=proposal, actor=actor)
    return proposal


def _set_plan(*, proposal: Proposal, actor: Any) -> PermanencePlan:
    plan = PermanencePlan.objects.create(
        child=proposal.child,
        plan=proposal.scheme.sets_plan,
        agreed_date=clock.today(),
        source=PermanencePlan.Source.PROPOSAL,
    )
    events.record(
        actor=actor,
        verb="permanence_plan_set",
        obj=plan,
        child=proposal.child,
        summary=f"Permanence plan set to {plan.get_plan_display()} by approved proposal",
        data={"proposal": proposal.pk, "plan": plan.plan},
    )
    return plan


@transaction.atomic
def scheme_revise(
    *,
    decision_type: DecisionType,
    actor: Any,
    chain: list[str],
    checklist: list[dict[str, str]],
    gates: list[str],
    gate_panels: list[str] | None = None,
    audit_within_days: int = 90,
    sets_plan: str = "",
    rationale: str = "",
) -> SchemeVersion:
    """The assurance lead or director revises a decision type: always a new version, so a
    proposal keeps the scheme it was raised under."""
    access.require(
        actor, "manage_scheme", f"Only {access.who_may('manage_scheme')} maintains the scheme."
    )
    approvers = [role for role, _ in access.approver_roles()]
    if not chain or any(role not in approvers for role in chain):
        raise ValidationError(f"Each approver must be one of {', '.join(approvers)}.")
    if any(g not in Gate.values for g in gates):
        raise ValidationError(f"Gates must be among {', '.join(Gate.values)}.")
    if Gate.PANEL in gates and not gate_panels:
        raise ValidationError("Name the panels whose support meets the panel gate.")
    latest = decision_type.versions.order_by("-version").first()
    scheme = SchemeVersion.objects.create(
        decision_type=decision_type,
        version=(latest.version + 1) if latest else 1,
        chain=list(chain),
        checklist=list(checklist),
        gates=list(gates),
        gate_panels=list(gate_panels or []),
        audit_within_days=audit_within_days,
        sets_plan=sets_plan,
        rationale=rationale,
        created_at=clock.now(),
        created_by=actor,
    )
    events.record(
        actor=actor,
        verb="scheme_revised",
        obj=scheme,
        summary=f"Scheme of delegation: {decision_type.name} version {scheme.version}",
        data={"chain": chain, "gates": gates, "gate_panels": gate_panels or []},
    )
    return scheme
