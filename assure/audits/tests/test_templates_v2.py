"""Version 2 of the SGO templates (migration 0006): `sgo-before-court` asks about each matter
in the Schedule to the Special Guardianship Regulations 2005 (as amended in 2016) and each
point of the Public Law Working Group's guidance as its own question; `sgo-support-review`
adds the review of the support plan. Version 1 is untouched, audits created on it keep it,
and new audits get the latest version."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError

from assure.audits import family_services, services
from assure.audits.models import AuditTemplate, Question
from assure.audits.selectors import audit_record, template_get
from assure.core.models import DomainEvent
from tests.factories import ChildFactory

from .conftest import answer_everything

MIGRATION = importlib.import_module("assure.audits.migrations.0006_sgo_templates_v2")

# Version 1 as 0002 shipped it, in order.
BEFORE_COURT_V1 = [
    "sgo-bc-schedule",
    "sgo-bc-relationship",
    "sgo-bc-parenting-capacity",
    "sgo-bc-other-options",
    "sgo-bc-wishes-feelings",
    "sgo-bc-harm-risk",
    "sgo-bc-capacity-protect",
    "sgo-bc-lived-with-carer",
    "sgo-bc-support-plan",
    "sgo-bc-contact-plan",
    "sgo-bc-legal-planning",
    "sgo-bc-management-oversight",
    "sgo-bc-supervision",
    "sgo-bc-recording",
    "sgo-bc-safe-to-proceed",
    "sgo-bc-summary",
]
SUPPORT_REVIEW_V1 = [
    "sgo-sr-plan-delivered",
    "sgo-sr-finances",
    "sgo-sr-contact",
    "sgo-sr-therapeutic",
    "sgo-sr-progress",
    "sgo-sr-wishes-feelings",
    "sgo-sr-strain",
    "sgo-sr-recording",
    "sgo-sr-summary",
]
# Each matter of the Schedule the audit asks about on its own.
SCHEDULE = {
    "sgo-bc-harm-risk": "harm the child has suffered and the risk of future harm",
    "sgo-bc-identity": "identity (racial origin, culture, language and religion)",
    "sgo-bc-health": "health",
    "sgo-bc-education": "education",
    "sgo-bc-history": "history of placements and court orders",
    "sgo-bc-needs": "needs now and their likely needs until they are 18",
    "sgo-bc-family": "parents and wider family",
    "sgo-bc-siblings": "siblings",
    "sgo-bc-siblings-together": "placing them together",
    "sgo-bc-wishes-feelings": "child's wishes and feelings",
    "sgo-bc-parents-wishes": "parents' wishes and feelings",
    "sgo-bc-others-wishes": "wishes and feelings of relatives and others",
    "sgo-bc-relationship": "relationship with the child",
    "sgo-bc-parenting-capacity": "parenting capacity",
    "sgo-bc-capacity-protect": "capacity to protect the child",
    "sgo-bc-understanding": "understanding of special guardianship and their reasons",
    "sgo-bc-checks": "enhanced dbs, references and checks with other councils",
    "sgo-bc-carer-health": "medical report on the carer",
    "sgo-bc-household": "other members of the carer's household",
    "sgo-bc-home-income": "income, home and accommodation",
    "sgo-bc-implications": "for the child, the parents, the special guardian and others",
    "sgo-bc-other-options": "merits of an sgo against the other orders",
    "sgo-bc-recommendation": "recommendation on the order",
    "sgo-bc-contact-recommendation": "recommendation on contact",
}
# Each point of the Public Law Working Group's guidance the audit asks about on its own.
PLWG = {
    "sgo-bc-timetable": "26-week timetable",
    "sgo-bc-preparation": "prepared and trained",
    "sgo-bc-legal-advice": "independent legal advice",
    "sgo-bc-supervision-order": "supervision order",
    "sgo-bc-life-story": "life-story work",
    "sgo-bc-lived-with-carer": "lived with the carer before the order",
    "sgo-bc-support-plan": "filed with the court report",
}
KEPT = [
    "sgo-bc-contact-plan",
    "sgo-bc-legal-planning",
    "sgo-bc-management-oversight",
    "sgo-bc-supervision",
    "sgo-bc-recording",
    "sgo-bc-safe-to-proceed",
    "sgo-bc-summary",
]


def _keys(template):
    return list(
        Question.objects.filter(section__template=template)
        .order_by("section__position", "position")
        .values_list("key", flat=True)
    )


def _version(slug, version):
    return AuditTemplate.objects.get(slug=slug, version=version)


def test_before_court_version_2_asks_each_matter_on_its_own(db):
    latest = template_get(slug="sgo-before-court")
    assert latest.version == 2
    assert services.current_template("sgo-before-court").pk == latest.pk
    questions = {q.key: q for s in latest.sections.all() for q in s.questions.all()}
    keys = _keys(latest)
    assert len(keys) == len(set(keys)) == len(questions)  # every question its own key
    assert "sgo-bc-schedule" not in questions  # no longer one question for the Schedule
    for key, topic in SCHEDULE.items():
        assert topic in questions[key].text.lower(), key
        assert "Special Guardianship Regulations 2005" in questions[key].guidance, key
    for key, topic in PLWG.items():
        assert topic in questions[key].text.lower(), key
        assert "Public Law Working Group" in questions[key].guidance, key
    for key in KEPT:
        assert (
            questions[key].text
            == Question.objects.get(section__template=_version("sgo-before-court", 1), key=key).text
        )
    assert set(BEFORE_COURT_V1) - set(questions) == {"sgo-bc-schedule"}
    assert all(q.required and (q.guidance or q.type == "text") for q in questions.values())
    assert questions["sgo-bc-harm-risk"].type == "graded"
    assert questions["sgo-bc-summary"].type == "text"


def test_version_1_of_both_is_unchanged(db):
    before_court = _version("sgo-before-court", 1)
    assert _keys(before_court) == BEFORE_COURT_V1
    assert Question.objects.get(section__template=before_court, key="sgo-bc-schedule").text == (
        "Does the assessment cover every topic in the Schedule to the Special Guardianship "
        "Regulations 2005?"
    )
    assert _keys(_version("sgo-support-review", 1)) == SUPPORT_REVIEW_V1
    # the other templates have no new version
    for slug in ("permanence-planning", "placement-with-parents"):
        assert list(AuditTemplate.objects.filter(slug=slug).values_list("version", flat=True)) == [
            1
        ]


def test_support_review_version_2_reviews_the_support_plan(db):
    latest = template_get(slug="sgo-support-review")
    assert latest.version == 2
    keys = _keys(latest)
    assert [k for k in keys if k != "sgo-sr-plan-review"] == SUPPORT_REVIEW_V1
    review = Question.objects.get(section__template=latest, key="sgo-sr-plan-review")
    assert review.type == "graded" and review.required
    assert review.section.title == "The support plan"
    assert "reviewed" in review.text and "special guardian and the child" in review.text
    assert "changed when needs changed" in review.text
    assert "Special Guardianship Regulations 2005" in review.guidance
    assert "regulation 14" in review.guidance and "regulations 17 and 18" in review.guidance
    v1 = _version("sgo-support-review", 1)
    for key in SUPPORT_REVIEW_V1:  # the questions version 1 asks are asked the same way
        old = Question.objects.get(section__template=v1, key=key)
        new = Question.objects.get(section__template=latest, key=key)
        assert (new.text, new.type, new.guidance) == (old.text, old.type, old.guidance)


def test_an_audit_keeps_version_1_and_new_audits_get_version_2(people, child):
    """Before 0006 an audit is made on version 1; shipping version 2 leaves it there, it is
    completed on version 1's questions, and audits made afterwards get version 2."""
    MIGRATION.unship(django_apps, None)  # the database as it was before 0006
    assert template_get(slug="sgo-before-court").version == 1
    started = services.audit_create(
        child=child,
        template_slug="sgo-before-court",
        mode="paper",
        auditor=people.auditor,
        actor=people.lead,
    )
    services.audit_transition(audit=started, to="in_progress", actor=people.auditor)

    MIGRATION.ship(django_apps, None)
    v1, v2 = _version("sgo-before-court", 1), _version("sgo-before-court", 2)
    started.refresh_from_db()
    assert started.template_id == v1.pk
    record = audit_record(audit=started)
    assert [q.question.key for _, views in record.sections for q in views] == BEFORE_COURT_V1
    answer_everything(started, people.auditor)  # version 1's questions are all it needs
    services.audit_transition(
        audit=started, to="submitted", actor=people.auditor, overall_grade="good"
    )
    started.refresh_from_db()
    assert (started.status, started.template_id) == ("submitted", v1.pk)

    fresh = services.audit_create(
        child=ChildFactory(child_id="K2", team=people.north),
        template_slug="sgo-before-court",
        mode="paper",
        auditor=people.auditor,
        actor=people.lead,
    )
    assert fresh.template_id == v2.pk
    services.audit_transition(audit=fresh, to="in_progress", actor=people.auditor)
    v1_question = Question.objects.get(section__template=v1, key="sgo-bc-schedule")
    with pytest.raises(ValidationError, match="not in the audit's template"):
        services.answers_save(
            audit=fresh,
            actor=people.auditor,
            answers=[{"question": v1_question.pk, "value": "good", "evidence": ""}],
        )

    MIGRATION.unship(django_apps, None)  # version 2 is used now: it stays
    MIGRATION.ship(django_apps, None)  # and shipping again adds nothing
    assert list(
        AuditTemplate.objects.filter(slug="sgo-before-court").values_list("version", flat=True)
    ) == [2, 1]


