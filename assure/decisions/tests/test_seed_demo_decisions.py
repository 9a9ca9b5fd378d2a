"""`assure seed-demo-decisions` on a small demo council: seats, meetings, outcomes and
proposals at each state, all recorded as events, each on its day and in the order things
happen; the same every time; --if-empty."""

import datetime as dt
import html
import re
from io import StringIO
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
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
from assure.decisions.demo import Timeline, sgo_plan_on, timeline
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
    # Each proposal is written from its child's record: the carer the SGO plan in force on
    # the day it was drafted names.
    for proposal in Proposal.objects.select_related("child"):
        carer = sgo_plan_on(proposal.child, _drafted(proposal)).carer_name
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


def _drafted(proposal: Proposal) -> dt.date:
    return timezone.localtime(proposal.created_at).date()


def _dates_in(text: str) -> list[dt.date]:
    """The dates a text gives the house way ("1 February 2026")."""
    return [
        dt.datetime.strptime(found, "%d %B %Y").date()
        for found in re.findall(r"\b\d{1,2} [A-Z][a-z]+ \d{4}\b", text)
    ]


@pytest.mark.django_db
def test_demo_proposals_record_what_the_childs_record_shows_done():
    seed_demo(children=60)
    call_command("seed_demo_decisions", "--if-empty", stdout=StringIO())
    care_plans = Proposal.objects.filter(scheme__decision_type__slug="sgo_care_plan")
    recorded = set()
    for proposal in care_plans.select_related("child"):
        # The record as it stood on the day the proposal was written: nothing done later.
        child, checks, on = proposal.child, proposal.checklist, _drafted(proposal)
        assert all(day <= on for day in _dates_in(proposal.rationale)), proposal.rationale
        carer = sgo_plan_on(child, on).carer_name
        started = [a for a in child.sgo_assessments.all() if care_sgo.known_on(a, on)]
        full = next(
            (a for a in reversed(started) if a.stage == "full" and a.carer_name == carer), None
        )
        if full is not None and full.completed_date and full.completed_date <= on:
            # The rationale's positive full assessment is on the checklist, with its date.
            when = f"{full.completed_date:%-d %B %Y}"
            assert when in proposal.rationale and when in checks["full_assessment"]
        else:
            assert "full_assessment" not in checks, proposal.rationale
        support = child.sgo_support_plans.filter(agreed_date__lte=on).first()
        assert ("support_plan" in checks) == (support is not None)
        assert ("support plan was agreed" in proposal.rationale) == (support is not None)
        viability = [a for a in started if a.stage == "viability"]
        if viability and all(a.completed_date and a.completed_date <= on for a in viability):
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


# --- everything in the order it happens ---------------------------------------------------


