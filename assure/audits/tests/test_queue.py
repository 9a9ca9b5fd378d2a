"""The priority queue at a date: every tier, the edge of each, exclusions and exact order
(issue 5 item 2, acceptance)."""

import datetime as dt

import pytest
from django.utils import timezone

from assure.audits.models import Audit, AuditSettings, AuditTemplate
from assure.audits.queue import priority_queue
from assure.children.care.dates import one_year_before as year_before
from assure.children.models import Child, Hearing, PermanencePlan, SGOAssessment
from assure.core import clock
from tests.factories import ChildFactory, EpisodeFactory, ProceedingsFactory, UserFactory

D = dt.date(2025, 6, 11)


def looked_after(child_id, team, **extra):
    child = ChildFactory(child_id=child_id, team=team, **extra)
    EpisodeFactory(child=child, start_date=D - dt.timedelta(days=400))
    return child


def proceedings(child, *, app="sgo", hearings=(), **extra):
    extra.setdefault("issue_date", D - dt.timedelta(days=60))
    p = ProceedingsFactory(application_type=app, **extra)
    p.children.add(child)
    for n, day in enumerate(hearings):
        Hearing.objects.create(proceedings=p, hearing_date=day, hearing_type=["cmh", "irh"][n % 2])
    return p


def assessment(child, *, stage="full", start, completed=None, recommendation=""):
    return SGOAssessment.objects.create(
        child=child,
        assessment_id=f"{child.child_id}-{start}",
        carer_name="Carer",
        relationship="relative",
        stage=stage,
        start_date=start,
        completed_date=completed,
        recommendation=recommendation,
    )


def plan(child, *, agreed, plan="sgo", parallel=""):
    PermanencePlan.objects.create(
        child=child, plan=plan, parallel_plan=parallel, agreed_date=agreed
    )


def left_via(child_id, team, *, code, on):
    child = ChildFactory(child_id=child_id, team=team)
    EpisodeFactory(
        child=child, start_date=on - dt.timedelta(days=300), end_date=on, reason_ceased=code
    )
    return child


def days(n):
    return D + dt.timedelta(days=n)


@pytest.fixture
def lead(db):
    return UserFactory(username="lead", roles=["assurance_lead"])


@pytest.fixture
def world(people):
    team = people.north
    # tier 1
    a = looked_after("T1-NOHEARING", team)
    proceedings(a, hearings=[days(-1)])  # only a past hearing: none listed, so last in tier 1
    b = looked_after("T1-TODAY", team)
    proceedings(b, hearings=[days(-20), D, days(30)])  # hearing today is the next one
    c = looked_after("T1-PLAN", team)
    proceedings(c, app="care", hearings=[days(10)])
    plan(c, agreed=days(-50))
    c2 = looked_after("T1-CONCLUDED-LATER", team)  # concluded after D: still open at D
    proceedings(c2, hearings=[days(5)], status="concluded", concluded_date=days(3))
    # not tier 1: concluded before D, issued after D, care application without an SGO plan,
    # or the child is not looked after at D
    d = looked_after("X-CONCLUDED", team)
    proceedings(d, hearings=[days(1)], status="concluded", concluded_date=days(-1))
    e = looked_after("X-ISSUED-LATER", team)
    proceedings(e, hearings=[days(20)], issue_date=days(1))
    f = looked_after("X-CARE-APP", team)
    proceedings(f, app="care", hearings=[days(2)])
    g = ChildFactory(child_id="X-NOT-LA", team=team)
    EpisodeFactory(child=g, start_date=days(-400), end_date=days(-1), reason_ceased="E41")
    proceedings(g, hearings=[days(2)])
    # tier 2
    h = looked_after("T2-TODAY", team)
    assessment(h, start=days(-100), completed=D, recommendation="positive")
    i = looked_after("T2-OLD-B", team)
    assessment(i, start=days(-200), completed=days(-30), recommendation="positive")
    j = looked_after("T2-OLD-A", team)  # same date as T2-OLD-B: child ID breaks the tie
    assessment(j, start=days(-200), completed=days(-30), recommendation="positive")
    k = looked_after("X-NEGATIVE", team)
    assessment(k, start=days(-200), completed=days(-30), recommendation="negative")
    # tier 3
    m = looked_after("T3-COMPLETES-TOMORROW", team)
    assessment(m, start=days(-40), completed=days(1), recommendation="positive")
    n = looked_after("T3-STARTED-TODAY", team)
    assessment(n, start=D)
    o = looked_after("X-VIABILITY", team)
    assessment(o, stage="viability", start=days(-10))
    p = looked_after("X-STARTS-TOMORROW", team)
    assessment(p, start=days(1))
    # tier 4
    q = looked_after("T4-PARALLEL", team)
    plan(q, agreed=days(-200), plan="long_term_fostering", parallel="sgo")
    r = looked_after("T4-PLAN-TODAY", team)
    plan(r, agreed=days(-300), plan="adoption")
    plan(r, agreed=D)
    s = looked_after("X-PLAN-TOMORROW", team)
    plan(s, agreed=days(-10), plan="adoption")
    plan(s, agreed=days(1))
    t = looked_after("X-PLAN-SUPERSEDED", team)
    plan(t, agreed=days(-100))
    plan(t, agreed=days(-5), plan="adoption")
    # tier 5
    left_via("T5-YEAR-PLUS-ONE", team, code="E45", on=year_before(D) + dt.timedelta(days=1))
    left_via("T5-TODAY", team, code="E48", on=D)
    left_via("T5-HISTORIC-E43", team, code="E43", on=days(-100))
    left_via("X-YEAR-BEFORE", team, code="E46", on=year_before(D))
    left_via("X-TOMORROW", team, code="E47", on=days(1))
    left_via("X-CAO", team, code="E41", on=days(-10))
    looked_after("X-NOTHING", team)
    return team


