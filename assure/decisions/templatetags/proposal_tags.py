from typing import Any

from django import template

from assure.core import access, clock
from assure.decisions import selectors, services
from assure.decisions.gates import unmet_gates_for

register = template.Library()


@register.simple_tag
def child_proposals(child: Any) -> list[dict[str, Any]]:
    """A child's proposals with where each stands (the page has already fetched the child
    through the access policy)."""
    today = clock.today()
    proposals = selectors.proposals_for_child(child=child)
    # Gates apply before the last approval: checked for all such proposals at once.
    unmet = unmet_gates_for([p for p in proposals if _is_last(p)])
    out = []
    for proposal in proposals:
        waiting = services.next_step(proposal)
        out.append(
            {
                "proposal": proposal,
                "next_role": waiting[1] if waiting else None,
                "unmet": unmet.get(proposal.pk, []),
                **selectors.panel_summary(proposal, today=today),
            }
        )
    return out


def _is_last(proposal: Any) -> bool:
    waiting = services.next_step(proposal)
    return waiting is not None and waiting[0] == len(proposal.scheme.chain) - 1


@register.simple_tag(takes_context=True)
def may_raise_proposals(context: Any) -> bool:
    return access.can(context["request"].user, "raise_proposals")


@register.filter
def role_label(slug: str) -> str:
    return str(slug).replace("_", " ").capitalize()