def _local(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _event_moments(obj: object) -> list[tuple[str, dt.datetime]]:
    """(verb, at) of the domain events written for a record, in the order written."""
    return list(
        DomainEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("id")
        .values_list("verb", "at")
    )


def _assert_proposal_in_order(proposal: Proposal, now: dt.datetime) -> None:
    """Drafted, then submitted, then each approval, on working days in the past; and its
    events say so at the same moments."""
    decisions = sorted(proposal.decisions.all(), key=lambda d: d.step)
    moments = [proposal.created_at, proposal.submitted_at, *(d.at for d in decisions)]
    moments = [m for m in moments if m is not None]
    assert moments == sorted(moments) and len(set(moments)) == len(moments), moments
    assert moments[-1] <= now
    assert all(is_working_day(_local(m)) for m in moments), moments
    assert (proposal.submitted_at is None) == (proposal.status == "draft")
    verbs = ["proposal_created"] + ["proposal_submitted"] * bool(proposal.submitted_at)
    assert _event_moments(proposal) == list(
        zip(verbs + ["proposal_approved"] * len(decisions), moments, strict=True)
    )


def _assert_item_in_order(item: AgendaItem, now: dt.datetime) -> None:
    """Put to a meeting once it was arranged and, for a proposal, once it was submitted;
    before the meeting day; an outcome recorded on the meeting day, after who attended."""
    meeting = item.meeting
    assert meeting.created_at <= item.added_at <= now
    assert _local(item.added_at) < meeting.date
    assert _event_moments(item) == [("panel_item_added", item.added_at)]
    if item.proposal is not None:
        submitted = item.proposal.submitted_at
        assert submitted is not None and submitted <= item.added_at
        assert meeting.date >= _local(submitted)
    attendance = [at for verb, at in _event_moments(meeting) if verb == "panel_attendance_recorded"]
    for outcome in item.outcomes.all():
        assert _local(outcome.recorded_at) == meeting.date <= _local(now)
        assert item.added_at < outcome.recorded_at <= now
        assert attendance and attendance[-1] < outcome.recorded_at
        assert _event_moments(outcome) == [("panel_outcome_recorded", outcome.recorded_at)]


def _story(child, proposal: Proposal | None) -> list[str]:
    """What the child's history should tell of the proposal and the panels, oldest first: the
    proposal's steps, then each meeting the child was put to with its outcome."""

    def summary(obj: object) -> str:
        events = DomainEvent.objects.filter(
            object_type=obj._meta.label_lower, object_id=str(obj.pk)
        )
        return events.order_by("id").values_list("summary", flat=True).first()

    told = []
    if proposal is not None:
        told += list(
            DomainEvent.objects.filter(object_type="decisions.proposal", object_id=str(proposal.pk))
            .order_by("id")
            .values_list("summary", flat=True)
        )
    for item in AgendaItem.objects.filter(child=child).order_by("meeting__date"):
        told += [summary(item)] + [summary(o) for o in item.outcomes.order_by("recorded_at")]
    return told


def _history_on_page(client, child) -> list[str]:
    """The 'What' column of the history table on the child's page, top to bottom."""
    page = client.get(reverse("children:detail", args=[child.child_id])).content.decode()
    table = page[page.index('data-testid="history"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table, flags=re.S)
    return [
        html.unescape(re.sub(r"<[^>]+>", "", cells[2]).strip())
        for row in rows
        if len(cells := re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)) == 3
    ]


@pytest.mark.django_db
def test_demo_decisions_happen_in_order(client):
    seed_demo(children=60)
    call_command("seed_demo_decisions", "--if-empty", stdout=StringIO())
    now = clock.now()
    proposals = Proposal.objects.select_related("child").prefetch_related("decisions")
    for proposal in proposals:
        _assert_proposal_in_order(proposal, now)
    for item in AgendaItem.objects.select_related("meeting", "proposal"):
        _assert_item_in_order(item, now)
    for meeting in Meeting.objects.all():
        assert is_working_day(meeting.date) and meeting.created_at <= now
        assert _event_moments(meeting)[0] == ("panel_meeting_created", meeting.created_at)
        if meeting.date > clock.today():
            # A meeting to come: arranged, with nothing recorded at it yet.
            assert not meeting.attendees.exists()
            assert not Outcome.objects.filter(item__meeting=meeting).exists()
        else:
            assert meeting.attendees.exists()
    # Nothing in any child's history is dated after now.
    assert not DomainEvent.objects.filter(at__gt=now).exists()

    # The child's page tells each story newest first, in the order it happened.
    client.force_login(User.objects.get(username="practitioner"))
    children = {p.child: p for p in proposals}
    children |= {
        i.child: None
        for i in AgendaItem.objects.filter(proposal__isnull=True).select_related("child")
    }
    assert len(children) == 6
    for child, proposal in children.items():
        story = _story(child, proposal)
        shown = [what for what in _history_on_page(client, child) if what in story]
        assert shown == story[::-1], child.child_id


def _put_to(days: Timeline) -> dict[dt.date, list[dt.date]]:
    """Each meeting's day: the days cases were put to it, by the demo's plan."""
    return {
        days.missed: [days.gated_to_missed],
        days.held: [days.panel_met_to_held, days.gated_to_held],
        days.asked: [days.question_to_asked],
        days.upcoming: [days.to_upcoming],
        days.later: [days.question_to_later],
    }


@pytest.mark.parametrize("year", [2026, 2027])
def test_the_demo_timeline_keeps_its_order_whatever_the_day(year):
    """Made on any day of the year (bank holidays and weekends included), every step falls
    on a working day after the one it needs, in the past, and the meetings where they
    should be."""
    from assure.decisions.demo import _scheduled

    day = dt.date(year, 1, 1)
    while day.year == year:
        with clock.frozen_at(day):
            days = timeline()
        steps = [days.drafted, days.with_tm, days.gated, days.panel_met, days.money]
        for chain in steps:
            assert list(chain) == sorted(set(chain)) and chain[-1] < day, (day, chain)
        assert days.missed < days.held < days.asked < day < days.upcoming < days.later
        for meeting, put in _put_to(days).items():
            assert all(_scheduled(meeting) < added < min(meeting, day) for added in put), day
        # Approved before its first panel, deferred at the next, then put to the coming one.
        assert days.gated[-1] < days.gated_to_missed < days.missed < days.gated_to_held
        assert days.panel_met[-1] < days.panel_met_to_held
        assert days.held < days.to_upcoming and days.with_tm[-1] < days.to_upcoming
        assert days.asked < days.question_to_later
        every = [
            *(d for chain in steps for d in chain),
            *(d for put in _put_to(days).values() for d in put),
            *_put_to(days),
        ]
        assert all(is_working_day(d) for d in every), day
        assert days.in_care_days[0] == days.gated[0] and days.in_care_days[-1] == day
        day += dt.timedelta(days=1)


def test_the_demo_timeline_on_a_sunday():
    """The days the demo gives, made on Sunday 6 December 2026 (a fixed example)."""
    with clock.frozen_at(dt.datetime(2026, 12, 6, 10, tzinfo=dt.UTC)):
        days = timeline()
    assert days.missed == dt.date(2026, 9, 25) and days.held == dt.date(2026, 10, 30)
    assert days.drafted == (dt.date(2026, 12, 3),)
    assert days.with_tm == (dt.date(2026, 11, 23), dt.date(2026, 11, 26))
    assert days.gated == (
        dt.date(2026, 8, 27),
        dt.date(2026, 9, 2),  # the August bank holiday (31st) is not a working day
        dt.date(2026, 9, 7),
        dt.date(2026, 9, 10),
    )
    assert days.gated_to_missed == dt.date(2026, 9, 15)
