"""Every transition of an audit's life, and every refusal, for the right and the wrong role
(issue 5, item 3)."""

import pytest
from django.core.exceptions import ValidationError

from assure.audits import services
from assure.audits.models import AuditTransition, OverallGrade, Question, Status
from assure.core.models import DomainEvent

from .conftest import answer_everything, walk_to

ALL = [s.value for s in Status]
ALLOWED = {
    ("scheduled", "in_progress"): "auditor",
    ("in_progress", "submitted"): "auditor",
    ("submitted", "closed"): "lead",
    ("submitted", "in_moderation"): "lead",
    ("in_moderation", "closed"): "lead",
    ("submitted", "returned"): "lead",
    ("in_moderation", "returned"): "lead",
    ("returned", "in_progress"): "auditor",
}
WRONG = {"auditor": ["lead", "other_auditor", "practitioner"], "lead": ["auditor", "manager"]}


def test_the_table_is_exactly_the_issues_state_machine():
    table = {(t.source, t.target) for t in services.TRANSITIONS}
    assert table == set(ALLOWED)


@pytest.mark.parametrize(("source", "target"), sorted(ALLOWED))
def test_each_allowed_move_by_the_right_role(people, audit, source, target):
    walk_to(audit, source, people) if source != "scheduled" else None
    if target == "submitted":
        answer_everything(audit, people.auditor)
    actor = getattr(people, ALLOWED[(source, target)])
    moved = services.audit_transition(
        audit=audit, to=target, actor=actor, overall_grade="good", comment="Reason given."
    )
    assert moved.status == target
    last = AuditTransition.objects.filter(audit=audit).last()
    assert (last.from_status, last.to_status, last.by) == (source, target, actor)
    assert DomainEvent.objects.filter(verb=f"audit.{target}", object_id=str(audit.pk)).exists()


@pytest.mark.parametrize(("source", "target"), sorted(ALLOWED))
def test_each_allowed_move_refused_for_the_wrong_role(people, audit, source, target):
    walk_to(audit, source, people) if source != "scheduled" else None
    if target == "submitted":
        answer_everything(audit, people.auditor)
    for name in WRONG[ALLOWED[(source, target)]]:
        with pytest.raises(services.Forbidden, match="Only the"):
            services.audit_transition(
                audit=audit, to=target, actor=getattr(people, name), comment="x"
            )
    audit.refresh_from_db()
    assert audit.status == source


@pytest.mark.parametrize("source", ALL)
def test_every_move_not_in_the_table_is_refused_with_its_reason(people, audit, source):
    walk_to(audit, source, people) if source != "scheduled" else None
    for target in ALL:
        if (source, target) in ALLOWED:
            continue
        with pytest.raises(services.Conflict, match="cannot be moved to"):
            services.audit_transition(audit=audit, to=target, actor=people.lead)
    audit.refresh_from_db()
    assert audit.status == source


def test_an_unknown_state_is_refused(people, audit):
    with pytest.raises(services.Conflict, match="not a state"):
        services.audit_transition(audit=audit, to="approved", actor=people.auditor)


def test_submit_refused_until_every_required_question_is_answered(people, audit):
    walk_to(audit, "in_progress", people)
    first = Question.objects.filter(section__template=audit.template, type="graded").first()
    services.answers_save(
        audit=audit, actor=people.auditor, answers=[{"question": first.pk, "value": "good"}]
    )
    with pytest.raises(services.Conflict, match="required question"):
        services.audit_transition(
            audit=audit, to="submitted", actor=people.auditor, overall_grade="good"
        )
    audit.refresh_from_db()
    assert audit.status == "in_progress"


def test_submit_refused_without_an_overall_grade(people, audit):
    walk_to(audit, "in_progress", people)
    answer_everything(audit, people.auditor)
    with pytest.raises(services.Conflict, match="overall grade"):
        services.audit_transition(audit=audit, to="submitted", actor=people.auditor)
    services.audit_transition(
        audit=audit, to="submitted", actor=people.auditor, overall_grade="requires_improvement"
    )
    assert services.current_overall_grade(audit).grade.slug == "requires_improvement"


def test_overall_grade_must_be_one_of_the_four(people, audit):
    walk_to(audit, "in_progress", people)
    answer_everything(audit, people.auditor)
    with pytest.raises(services.Conflict, match="outstanding, good"):
        services.audit_transition(
            audit=audit, to="submitted", actor=people.auditor, overall_grade="not_applicable"
        )


@pytest.mark.parametrize("source", ["submitted", "in_moderation"])
def test_returning_needs_a_reason(people, audit, source):
    walk_to(audit, source, people)
    with pytest.raises(services.Conflict, match="Say why"):
        services.audit_transition(audit=audit, to="returned", actor=people.lead, comment=" ")