EXPECTED = [
    ("T1-TODAY", 1, D),
    ("T1-CONCLUDED-LATER", 1, days(5)),
    ("T1-PLAN", 1, days(10)),
    ("T1-NOHEARING", 1, None),
    ("T2-OLD-A", 2, days(-30)),
    ("T2-OLD-B", 2, days(-30)),
    ("T2-TODAY", 2, D),
    ("T3-COMPLETES-TOMORROW", 3, days(-40)),
    ("T3-STARTED-TODAY", 3, D),
    ("T4-PARALLEL", 4, days(-200)),
    ("T4-PLAN-TODAY", 4, D),
    ("T5-YEAR-PLUS-ONE", 5, year_before(D) + dt.timedelta(days=1)),
    ("T5-HISTORIC-E43", 5, days(-100)),
    ("T5-TODAY", 5, D),
]


def rows(items):
    return [(i.child.child_id, i.tier, i.key_date) for i in items]


def test_exact_order_at_d(world, lead):
    with clock.frozen_at(D):
        assert rows(priority_queue(user=lead, on=clock.today())) == EXPECTED


def test_a_day_later_the_edges_move(world, lead):
    with clock.frozen_at(days(1)):
        got = dict(((c, (t, k)) for c, t, k in rows(priority_queue(user=lead, on=clock.today()))))
    assert got["T1-TODAY"] == (1, days(30))  # today's hearing is past; the next one counts
    assert got["T3-COMPLETES-TOMORROW"] == (2, days(1))  # completed positive today
    assert "X-PLAN-TOMORROW" in got and got["X-PLAN-TOMORROW"] == (4, days(1))
    assert got["X-TOMORROW"] == (5, days(1))
    assert "T5-YEAR-PLUS-ONE" not in got  # now exactly a year before: out
    assert got["T1-CONCLUDED-LATER"] == (1, days(5))  # concludes on day 3: still open
    with clock.frozen_at(days(3)):
        on_day_3 = {c: t for c, t, _ in rows(priority_queue(user=lead, on=clock.today()))}
    assert "T1-CONCLUDED-LATER" not in on_day_3  # concluded today: no longer open


def _audit(child, *, status, closed_on=None, created_on=None, lead):
    template = AuditTemplate.objects.filter(slug="sgo-before-court").latest("version")
    return Audit.objects.create(
        child=child,
        template=template,
        mode="paper",
        auditor=lead,
        status=status,
        created_at=timezone.make_aware(dt.datetime.combine(created_on or days(-200), dt.time(9))),
        closed_at=(
            timezone.make_aware(dt.datetime.combine(closed_on, dt.time(15))) if closed_on else None
        ),
    )


