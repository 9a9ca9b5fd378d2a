from typing import Any

from django import template

from assure.core import access, clock
from assure.decisions import selectors

register = template.Library()


@register.simple_tag
def child_proposals(child: Any) -> list[dict[str, Any]]:
    """A child's proposals with where each stands today (the page has already fetched the
    child through the access policy): the same standing and panel rule as the tracker's."""
    today = clock.today()
    proposals = selectors.proposals_for_child(child=child)
    standings = selectors.proposal_standings(proposals)
    return [
        {
            "proposal": proposal,
            "next_role": standings[proposal.pk].next_role,
            "unmet": standings[proposal.pk].unmet,
            **selectors.panel_summary(proposal, today=today),
        }
        for proposal in proposals
    ]


@register.simple_tag(takes_context=True)
def may_raise_proposals(context: Any) -> bool:
    return access.can(context["request"].user, "raise_proposals")


@register.filter
def role_label(slug: str) -> str:
    return str(slug).replace("_", " ").capitalize()
