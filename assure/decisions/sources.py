"""Proposals and their decisions as a source for the whole-family chronology."""

from collections.abc import Iterator

from assure.families.chronology import SourceEvent, register_source

from .models import Decision, Proposal


def proposal_events(child_pks: frozenset[int]) -> Iterator[SourceEvent]:
    proposals = Proposal.objects.filter(child_id__in=child_pks).select_related(
        "scheme__decision_type", "proposer"
    )
    for proposal in proposals:
        yield SourceEvent(
            key=f"proposal:{proposal.pk}",
            date=proposal.created_at.date(),
            child_pks=(proposal.child_id,),
            kind="proposal",
            summary=f"Proposal raised: {proposal.scheme.decision_type.name}",
            detail=(f"By {proposal.proposer.display_name}", f"Now {proposal.get_status_display()}"),
        )
    decisions = Decision.objects.filter(proposal__child_id__in=child_pks).select_related(
        "proposal__scheme__decision_type", "by"
    )
    for decision in decisions:
        yield SourceEvent(
            key=f"decision:{decision.pk}",
            date=decision.at.date(),
            child_pks=(decision.proposal.child_id,),
            kind="proposal",
            summary=(
                f"{decision.proposal.scheme.decision_type.name}: {decision.get_decision_display()}"
                f" by the {decision.role.replace('_', ' ')}"
            ),
            detail=tuple(
                line for line in (f"By {decision.by.display_name}", decision.comment) if line
            ),
        )


def register() -> None:
    register_source("proposals", proposal_events, kinds={"proposal": "Proposals and sign-off"})
