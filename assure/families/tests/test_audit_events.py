"""Audits, findings and escalations in the family chronology: there for those who may see
audits (today whoever may see the child), absent (events, filter options and notes on them)
for anyone the one `view_audits` rule leaves out."""

import datetime as dt

import pytest

from assure.audits import services as audit_services
from assure.audits.models import Question
from assure.core import clock
from assure.families import chronology, review_selectors, review_services, selectors
from tests.factories import UserFactory

from .conftest import SECRETS, bearer_for, normalised

pytestmark = pytest.mark.django_db

AUDIT_KINDS = {"audit", "finding", "escalation"}


@pytest.fixture
def audited(family, team, auditor, lead):
    """A1's case audited in 2020: allocated, a finding, an escalation raised and acknowledged,
    closed as good. R1 (restricted) audited too."""
    a1 = family.members.get(child__child_id="A1").child
    r1 = family.members.get(child__child_id="R1").child
    manager = UserFactory(username="tm", roles=["team_manager"], teams=[team])
    with clock.frozen_at(dt.datetime(2020, 10, 1, 10, tzinfo=dt.UTC)):
        audit = audit_services.audit_create(
            child=a1, template_slug="sgo-before-court", mode="paper", auditor=auditor, actor=lead
        )
        audit = audit_services.audit_transition(audit=audit, to="in_progress", actor=auditor)
        question = Question.objects.filter(section__template=audit.template).first()
        audit_services.finding_add(
            audit=audit,
            question=question,
            type="area_for_development",
            text="The viability assessment was late.",
            actor=auditor,
        )
        escalation = audit_services.escalation_raise(
            audit=audit, concern="Contact with the father is unsupervised.", actor=auditor
        )
    with clock.frozen_at(dt.datetime(2020, 10, 2, 10, tzinfo=dt.UTC)):
        audit_services.escalation_acknowledge(
            escalation=escalation, response="Contact suspended.", actor=manager
        )
    with clock.frozen_at(dt.datetime(2020, 10, 20, 10, tzinfo=dt.UTC)):
        values = {"graded": "good", "yes_no": "yes", "text": "Summary."}
        audit_services.answers_save(
            audit=audit,
            actor=auditor,
            answers=[
                {"question": q.pk, "value": values[q.type], "evidence": "On file."}
                for q in Question.objects.filter(section__template=audit.template)
            ],
        )
        audit = audit_services.audit_transition(
            audit=audit, to="submitted", actor=auditor, overall_grade="good", comment="Done."
        )
        audit = audit_services.audit_transition(
            audit=audit, to="closed", actor=lead, comment="Agreed."
        )
        audit_services.audit_create(
            child=r1, template_slug="sgo-before-court", mode="paper", auditor=lead, actor=lead
        )
    return audit


def _audit_events(user):
    _, members = selectors.family_get_for_user(user=user, family_id="F1")
    events = selectors.family_chronology(children=selectors.children_of(members), user=user)
    return [(e.date, e.kind, e.summary, e.child_ids) for e in events if e.kind in AUDIT_KINDS]


def test_those_who_may_see_audits_see_every_event(audited, auditor):
    question = Question.objects.filter(section__template=audited.template).first()
    assert _audit_events(auditor) == [
        (
            dt.date(2020, 10, 1),
            "audit",
            "Audit allocated: Special guardianship application before the court (paper)",
            ["A1"],
        ),
        (
            dt.date(2020, 10, 1),
            "finding",
            f"Audit finding, area for development: {question.text}",
            ["A1"],
        ),
        (
            dt.date(2020, 10, 1),
            "escalation",
            "Escalation raised from an audit: the child may be unsafe now",
            ["A1"],
        ),
        (dt.date(2020, 10, 2), "escalation", "Escalation acknowledged", ["A1"]),
        (dt.date(2020, 10, 20), "audit", "Audit closed: overall grade Good", ["A1"]),
    ]
    assert set(chronology.kinds(auditor)) >= AUDIT_KINDS