def test_the_lead_can_audit_and_then_close_their_own(people, child):
    audit = services.audit_create(
        child=child,
        template_slug="sgo-before-court",
        mode="paper",
        auditor=people.lead,
        actor=people.lead,
    )
    services.audit_transition(audit=audit, to="in_progress", actor=people.lead)
    answer_everything(audit, people.lead)
    services.audit_transition(audit=audit, to="submitted", actor=people.lead, overall_grade="good")
    closed = services.audit_transition(audit=audit, to="closed", actor=people.lead)
    assert closed.closed_at is not None


def test_a_closed_audit_is_read_only(people, audit):
    walk_to(audit, "closed", people)
    question = Question.objects.filter(section__template=audit.template).first()
    with pytest.raises(services.Conflict, match="read-only"):
        services.answers_save(
            audit=audit, actor=people.auditor, answers=[{"question": question.pk, "value": "x"}]
        )
    with pytest.raises(services.Conflict, match="read-only"):
        services.finding_add(
            audit=audit, question=question, type="strength", text="x", actor=people.lead
        )


def test_answers_need_evidence_below_good_and_save_nothing_when_one_is_wrong(people, audit):
    walk_to(audit, "in_progress", people)
    graded = list(Question.objects.filter(section__template=audit.template, type="graded")[:2])
    with pytest.raises(ValidationError) as error:
        services.answers_save(
            audit=audit,
            actor=people.auditor,
            answers=[
                {"question": graded[0].pk, "value": "good"},
                {"question": graded[1].pk, "value": "inadequate", "evidence": ""},
            ],
        )
    assert "Give the evidence" in str(error.value)
    assert audit.answers.count() == 0


def test_a_changed_answer_supersedes_and_history_stays(people, audit):
    walk_to(audit, "in_progress", people)
    q = Question.objects.filter(section__template=audit.template, type="graded").first()
    services.answers_save(
        audit=audit, actor=people.auditor, answers=[{"question": q.pk, "value": "good"}]
    )
    services.answers_save(
        audit=audit, actor=people.auditor, answers=[{"question": q.pk, "value": "good"}]
    )
    services.answers_save(
        audit=audit,
        actor=people.auditor,
        answers=[{"question": q.pk, "value": "inadequate", "evidence": "No visits for 3 months."}],
    )
    rows = list(audit.answers.filter(question=q).order_by("id"))
    assert [(a.value, a.is_current) for a in rows] == [("good", False), ("inadequate", True)]
    assert rows[1].supersedes == rows[0]


def test_answers_only_by_the_auditor_and_only_in_progress(people, audit):
    q = Question.objects.filter(section__template=audit.template).first()
    with pytest.raises(services.Conflict, match="in progress"):
        services.answers_save(
            audit=audit, actor=people.auditor, answers=[{"question": q.pk, "value": "good"}]
        )
    walk_to(audit, "in_progress", people)
    with pytest.raises(services.Forbidden):
        services.answers_save(
            audit=audit, actor=people.lead, answers=[{"question": q.pk, "value": "good"}]
        )


def test_moderation_regrade_is_a_new_record_with_reasons(people, audit):
    walk_to(audit, "in_moderation", people)
    q = Question.objects.filter(section__template=audit.template, type="graded").first()
    with pytest.raises(services.Forbidden):
        services.answer_regrade(
            audit=audit, question=q, value="inadequate", reason="x", actor=people.auditor
        )
    with pytest.raises(ValidationError):
        services.answer_regrade(
            audit=audit, question=q, value="inadequate", reason="", actor=people.lead
        )
    services.answer_regrade(
        audit=audit,
        question=q,
        value="requires_improvement",
        reason="Risk not analysed.",
        actor=people.lead,
    )
    services.overall_grade_moderate(
        audit=audit, grade_slug="requires_improvement", reason="Risk.", actor=people.lead
    )
    answers = audit.answers.filter(question=q).order_by("id")
    assert [(a.kind, a.value, a.is_current) for a in answers] == [
        ("auditor", "good", False),
        ("moderation", "requires_improvement", True),
    ]
    grades = OverallGrade.objects.filter(audit=audit).order_by("id")
    assert [(g.kind, g.grade.slug, g.is_current) for g in grades] == [
        ("auditor", "good", False),
        ("moderation", "requires_improvement", True),
    ]


def test_regrade_refused_outside_moderation(people, audit):
    walk_to(audit, "submitted", people)
    q = Question.objects.filter(section__template=audit.template, type="graded").first()
    with pytest.raises(services.Conflict, match="into moderation"):
        services.answer_regrade(
            audit=audit, question=q, value="good", reason="x", actor=people.lead
        )


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["outstanding", "good"], "good"),  # 3.5: a tie goes to the lower grade
        (["outstanding", "outstanding", "good"], "outstanding"),
        (["good", "inadequate"], "requires_improvement"),  # 2.0
        (["good", "not_applicable", "requires_improvement", "inadequate"], "requires_improvement"),
        (["not_applicable"], None),
        ([], None),
    ],
)
def test_suggested_overall_grade(db, values, expected):
    assert services.suggest_from_values(values) == expected
