"""Moderation sampling, agreement rates and drift; programmes and strands; home panels."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from assure.audits import selectors, services
from assure.audits.models import Audit, Question, Strand
from assure.core import clock
from tests.factories import ChildFactory, EpisodeFactory, PermanencePlanFactory

from .conftest import answer_everything

D = dt.date(2025, 6, 11)


def submitted_audit(people, child_id, auditor, grade="good"):
    child = ChildFactory(child_id=child_id, team=people.north)
    audit = services.audit_create(
        child=child,
        template_slug="sgo-support-review",
        mode="paper",
        auditor=auditor,
        actor=people.lead,
    )
    services.audit_transition(audit=audit, to="in_progress", actor=auditor)
    answer_everything(audit, auditor, grade=grade)
    services.audit_transition(audit=audit, to="submitted", actor=auditor, overall_grade=grade)
    audit.refresh_from_db()
    return audit


def test_sampling_draws_each_auditors_share_earliest_first(people):
    first = [submitted_audit(people, f"A{n}", people.auditor) for n in range(5)]
    other = [submitted_audit(people, f"B{n}", people.other_auditor) for n in range(2)]
    with pytest.raises(services.Forbidden):
        services.moderation_sample(actor=people.auditor)
    drawn = services.moderation_sample(actor=people.lead, share_percent=40)
    # 40% of 5 is 2; 40% of 2 rounds up to 1
    assert [a.pk for a in drawn] == [first[0].pk, first[1].pk, other[0].pk]
    assert set(Audit.objects.filter(status="in_moderation").values_list("pk", flat=True)) == {
        first[0].pk,
        first[1].pk,
        other[0].pk,
    }
    assert services.moderation_sample(actor=people.lead, share_percent=40) == []  # share met


def test_agreement_rates_and_drift(people):
    agreed = submitted_audit(people, "A1", people.auditor)
    regraded = submitted_audit(people, "A2", people.auditor)
    submitted_audit(people, "A3", people.auditor)  # never moderated: not counted
    agreed, regraded = (
        services.audit_transition(audit=audit, to="in_moderation", actor=people.lead)
        for audit in (agreed, regraded)
    )
    graded = list(Question.objects.filter(section__template=regraded.template, type="graded"))
    services.answer_regrade(
        audit=regraded,
        question=graded[0],
        value="inadequate",
        reason="Plan not delivered.",
        actor=people.lead,
    )
    services.overall_grade_moderate(
        audit=regraded,
        grade_slug="requires_improvement",
        reason="Plan not delivered.",
        actor=people.lead,
    )
    rates = selectors.agreement_rates(user=people.lead)
    per_question = len(graded) + 1  # each graded question and the overall grade
    [row] = rates["auditors"]
    assert (row.label, row.compared, row.agreed) == ("aud", 2 * per_question, 2 * per_question - 2)
    assert row.rate == round(100 * (2 * per_question - 2) / (2 * per_question))
    assert row.drift == round((-2 - 1) / (2 * per_question), 2)  # good->inadequate, good->RI
    worst = rates["questions"][0]
    assert worst.rate == 50 and worst.label in {graded[0].text, "Overall grade"}
    unseen = selectors.agreement_rates(user=people.south_manager)
    assert unseen == {"auditors": [], "questions": []}  # cannot see these children


def test_moderation_page(client, people):
    submitted_audit(people, "A1", people.auditor)
    client.force_login(people.auditor)
    assert client.get(reverse("audits:moderation")).status_code == 403
    client.force_login(people.lead)
    assert client.post(reverse("audits:moderation")).status_code == 302
    page = client.get(reverse("audits:moderation")).content.decode()
    # The child's name, with the ID beside it.
    assert "Sampled" in page and '</a> <span class="app-id">A1</span>' in page


def test_programme_strand_and_allocation(client, people):
    for n in range(3):
        child = ChildFactory(child_id=f"P{n}", team=people.north)
        EpisodeFactory(child=child, start_date=dt.date(2024, 1, 1))
        PermanencePlanFactory(child=child, agreed_date=dt.date(2024, 3, 1 + n))
    client.force_login(people.auditor)
    assert client.get(reverse("audits:programmes")).status_code == 403
    client.force_login(people.lead)
    bad = client.post(
        reverse("audits:programmes"),
        {"name": "SGO", "start_date": "2025-07-31", "end_date": "2025-04-01"},
    )
    assert bad.status_code == 400 and "on or after the start date" in bad.content.decode()
    made = client.post(
        reverse("audits:programmes"),
        {
            "name": "SGO assurance, April to July",
            "start_date": "2025-04-01",
            "end_date": "2025-07-31",
        },
    )
    programme_url = made.url
    client.post(
        programme_url,
        {
            "action": "strand",
            "strand_name": "Plans including an SGO",
            "inclusion_tier": "4",
            "strand_mode": "paper",
            "template_slug": "permanence-planning",
            "auditors": [people.auditor.pk, people.other_auditor.pk],
            "due_days": "21",
        },
    )
    strand = Strand.objects.get()
    with clock.frozen_at(D):
        client.post(programme_url, {"action": "allocate", "strand": strand.pk})
    audits = list(
        Audit.objects.order_by("child__child_id").values_list(
            "child__child_id", "auditor__username", "strand", "due_date", "template__slug"
        )
    )
    assert audits == [
        ("P0", "aud", strand.pk, D + dt.timedelta(days=21), "permanence-planning"),
        ("P1", "aud2", strand.pk, D + dt.timedelta(days=21), "permanence-planning"),
        ("P2", "aud", strand.pk, D + dt.timedelta(days=21), "permanence-planning"),
    ]
    page = client.get(programme_url).content.decode()
    assert "Plans including an SGO" in page and "Queue tier 4" in page


def test_home_panels_by_role(client, people, audit):
    audit = services.audit_transition(audit=audit, to="in_progress", actor=people.auditor)
    collaborative = services.audit_create(
        child=ChildFactory(child_id="K2", team=people.north),
        template_slug="sgo-before-court",
        mode="collaborative",
        auditor=people.auditor,
        actor=people.lead,
    )
    services.participants_invite(
        audit=collaborative, practitioner=people.practitioner, manager=None, actor=people.auditor
    )
    with clock.frozen_at(D):
        services.action_add(
            audit=audit,
            description="Chase the health assessment",
            owner=people.practitioner,
            due_date=D,
            priority="high",
            actor=people.auditor,
        )
        services.escalation_raise(audit=audit, concern="Unsafe contact.", actor=people.auditor)
    with clock.frozen_at(D + dt.timedelta(days=3)):
        # Each person's own audits and actions are in their work list, once.
        client.force_login(people.auditor)
        home = client.get(reverse("core:home")).content.decode()
        assert home.count(f"Audit of {escape(audit.child.display_name)} (K1)") == 1
        assert "Go to the audit queue" in home and "{#" not in home
        client.force_login(people.practitioner)
        home = client.get(reverse("core:home")).content.decode()
        assert home.count("Chase the health assessment") == 1 and "Overdue" in home
        invited = escape(collaborative.child.display_name)
        assert home.count(f"Take part in the audit of {invited}") == 1
        client.force_login(people.manager)
        home = client.get(reverse("core:home")).content.decode()
        assert "Your team&#x27;s overdue actions" in home or "Your team's overdue actions" in home
        # The child's team manager acknowledges it: it is in his work list, once, not also
        # in the banner that shows others what they oversee.
        assert home.count("may be unsafe now") == 1 and "Escalations waiting" not in home
        for viewer in (people.lead, people.director):  # they oversee it: the banner
            client.force_login(viewer)
            home = client.get(reverse("core:home")).content.decode()
            assert "Escalations waiting" in home and "may be unsafe now" not in home
        client.force_login(people.head)  # the head of the child's service acknowledges it
        home = client.get(reverse("core:home")).content.decode()
        assert home.count("may be unsafe now") == 1 and "Escalations waiting" not in home
        client.force_login(people.south_manager)
        assert "Escalations waiting" not in client.get(reverse("core:home")).content.decode()


def test_a_further_area_strand_allocates_children_placed_with_parents(people):
    child = ChildFactory(child_id="PWP1", team=people.north)
    EpisodeFactory(child=child, start_date=dt.date(2025, 1, 6), placement_type="P1")
    programme = services.programme_create(
        name="Later areas", start_date=D, end_date=D + dt.timedelta(days=90), actor=people.lead
    )
    strand = services.strand_create(
        programme=programme,
        name="Placed with parents",
        inclusion_tier=6,
        mode="paper",
        template_slug="placement-with-parents",
        auditors=[people.auditor],
        due_days=14,
        actor=people.lead,
    )
    with pytest.raises(ValidationError):
        services.strand_create(
            programme=programme,
            name="x",
            inclusion_tier=8,
            mode="paper",
            template_slug="permanence-planning",
            auditors=[],
            due_days=1,
            actor=people.lead,
        )
    with clock.frozen_at(D):
        [audit] = services.strand_allocate(strand=strand, on=D, actor=people.lead)
    assert (audit.child, audit.template.slug, audit.queue_tier, audit.due_date) == (
        child,
        "placement-with-parents",
        6,
        D + dt.timedelta(days=14),
    )