def test_a_family_audit_gets_the_latest_version(people):
    maya = ChildFactory(child_id="S1", team=people.north)
    leo = ChildFactory(child_id="S2", team=people.north)
    family_audit = family_services.family_audit_create(
        children=[maya, leo],
        template_slug="sgo-before-court",
        auditor=people.auditor,
        actor=people.lead,
    )
    v2 = _version("sgo-before-court", 2)
    assert family_audit.template_id == v2.pk
    assert {a.template_id for a in family_audit.child_audits.all()} == {v2.pk}


def test_an_audit_scheduled_on_version_1_is_asked_version_2_when_it_starts(people, child):
    """Scheduled before version 2 shipped, nothing answered: it starts on version 2, and the
    start records the change. One started before keeps version 1 (the test above)."""
    MIGRATION.unship(django_apps, None)
    scheduled = services.audit_create(
        child=child,
        template_slug="sgo-before-court",
        mode="paper",
        auditor=people.auditor,
        actor=people.lead,
    )
    MIGRATION.ship(django_apps, None)
    v1, v2 = _version("sgo-before-court", 1), _version("sgo-before-court", 2)
    scheduled.refresh_from_db()
    assert scheduled.template_id == v1.pk  # not touched until it starts

    services.audit_transition(audit=scheduled, to="in_progress", actor=people.auditor)
    scheduled.refresh_from_db()
    assert (scheduled.status, scheduled.template_id) == ("in_progress", v2.pk)
    event = DomainEvent.objects.filter(verb="audit.in_progress").latest("pk")
    assert event.data["template_version"] == {"from": 1, "to": 2}
    record = audit_record(audit=scheduled)
    keys = [q.question.key for _, views in record.sections for q in views]
    assert "sgo-bc-identity" in keys and "sgo-bc-schedule" not in keys

    # Returned and started again, it keeps the version it was answered on.
    assert _started_again_keeps(scheduled, people) == v2.pk


