"""Who may write what outside the state machine: findings, actions, participants,
contributions and escalations, for the right and the wrong role."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from assure.audits import services
from assure.audits.models import Question
from assure.core import clock
from assure.core.models import DomainEvent

from .conftest import walk_to

D = dt.date(2025, 6, 11)


def _q(audit):
    return Question.objects.filter(section__template=audit.template).first()


def test_findings_by_the_auditor_in_progress_and_the_lead_in_moderation(people, audit):
    with pytest.raises(services.Forbidden):  # scheduled: nobody yet
        services.finding_add(
            audit=audit, question=_q(audit), type="strength", text="x", actor=people.auditor
        )
    walk_to(audit, "in_progress", people)
    for wrong in (people.lead, people.other_auditor, people.practitioner):
        with pytest.raises(services.Forbidden):
            services.finding_add(
                audit=audit, question=_q(audit), type="strength", text="x", actor=wrong
            )
    with pytest.raises(ValidationError):
        services.finding_add(
            audit=audit, question=_q(audit), type="neither", text="x", actor=people.auditor
        )
    finding = services.finding_add(
        audit=audit,
        question=_q(audit),
        type="strength",
        text="Clear chronology.",
        actor=people.auditor,
    )
    assert DomainEvent.objects.filter(
        verb="audit.finding_added", object_id=str(finding.pk)
    ).exists()


def test_a_finding_must_be_tied_to_a_question_of_this_audit(people, audit):
    walk_to(audit, "in_progress", people)
    other = Question.objects.filter(section__template__slug="placement-with-parents").first()
    with pytest.raises(ValidationError, match="question from this audit"):
        services.finding_add(
            audit=audit, question=other, type="strength", text="x", actor=people.auditor
        )


def test_actions_need_a_future_due_date_and_a_known_priority(people, audit):
    walk_to(audit, "in_progress", people)
    with clock.frozen_at(D), pytest.raises(ValidationError) as error:
        services.action_add(
            audit=audit,
            description="",
            owner=people.practitioner,
            due_date=D - dt.timedelta(days=1),
            priority="urgent",
            actor=people.auditor,
        )
    assert set(error.value.message_dict) == {"description", "due_date", "priority"}
    with clock.frozen_at(D), pytest.raises(services.Forbidden):
        services.action_add(
            audit=audit,
            description="x",
            owner=people.practitioner,
            due_date=D,
            priority="low",
            actor=people.practitioner,
        )


def test_only_the_owner_or_their_manager_completes_an_action(people, audit):
    walk_to(audit, "in_progress", people)
    with clock.frozen_at(D):
        action = services.action_add(
            audit=audit,
            description="Update the plan.",
            owner=people.practitioner,
            due_date=D,
            priority="high",
            actor=people.auditor,
        )
    for wrong in (people.auditor, people.lead, people.head, people.south_manager):
        with pytest.raises(services.Forbidden):
            services.action_complete(action=action, evidence_note="Done.", actor=wrong)
    with pytest.raises(ValidationError):
        services.action_complete(action=action, evidence_note=" ", actor=people.practitioner)
    done = services.action_complete(
        action=action, evidence_note="Plan updated.", actor=people.practitioner
    )
    assert done.status == "completed"
    with pytest.raises(services.Conflict, match="already complete"):
        services.action_complete(action=action, evidence_note="Again.", actor=people.manager)


def test_only_collaborative_audits_have_participants(people, child):
    paper = services.audit_create(
        child=child,
        template_slug="sgo-before-court",
        mode="paper",
        auditor=people.auditor,
        actor=people.lead,
    )
    with pytest.raises(services.Conflict, match="collaborative"):
        services.participants_invite(
            audit=paper, practitioner=people.practitioner, manager=None, actor=people.auditor
        )
    # a second audit of the same child waits for the first to close
    with pytest.raises(services.Conflict, match="not closed"):
        services.audit_create(
            child=child,
            template_slug="sgo-before-court",
            mode="collaborative",
            auditor=people.auditor,
            actor=people.lead,
        )


def test_reflections_by_invited_people_only(people, child):
    audit = services.audit_create(
        child=child,
        template_slug="sgo-before-court",
        mode="collaborative",
        auditor=people.auditor,
        actor=people.lead,
    )
    with pytest.raises(services.Forbidden):
        services.participants_invite(
            audit=audit,
            practitioner=people.practitioner,
            manager=people.manager,
            actor=people.practitioner,
        )
    audit = services.participants_invite(
        audit=audit, practitioner=people.practitioner, manager=people.manager, actor=people.auditor
    )
    with pytest.raises(services.Forbidden):
        services.contribution_add(audit=audit, type="reflection", text="x", actor=people.auditor)
    with pytest.raises(services.Forbidden):
        services.contribution_add(audit=audit, type="learning", text="x", actor=people.head)
    services.contribution_add(
        audit=audit, type="reflection", text="I see it now.", actor=people.practitioner
    )
    services.contribution_add(
        audit=audit, type="reflection", text="Supervision will change.", actor=people.manager
    )
    services.contribution_add(
        audit=audit, type="learning", text="Test contact plans.", actor=people.auditor
    )
    assert list(audit.contributions.values_list("author__username", "type")) == [
        ("sw", "reflection"),
        ("tm", "reflection"),
        ("aud", "learning"),
    ]


def test_escalation_refusals(people, audit):
    for wrong in (people.other_auditor, people.practitioner, people.manager):
        with pytest.raises(services.Forbidden):
            services.escalation_raise(audit=audit, concern="x", actor=wrong)
    with pytest.raises(ValidationError):
        services.escalation_raise(audit=audit, concern=" ", actor=people.auditor)
    escalation = services.escalation_raise(audit=audit, concern="Unsafe.", actor=people.lead)
    for wrong in (people.lead, people.director, people.south_manager, people.auditor):
        with pytest.raises(services.Forbidden):
            services.escalation_acknowledge(escalation=escalation, response="x", actor=wrong)
    services.escalation_acknowledge(
        escalation=escalation, response="Seen today.", actor=people.head
    )
    with pytest.raises(services.Conflict, match="already acknowledged"):
        services.escalation_acknowledge(escalation=escalation, response="x", actor=people.manager)


@pytest.mark.parametrize(
    ("raised", "due"),
    [
        (dt.datetime(2025, 6, 11, 9), dt.datetime(2025, 6, 12, 9)),  # Wednesday -> Thursday
        (dt.datetime(2025, 6, 13, 16), dt.datetime(2025, 6, 16, 16)),  # Friday -> Monday
        (dt.datetime(2025, 6, 14, 11), dt.datetime(2025, 6, 16, 11)),  # Saturday -> Monday
        (dt.datetime(2025, 12, 24, 10), dt.datetime(2025, 12, 29, 10)),  # over Christmas
        (dt.datetime(2026, 4, 2, 15), dt.datetime(2026, 4, 7, 15)),  # over Easter
    ],
)
def test_one_working_day(raised, due):
    assert services.next_working_day(raised) == due


def test_the_auditors_grade_shown_beside_a_regrade_is_their_last_one():
    from assure.audits.models import Answer
    from assure.audits.selectors import QuestionView

    history = [
        Answer(value="good", kind="auditor"),
        Answer(value="requires_improvement", kind="auditor"),
        Answer(value="inadequate", kind="moderation"),
    ]
    view = QuestionView(question=Question(), answer=history[-1], history=history)
    assert view.auditor_answer.value == "requires_improvement"
