"""Data protection's writes: a new version of a retention rule, legal holds placed and
lifted, and deletion proposals from proposal to deletion. Each validates, writes and records
a domain event in one transaction (ARCHITECTURE rule 3); the proposal's moves are its
workflow's (workflow.py).

The deletion of records is recorded by an event that survives it: who proposed, who
approved, who carried it out, under which rule, and how many rows of each kind went. It
names no child and keeps none of the deleted values.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import Http404

from assure.children.models import Child
from assure.core import access, clock, events
from assure.core.models import AccessEvent

from . import erasure, retention, selectors
from .models import DeletionItem, DeletionProposal, Kind, LegalHold, RetentionRule
from .workflow import APPROVE, DELETE, REJECT, WORKFLOW, Refused, offered


def _person(user: Any) -> dict[str, Any]:
    return {"id": user.pk, "username": user.username, "name": user.display_name}


# --- retention rules ------------------------------------------------------------------------


@transaction.atomic
def retention_rule_change(
    *,
    actor: Any,
    kind: str,
    years: int,
    note: str,
    years_after_death: int | None = None,
    source: str | None = None,
) -> RetentionRule:
    """A new version of a kind's rule, in force from now. The law's periods may be made
    longer, never shorter; earlier versions stay as they were."""
    access.require(
        actor, "manage_retention", f"Only {access.who_may('manage_retention')} may change it."
    )
    if kind not in Kind.values:
        raise ValidationError(f"Unknown kind of record {kind!r}.")
    note = note.strip()
    if not note:
        raise ValidationError({"note": "Say why the rule changes."})
    RetentionRule.objects.select_for_update().filter(kind=kind).exists()
    latest = RetentionRule.objects.filter(kind=kind).order_by("-version").first()
    if latest is None:
        raise ValidationError(f"There is no rule for {kind!r} to change.")
    info = retention.KINDS[kind]
    problems: dict[str, str] = {}
    if years < 1:
        problems["years"] = "Keep the record for at least a year."
    elif info.law_minimum_years and years < info.law_minimum_years:
        problems["years"] = (
            f"The law requires at least {info.law_minimum_years} years: a council may keep "
            "records longer, never shorter."
        )
    if info.law_minimum_years_after_death is not None:
        if years_after_death is None:
            problems["years_after_death"] = "Enter the years kept after a child's death."
        elif years_after_death < info.law_minimum_years_after_death:
            problems["years_after_death"] = (
                f"The law requires at least {info.law_minimum_years_after_death} years after "
                "the death of a child who dies before 18."
            )
    else:
        years_after_death = None
    if problems:
        raise ValidationError(problems)
    version = (RetentionRule.objects.filter(kind=kind).aggregate(v=Max("version"))["v"] or 0) + 1
    rule = RetentionRule.objects.create(
        kind=kind,
        version=version,
        years=years,
        years_after_death=years_after_death,
        set_by_law=latest.set_by_law,
        source=(source or "").strip() or latest.source,
        source_url=latest.source_url,
        note=note[:300],
        created_at=clock.now(),
        created_by=actor,
    )
    events.record(
        actor=actor,
        verb="retention_rule_changed",
        obj=rule,
        summary=f"{rule.get_kind_display()}: retention rule version {version}",
        data={
            "kind": kind,
            "before": {"years": latest.years, "years_after_death": latest.years_after_death},
            "after": {"years": years, "years_after_death": years_after_death},
            "note": note[:300],
        },
    )
    return rule


# --- legal holds ----------------------------------------------------------------------------


def _visible(actor: Any, child: Child) -> None:
    if not access.visible_children(actor).filter(pk=child.pk).exists():
        raise Http404("No child with that ID")


@transaction.atomic
def legal_hold_place(*, actor: Any, child: Child, reason: str) -> LegalHold:
    """Hold a child's record: nothing of it may be deleted until the hold is lifted."""
    access.require(actor, "manage_legal_holds")
    _visible(actor, child)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the record is held (the matter, not details)."})
    # Take the child's row, so that a deletion under way finishes first or waits for this.
    Child.objects.select_for_update().filter(pk=child.pk).exists()
    hold = LegalHold.objects.create(
        child=child, reason=reason, placed_by=actor, placed_at=clock.now()
    )
    events.record(
        actor=actor,
        verb="legal_hold_placed",
        obj=hold,
        child=child,
        summary="Legal hold placed",
        data={"reason": reason},
    )
    return hold