def _started_again_keeps(audit, people):  # type: ignore[no-untyped-def]
    answer_everything(audit, people.auditor)
    services.audit_transition(
        audit=audit, to="submitted", actor=people.auditor, overall_grade="good"
    )
    services.audit_transition(audit=audit, to="in_moderation", actor=people.lead)
    services.audit_transition(audit=audit, to="returned", actor=people.lead, comment="More.")
    services.audit_transition(audit=audit, to="in_progress", actor=people.auditor)
    audit.refresh_from_db()
    return audit.template_id


def test_a_family_audit_scheduled_on_version_1_starts_on_version_2(people):
    MIGRATION.unship(django_apps, None)
    maya = ChildFactory(child_id="S1", team=people.north)
    leo = ChildFactory(child_id="S2", team=people.north)
    family_audit = family_services.family_audit_create(
        children=[maya, leo],
        template_slug="sgo-before-court",
        auditor=people.auditor,
        actor=people.lead,
    )
    MIGRATION.ship(django_apps, None)
    v2 = _version("sgo-before-court", 2)
    family_services.family_audit_transition(
        family_audit=family_audit, to="in_progress", actor=people.auditor
    )
    family_audit.refresh_from_db()
    assert family_audit.template_id == v2.pk
    assert {a.template_id for a in family_audit.child_audits.all()} == {v2.pk}


def test_shipping_after_a_local_version_2_goes_on_top_and_unshipping_keeps_theirs(people, child):
    """A council whose lead already edited a used version 1 has a version 2 of its own: the
    shipped version becomes version 3, so new audits still get it, and undoing the migration
    removes only the shipped version."""
    MIGRATION.unship(django_apps, None)
    audit = services.audit_create(
        child=child,
        template_slug="sgo-before-court",
        mode="paper",
        auditor=people.auditor,
        actor=people.lead,
    )
    assert audit.template.version == 1
    spec = services.template_as_spec(audit.template)
    spec[0]["questions"][0]["text"] = "Our own wording"
    theirs = services.template_revise(template=audit.template, sections=spec, actor=people.lead)
    assert theirs.version == 2

    MIGRATION.ship(django_apps, None)
    shipped = template_get(slug="sgo-before-court")
    assert shipped.version == 3
    assert "sgo-bc-timetable" in _keys(shipped)
    assert _keys(theirs) == BEFORE_COURT_V1  # theirs is left as it was

    MIGRATION.unship(django_apps, None)
    assert list(
        AuditTemplate.objects.filter(slug="sgo-before-court").values_list("version", flat=True)
    ) == [2, 1]
    assert template_get(slug="sgo-before-court").pk == theirs.pk