def test_the_lead_also_sees_the_restricted_siblings_audit(audited, lead):
    assert [e[3] for e in _audit_events(lead)].count(["R1"]) == 1


@pytest.fixture
def audits_narrowed(monkeypatch):
    """A council that keeps audits from legal advisers and performance officers."""
    from assure.core import access

    narrowed = access.PERMISSIONS["view_audits"] - {"legal", "performance_officer"}
    monkeypatch.setitem(access.PERMISSIONS, "view_audits", narrowed)


def test_whoever_may_see_the_children_sees_their_audits_today(audited):
    legal = UserFactory(username="legal", roles=["legal"])
    assert {e[1] for e in _audit_events(legal)} == AUDIT_KINDS


def test_people_who_may_not_see_audits_see_none_of_it(client, audited, auditor, audits_narrowed):
    legal = UserFactory(username="legal", roles=["legal"])
    performance = UserFactory(username="pi", roles=["performance_officer"])
    for user in (legal, performance):
        assert _audit_events(user) == []
        assert not AUDIT_KINDS & set(chronology.kinds(user))
        client.force_login(user)
        html = client.get("/families/F1/?kind=audit&kind=finding").content.decode()
        for text in ("Audit allocated", "The viability assessment was late", "Contact with"):
            assert text not in html
        assert "Select kinds of event from the list" in html  # not an option for them
        body = client.get("/api/v1/families/F1", **bearer_for(user)).json()
        assert not {e["kind"] for e in body["chronology"]} & AUDIT_KINDS
    # Without a user at all, a source that needs a permission is left out.
    assert not {e.kind for e in chronology.build(children=[audited.child])} & AUDIT_KINDS


def test_the_page_and_api_show_them_with_a_filter(client, audited, auditor):
    client.force_login(auditor)
    html = normalised(client.get("/families/F1/?kind=finding&kind=escalation").content.decode())
    assert 'data-testid="event-count">3 events match the filters' in html, html[
        html.find("event-count") : html.find("event-count") + 80
    ]
    assert "The viability assessment was late." in html
    assert "Contact suspended." in html
    for secret in SECRETS:
        assert secret not in html, secret
    body = client.get("/api/v1/families/F1?kind=audit", **bearer_for(auditor)).json()
    assert [e["summary"] for e in body["chronology"]] == [
        "Audit allocated: Special guardianship application before the court (paper)",
        "Audit closed: overall grade Good",
    ]


def test_review_notes_on_audit_events_follow_who_may_see_audits(
    client, audited, auditor, lead, audits_narrowed
):
    head = UserFactory(username="hos", roles=["head_of_service"], teams=[audited.child.team])
    legal = UserFactory(username="legal", roles=["legal"])
    review = review_services.practice_review_start(
        family=audited.child.family_memberships.get().family,
        title="Review of 2020",
        period_start=dt.date(2020, 1, 1),
        period_end=dt.date(2020, 12, 31),
        children=[audited.child],
        reviewers=[auditor],
        actor=lead,
    )
    _, children = review_selectors.review_get_for_user(
        user=auditor, family_id="F1", review_id=review.pk
    )
    events = review_selectors.review_events(user=auditor, review=review, children=children)
    finding = next(e for e in events if e.kind == "finding")
    review_services.practice_review_annotate(
        review=review,
        event=finding,
        category="missed_opportunity",
        commentary="The late assessment delayed the plan.",
        actor=auditor,
    )
    url = f"/families/F1/reviews/{review.pk}/"
    client.force_login(auditor)
    assert "The late assessment delayed the plan." in client.get(url).content.decode()
    # A head of service may read reviews and see audits: the note shows.
    client.force_login(head)
    assert "The late assessment delayed the plan." in client.get(url).content.decode()
    # The review's events for someone who may not see audits hold none of them, so no
    # note on one can be shown to them, whatever role later reads reviews.
    events = review_selectors.review_events(user=legal, review=review, children=children)
    assert not {e.kind for e in events} & AUDIT_KINDS
    assert {e.kind for e in events}  # the rest of the chronology is still there
