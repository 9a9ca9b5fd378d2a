"""Every write about proposals and the scheme of delegation. Each validates against the
transition table (workflow.py), writes and records a domain event on the child's history in
one transaction."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from assure.children.models import PermanencePlan
from assure.core import access, clock, events
from assure.people.roles import Role

from . import workflow
from .gates import unmet_gates
from .models import Decision, DecisionType, Gate, Proposal, SchemeVersion, Status


class GatesUnmet(ValidationError):
    """A gate does not hold yet (the API answers 409 with the gates)."""

    def __init__(self, gates: list[str]) -> None:
        self.gates = gates
        super().__init__(f"Not yet: {', '.join(gates)} gate{'s' if len(gates) > 1 else ''} unmet.")


class TransitionRefused(ValidationError):
    """The transition table does not allow this (the API answers 409)."""


# Which roles oversee a team through User.teams. A director oversees every team.
TEAM_AUTHORITY_ROLES = frozenset({Role.TEAM_MANAGER, Role.SERVICE_MANAGER, Role.HEAD_OF_SERVICE})


def holds_authority(*, user: Any, role: str, child: Any) -> bool:
    """Does this user hold `role` over the child's team?"""
    if not getattr(user, "is_active", False) or role not in user.role_slugs:
        return False
    if role == Role.DIRECTOR:
        return True
    if role in TEAM_AUTHORITY_ROLES:
        return child.team_id is not None and user.teams.filter(pk=child.team_id).exists()
    return False


def current_decisions(proposal: Proposal) -> list[Decision]:
    """This round's decisions, from prefetched `decisions` when they are there."""
    return sorted(
        (d for d in proposal.decisions.all() if d.round == proposal.round), key=lambda d: d.step
    )


def next_step(proposal: Proposal) -> tuple[int, str] | None:
    """The step waiting for a decision, if the proposal is with the approvers."""
    if proposal.status != Status.SUBMITTED:
        return None
    done = len([d for d in current_decisions(proposal) if d.decision == Decision.Kind.APPROVE])
    chain = proposal.scheme.chain
    return (done, chain[done]) if done < len(chain) else None


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


_PAST = {"submit": "submitted", "approve": "approved", "return": "returned", "reject": "rejected"}


def _refuse_unless(proposal: Proposal, action: str) -> str:
    to = workflow.next_status(proposal.status, action)
    if to is None:
        raise TransitionRefused(f"A {proposal.status} proposal cannot be {_PAST[action]}.")
    return to


@transaction.atomic
def proposal_submit(*, proposal: Proposal, actor: Any) -> Proposal:
    proposal = _lock(proposal)
    if actor.pk != proposal.proposer_id:
        raise PermissionDenied("Only the proposer submits a proposal.")
    to = _refuse_unless(proposal, workflow.SUBMIT)
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


def refusal_for(*, proposal: Proposal, actor: Any) -> str | None:
    """Why this person may not decide the waiting step, or None if they may."""
    waiting = next_step(proposal)
    if waiting is None:
        return "No step is waiting for a decision."
    index, role = waiting
    if actor.pk == proposal.proposer_id:
        return "Nobody approves their own proposal."
    if any(d.by_id == actor.pk for d in current_decisions(proposal)):
        return "Nobody decides two steps of one chain."
    if not holds_authority(user=actor, role=role, child=proposal.child):
        return f"This step needs a {role.replace('_', ' ')} over the child's team."
    return None


@transaction.atomic
def proposal_decide(
    *, proposal: Proposal, decision: str, actor: Any, comment: str = ""
) -> Proposal:
    """The next approver approves, returns or rejects. The last approval needs the gates."""
    proposal = _lock(proposal)
    if decision not in Decision.Kind.values:
        raise ValidationError("The decision must be approve, return or reject.")
    to = _refuse_unless(proposal, decision)
    refusal = refusal_for(proposal=proposal, actor=actor)
    if refusal:
        raise PermissionDenied(refusal)
    index, role = next_step(proposal)  # type: ignore[misc]
    last = index == len(proposal.scheme.chain) - 1
    if decision != Decision.Kind.APPROVE and not comment.strip():
        raise ValidationError("Say why in a comment when you return or reject.")
    if decision == Decision.Kind.APPROVE and last:
        unmet = unmet_gates(proposal=proposal)
        if unmet:
            raise GatesUnmet(unmet)
        to = Status.APPROVED
    record = Decision.objects.create(
        proposal=proposal,
        round=proposal.round,
        step=index,
        role=role,
        decision=decision,
        comment=comment.strip(),
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
        + (f": {record.comment}" if record.comment else ""),
        data={
            "step": index,
            "role": role,
            "decision": decision,
            "comment": record.comment,
            "from": before,
            "to": to,
            "round": proposal.round,
            "gates_checked": list(proposal.scheme.gates) if last and decision == "approve" else [],
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
    if not access.can(actor, "manage_scheme"):
        raise PermissionDenied("Only the assurance lead or a director maintains the scheme.")
    approvers = TEAM_AUTHORITY_ROLES | {Role.DIRECTOR}
    if not chain or any(role not in approvers for role in chain):
        raise ValidationError(f"Each approver must be one of {', '.join(sorted(approvers))}.")
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
