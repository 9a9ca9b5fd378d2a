"""`assure seed-demo-decisions` on a small demo council: seats, meetings, outcomes and
proposals at each state, all recorded as events; the same every time; --if-empty."""

import datetime as dt
from io import StringIO
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from assure.children.care import exits as care_exits
from assure.children.care import periods as care_periods
from assure.children.care import plans as care_plans
from assure.children.care import sgo as care_sgo
from assure.children.demo import seed_demo
from assure.core import clock
from assure.core.models import DomainEvent
from assure.core.working_days import is_working_day
from assure.decisions import services
from assure.decisions.gates import unmet_gates
from assure.decisions.models import Proposal
from assure.panels.models import AgendaItem, Meeting, Outcome, PanelMember
from assure.panels.services import meeting_quorum
from assure.people.models import User


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
    # The meetings held: the first without a legal adviser; the coming two have no
    # attendance yet (it is recorded on or after the day).
    quorate = [meeting_quorum(m).quorate for m in Meeting.objects.order_by("date")]
    assert quorate == [False, True, True, False, False]
    coming = Meeting.objects.filter(date__gt=clock.today())
    assert coming.count() == 2 and not coming.filter(attendees__isnull=False).exists()
    # Each proposal is written from its child's record: the carer the SGO plan names.
    for proposal in Proposal.objects.select_related("child"):
        carer = proposal.child.permanence_plans.filter(plan="sgo").latest("agreed_date").carer_name
        assert carer and carer in proposal.proposed_plan, proposal.proposed_plan
    # Outcomes are recorded on their meeting's day, their actions owned by a person's name.
    for outcome in Outcome.objects.select_related("item__meeting"):
        assert timezone.localtime(outcome.recorded_at).date() == outcome.item.meeting.date
        assert all(" " in a["owner"] for a in outcome.actions), outcome.actions
    # Panels sit on working days, whatever day the demo is made.
    assert all(is_working_day(m.date) for m in Meeting.objects.all())
    # The chair can sign in with the demo password (the demo runs with DEBUG on).
    chair = User.objects.get(username="panelchair")
    assert chair.has_usable_password() == settings.DEBUG
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

    # Deterministic: the care-plan children are the first of the demo team's children in
    # care with an SGO plan, by ID; the allowance's child is another.
    care_plan_ids = [child_id for child_id, kind, *_ in first if kind == "sgo_care_plan"]
    assert care_plan_ids == sorted(care_plan_ids) and len(care_plan_ids) == 4
    assert len({child_id for child_id, *_ in first}) == 5


def test_demo_meetings_fall_on_working_days_when_made_at_a_weekend():
    from assure.decisions.demo import _working_day

    sunday = dt.datetime(2026, 12, 6, 10, tzinfo=dt.UTC)
    with clock.frozen_at(sunday):
        assert _working_day(14) == dt.date(2026, 12, 21)  # a Sunday: on to the Monday
        assert _working_day(-35) == dt.date(2026, 10, 30)  # a Sunday: back to the Friday
        assert _working_day(-1) == dt.date(2026, 12, 4)  # Saturday: back to the Friday
        assert _working_day(3) == dt.date(2026, 12, 9)  # a Wednesday stays


