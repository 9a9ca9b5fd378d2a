"""`assure seed-demo-decisions` on a small demo council: seats, meetings, outcomes and
proposals at each state, all recorded as events; the same every time; --if-empty."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assure.children.demo import seed_demo
from assure.core.models import DomainEvent
from assure.decisions import services
from assure.decisions.gates import unmet_gates
from assure.decisions.models import Proposal
from assure.panels.models import Meeting, Outcome, PanelMember
from assure.panels.services import meeting_quorum


def _summary() -> list[tuple]:
    return [
        (
            p.child.child_id,
            p.scheme.decision_type.slug,
            p.status,
            (services.next_step(p) or (None, None))[1],
            tuple(unmet_gates(proposal=p)) if p.status == "submitted" else (),
        )
        for p in Proposal.objects.select_related("child", "scheme__decision_type").order_by("id")
    ]


@pytest.mark.django_db
def test_seed_demo_decisions():
    seed_demo(children=60)
    out = StringIO()
    call_command("seed_demo_decisions", "--if-empty", stdout=out)
    assert "Seeded 8 panel seats, 5 meetings and 5 proposals" in out.getvalue()

    states = [(status, step, gates) for _, _, status, step, gates in _summary()]
    assert states == [
        ("draft", None, ()),
        ("submitted", "team_manager", ("audit", "panel")),
        ("submitted", "head_of_service", ("audit", "panel")),
        ("submitted", "head_of_service", ("audit",)),
        ("approved", None, ()),
    ]
    assert {m.user.username for m in PanelMember.objects.select_related("user")} >= {
        "panel",
        "legal",
        "panelchair",
    }
    quorate = [meeting_quorum(m).quorate for m in Meeting.objects.order_by("date")]
    assert quorate == [False, True, True, True, True]
    assert sorted(Outcome.objects.values_list("recommendation", flat=True)) == [
        "defer",
        "not_support",
        "support",
    ]
    verbs = set(DomainEvent.objects.values_list("verb", flat=True))
    assert {"proposal_created", "proposal_submitted", "proposal_approved"} <= verbs
    assert {"panel_member_added", "panel_meeting_created", "panel_outcome_recorded"} <= verbs

    # --if-empty leaves it alone; without it, the command refuses.
    first = _summary()
    call_command("seed_demo_decisions", "--if-empty", stdout=StringIO())
    assert Proposal.objects.count() == 5
    with pytest.raises(CommandError, match="proposals already"):
        call_command("seed_demo_decisions", stdout=StringIO())

    # Deterministic: the children are the first of the demo team's SGO children by ID.
    ids = [child_id for child_id, *_ in first]
    assert ids == sorted(ids) and len(set(ids)) == 5