def test_open_and_recent_audits_leave_a_child_out(world, lead):
    _audit(Child.objects.get(child_id="T1-TODAY"), status="scheduled", lead=lead)
    _audit(Child.objects.get(child_id="T2-TODAY"), status="returned", lead=lead)
    _audit(
        Child.objects.get(child_id="T3-STARTED-TODAY"),
        status="closed",
        closed_on=days(-89),
        lead=lead,
    )
    _audit(
        Child.objects.get(child_id="T4-PARALLEL"), status="closed", closed_on=days(-90), lead=lead
    )
    with clock.frozen_at(D):
        got = [c for c, _, _ in rows(priority_queue(user=lead, on=clock.today()))]
        assert "T1-TODAY" not in got and "T2-TODAY" not in got
        assert "T3-STARTED-TODAY" not in got  # closed 89 days ago
        assert "T4-PARALLEL" in got  # closed exactly 90 days ago: back in the queue
        shorter = [c for c, _, _ in rows(priority_queue(user=lead, on=D, recent_days=30))]
        assert "T3-STARTED-TODAY" in shorter
        AuditSettings.objects.update_or_create(pk=1, defaults={"recent_closure_days": 120})
        longer = [c for c, _, _ in rows(priority_queue(user=lead, on=D))]
        assert "T4-PARALLEL" not in longer


def test_the_queue_at_an_earlier_day_counts_audits_as_they_stood_then(world, lead):
    """At D, an audit made the day after does not take the child off the queue; one made by D
    and closed after it does (it was open at D), as does one closed within the recent days."""
    _audit(
        Child.objects.get(child_id="T1-TODAY"), status="scheduled", created_on=days(1), lead=lead
    )
    _audit(Child.objects.get(child_id="T2-TODAY"), status="scheduled", created_on=D, lead=lead)
    _audit(
        Child.objects.get(child_id="T3-STARTED-TODAY"),
        status="closed",
        created_on=days(-30),
        closed_on=days(10),
        lead=lead,
    )
    with clock.frozen_at(days(20)):
        got = [c for c, _, _ in rows(priority_queue(user=lead, on=D))]
    assert "T1-TODAY" in got  # made the day after D
    assert "T2-TODAY" not in got  # made on D
    assert "T3-STARTED-TODAY" not in got  # open at D, closed after


def test_the_queue_follows_the_access_policy(world, people):
    plan(looked_after("SOUTH-1", people.south), agreed=days(-1))
    with clock.frozen_at(D):
        mine = rows(priority_queue(user=people.south_manager, on=D))
        nobody = rows(priority_queue(user=UserFactory(username="nobody"), on=D))
    assert mine == [("SOUTH-1", 4, days(-1))]
    assert nobody == []


def test_further_areas_for_later_strands(people, lead):
    from assure.audits.queue import further_area

    team = people.north
    home = ChildFactory(child_id="PWP-1", team=team)
    EpisodeFactory(child=home, start_date=days(-300), end_date=days(-40), reason_ceased="X1")
    EpisodeFactory(child=home, start_date=days(-40), placement_type="P1", reason_new_episode="P")
    earlier = ChildFactory(child_id="PWP-0", team=team)
    EpisodeFactory(child=earlier, start_date=days(-90), placement_type="P1")
    moved = ChildFactory(child_id="X-PWP-ENDED", team=team)  # left the placement before D
    EpisodeFactory(
        child=moved,
        start_date=days(-90),
        placement_type="P1",
        end_date=days(-1),
        reason_ceased="X1",
    )
    EpisodeFactory(child=moved, start_date=days(-1), placement_type="U4", reason_new_episode="P")
    revoke = looked_after("REV-1", team)
    plan(revoke, agreed=days(-10), plan="revocation")
    not_yet = looked_after("X-REV-LATER", team)
    plan(not_yet, agreed=days(2), plan="revocation")
    _audit(earlier, status="in_progress", lead=lead)
    with clock.frozen_at(D):
        assert rows(further_area(user=lead, on=D, area=6)) == [("PWP-1", 6, days(-40))]
        assert rows(further_area(user=lead, on=D, area=7)) == [("REV-1", 7, days(-10))]
        assert rows(further_area(user=people.south_manager, on=D, area=6)) == []
        # the SGO priority queue itself stays tiers 1 to 5
        assert {t for _, t, _ in rows(priority_queue(user=lead, on=D))} <= {1, 2, 3, 4, 5}