@pytest.mark.django_db
def test_demo_proposals_record_what_the_childs_record_shows_done():
    seed_demo(children=60)
    call_command("seed_demo_decisions", "--if-empty", stdout=StringIO())
    care_plans = Proposal.objects.filter(scheme__decision_type__slug="sgo_care_plan")
    recorded = set()
    for proposal in care_plans.select_related("child"):
        child, checks = proposal.child, proposal.checklist
        carer = child.permanence_plans.filter(plan="sgo").latest("agreed_date").carer_name
        full = child.sgo_assessments.filter(stage="full", carer_name=carer).last()
        if full is not None and full.completed_date:
            # The rationale's positive full assessment is on the checklist, with its date.
            when = f"{full.completed_date:%-d %B %Y}"
            assert when in proposal.rationale and when in checks["full_assessment"]
        else:
            assert "full_assessment" not in checks, proposal.rationale
        support = child.sgo_support_plans.filter(agreed_date__isnull=False).first()
        assert ("support_plan" in checks) == (support is not None)
        assert ("support plan was agreed" in proposal.rationale) == (support is not None)
        viability = list(child.sgo_assessments.filter(stage="viability"))
        if viability and all(a.completed_date for a in viability):
            for assessment in viability:
                assert assessment.carer_name in checks["viability_assessments"]
        else:
            assert "viability_assessments" not in checks
        # What the story leaves open stays for the proposer and the panel (the deferred
        # panel asks for the contact plan and the legal advice).
        assert not {"wishes_and_feelings", "contact_plan", "legal_advice"} & set(checks)
        recorded |= set(checks)
    assert {"viability_assessments", "full_assessment", "support_plan"} <= recorded


def _record_on(child, on: dt.date):
    """What the child's record says on a date, through the care-history rules."""
    episodes = list(child.episodes.all())
    plan = care_plans.plan_at(child.permanence_plans.order_by("pk"), on)
    left_through_sgo = any(
        e.end_date is not None and e.end_date <= on and care_exits.is_sgo_exit(e.reason_ceased)
        for e in episodes
    )
    return SimpleNamespace(
        looked_after=care_periods.looked_after_on(episodes, on),
        plan_includes_sgo=care_plans.includes_sgo(plan),
        left_through_sgo=left_through_sgo,
        financial_support_agreed=care_sgo.support_plan_agreed(
            child.sgo_support_plans.filter(financial_support=True).values_list(
                "agreed_date", flat=True
            ),
            on,
        ),
    )


@pytest.mark.django_db
def test_every_demo_proposal_fits_its_childs_record():
    seed_demo(children=60)
    call_command("seed_demo_decisions", "--if-empty", stdout=StringIO())
    proposals = Proposal.objects.select_related("child", "scheme__decision_type")
    assert {p.scheme.decision_type.slug for p in proposals} == {
        "sgo_care_plan",
        "sgo_financial_support",
    }
    for proposal in proposals:
        kind = proposal.scheme.decision_type.slug
        on = timezone.localtime(proposal.created_at).date()
        record = _record_on(proposal.child, on)
        if kind == "sgo_financial_support":
            # An allowance is paid to a special guardian under an agreed support plan that
            # gives financial support: the child left care through an SGO or plans one.
            assert record.left_through_sgo or record.plan_includes_sgo, proposal.child_id
            assert record.financial_support_agreed, proposal.child_id
            # No record holds a financial assessment: the means test stays unrecorded, and
            # neither the checklist nor the story says it was done.
            assert "means_test" not in proposal.checklist
            assert "means test" not in proposal.rationale.lower()
            assert set(proposal.checklist) == {"support_plan", "amount_and_review"}
            assert ("left care" in proposal.rationale) == record.left_through_sgo
            # Approved with the means test confirmed as unrecorded, and why.
            last = proposal.decisions.order_by("-at", "-pk").first()
            assert last.unrecorded_checks == ["Financial assessment (2005 Regulations, reg 13)"]
            assert last.unrecorded_reason
        else:
            # Every other decision type changes the care plan of a child in care (or
            # discharges their care order): looked after on the proposal's date.
            assert record.looked_after, (proposal.child_id, kind)
            assert record.plan_includes_sgo, (proposal.child_id, kind)
    # The discharge panel's question is about a child on a care order with no support plan
    # yet, as its outcome says.
    for item in AgendaItem.objects.filter(proposal__isnull=True).select_related("meeting"):
        child = item.child
        assert care_periods.looked_after_on(list(child.episodes.all()), item.meeting.date)
        agreed = child.sgo_support_plans.values_list("agreed_date", flat=True)
        assert not care_sgo.support_plan_agreed(agreed, item.meeting.date), child.child_id