@transaction.atomic
def legal_hold_lift(*, actor: Any, hold: LegalHold, reason: str) -> LegalHold:
    access.require(actor, "manage_legal_holds")
    _visible(actor, hold.child)
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if hold.lifted_at is not None:
        raise Refused("This hold has already been lifted.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the hold is lifted."})
    hold.lifted_by = actor
    hold.lifted_at = clock.now()
    hold.lift_reason = reason
    hold.save(update_fields=["lifted_by", "lifted_at", "lift_reason"])
    events.record(
        actor=actor,
        verb="legal_hold_lifted",
        obj=hold,
        child=hold.child,
        summary="Legal hold lifted",
        data={"reason": reason},
    )
    return hold


# --- deletion proposals ---------------------------------------------------------------------


@transaction.atomic
def deletion_propose(*, actor: Any, kind: str, note: str = "") -> DeletionProposal:
    """Propose deleting the records of one kind past their period today: for children, each
    child whose record that rule ends (held children and those already proposed left out);
    for the access log and import records, everything before the cut-off."""
    access.require(
        actor, "propose_deletion", f"Only {access.who_may('propose_deletion')} may propose it."
    )
    if kind not in Kind.values:
        raise ValidationError(f"Unknown kind of record {kind!r}.")
    today = clock.today()
    rules = selectors.current_rules()
    rule = rules[kind]
    common = {
        "kind": kind,
        "rule": rule,
        "as_of": today,
        "note": note.strip(),
        "proposed_by": actor,
        "proposed_at": clock.now(),
    }
    if kind in retention.CHILD_KINDS:
        due = [
            c
            for c in selectors.children_past_retention(on=today, years=selectors.years_of(rules))
            if c.kind == kind and not c.held and not c.proposed
        ]
        if not due:
            raise Refused("No record of this kind is past its retention period and free to go.")
        proposal = DeletionProposal.objects.create(count=len(due), **common)
        DeletionItem.objects.bulk_create(
            [DeletionItem(proposal=proposal, child_id=c.pk, due=c.due) for c in due]
        )
    else:
        if DeletionProposal.objects.filter(kind=kind, status__in=selectors.OPEN).exists():
            raise Refused("A proposal for these records is already open: decide it first.")
        cutoff = retention.cutoff(rule.years, today)
        held = selectors.held_child_ids()
        if kind == Kind.ACCESS_LOG:
            entries = AccessEvent.objects.filter(at__lt=cutoff)
            count = entries.exclude(child_id__in=held).count() if held else entries.count()
        else:
            count = (
                selectors.old_import_runs(cutoff, held).count()
                + selectors.old_uploads(cutoff).count()
            )
        if not count:
            raise Refused("No record of this kind is past its retention period.")
        proposal = DeletionProposal.objects.create(count=count, cutoff=cutoff, **common)
    events.record(
        actor=actor,
        verb="deletion_proposed",
        obj=proposal,
        summary=f"Deletion proposed: {proposal.count} × {proposal.get_kind_display().lower()}",
        data={"kind": kind, "count": proposal.count, "rule_version": rule.version},
    )
    return proposal


def _locked(proposal: DeletionProposal) -> DeletionProposal:
    return DeletionProposal.objects.select_for_update().select_related("rule").get(pk=proposal.pk)


DONE = {APPROVE: "approved", REJECT: "rejected", DELETE: "carried out"}


def _check(proposal: DeletionProposal, action: str, actor: Any) -> None:
    state = WORKFLOW.label(proposal.status)
    WORKFLOW.check(
        state=proposal.status,
        action=action,
        record=proposal,
        user=actor,
        unknown=f"A deletion proposal that is {state} cannot be {DONE[action]}.",
    )


@transaction.atomic
def deletion_approve(*, actor: Any, proposal: DeletionProposal) -> DeletionProposal:
    proposal = _locked(proposal)
    _check(proposal, APPROVE, actor)
    proposal.status = DeletionProposal.Status.APPROVED
    proposal.approved_by = actor
    proposal.approved_at = clock.now()
    proposal.save(update_fields=["status", "approved_by", "approved_at"])
    events.record(
        actor=actor,
        verb="deletion_approved",
        obj=proposal,
        summary=f"Deletion approved: {proposal.count} × {proposal.get_kind_display().lower()}",
        data={"proposed_by": _person(proposal.proposed_by), "count": proposal.count},
    )
    return proposal


@transaction.atomic
def deletion_reject(*, actor: Any, proposal: DeletionProposal, reason: str) -> DeletionProposal:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the proposal is rejected."})
    proposal = _locked(proposal)
    _check(proposal, REJECT, actor)
    proposal.status = DeletionProposal.Status.REJECTED
    proposal.rejected_by = actor
    proposal.rejected_at = clock.now()
    proposal.rejection_reason = reason
    proposal.save(update_fields=["status", "rejected_by", "rejected_at", "rejection_reason"])
    events.record(
        actor=actor,
        verb="deletion_rejected",
        obj=proposal,
        summary="Deletion proposal rejected",
        data={"reason": reason},
    )
    return proposal


@transaction.atomic
def deletion_carry_out(*, actor: Any, proposal: DeletionProposal) -> DeletionProposal:
    """Delete what an approved proposal names, all of it or nothing, and record what went."""
    proposal = _locked(proposal)
    _check(proposal, DELETE, actor)
    tag = str(proposal.pk)
    if proposal.kind in retention.CHILD_KINDS:
        pks = list(
            DeletionItem.objects.filter(proposal=proposal).values_list("child_id", flat=True)
        )
        result = erasure.erase_children(pks=pks, tag=tag)
        children = len(pks)
    elif proposal.kind == Kind.ACCESS_LOG:
        result = erasure.erase_access_log(before=proposal.cutoff, held=selectors.held_child_ids())
        children = 0
    else:
        result = erasure.erase_import_records(
            before=proposal.cutoff, held=selectors.held_child_ids()
        )
        children = 0
    proposal.status = DeletionProposal.Status.DELETED
    proposal.deleted_by = actor
    proposal.deleted_at = clock.now()
    proposal.result = {"children": children, **result}
    proposal.save(update_fields=["status", "deleted_by", "deleted_at", "result"])
    deleted = sum(result.get(erasure.DELETE, {}).values())
    events.record(
        actor=actor,
        verb="deletion_carried_out",
        obj=proposal,
        summary=(
            f"Deleted {proposal.get_kind_display().lower()} past retention "
            f"({deleted} rows), proposed by {proposal.proposed_by.display_name}, "
            f"approved by {proposal.approved_by.display_name}"  # type: ignore[union-attr]
        ),
        data={
            "kind": proposal.kind,
            "rule_version": proposal.rule.version,
            "as_of": proposal.as_of.isoformat(),
            "proposed_by": _person(proposal.proposed_by),
            "approved_by": _person(proposal.approved_by),
            "deleted_by": _person(actor),
            "children": children,
            **result,
        },
    )
    return proposal


def may(user: Any, proposal: DeletionProposal) -> dict[str, bool]:
    """Which of the proposal's moves this person is offered (the page's buttons)."""
    moves = offered(user=user, proposal=proposal)
    return {action: action in moves for action in (APPROVE, REJECT, DELETE)}
