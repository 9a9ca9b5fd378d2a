"""The audit pages through the test client: allocation, the form, moderation, findings,
actions, collaboration and escalations."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from assure.audits import services
from assure.audits.models import Audit, CaseAction, Escalation, Notification, Question
from assure.core import clock
from tests.factories import ChildFactory, EpisodeFactory, PermanencePlanFactory

from .conftest import answer_everything, walk_to

D = dt.date(2025, 6, 11)  # a Wednesday


@pytest.fixture
def queued(people):
    children = []
    for n in range(3):
        child = ChildFactory(child_id=f"Q{n}", team=people.north)
        EpisodeFactory(child=child, start_date=dt.date(2024, 1, 1))
        PermanencePlanFactory(child=child, agreed_date=dt.date(2024, 3, 1 + n))
        children.append(child)
    return children


def test_queue_page_and_taking_a_case(client, people, queued):
    client.force_login(people.practitioner)
    assert client.get(reverse("audits:queue")).status_code == 403
    client.force_login(people.auditor)
    with clock.frozen_at(D):
        page = client.get(reverse("audits:queue"))
        assert page.status_code == 200
        table = page.content.decode().split('data-testid="queue-table"')[1]
        assert re.findall(r'href="/children/(Q\d)/"', table) == ["Q0", "Q1", "Q2"]
        taken = client.post(
            reverse("audits:allocate"),
            {"children": "Q1", "auditor": "aud", "as_of": D.isoformat()},
        )
    assert taken.status_code == 302
    audit = Audit.objects.get(child__child_id="Q1")
    assert (audit.auditor, audit.template.slug, audit.mode, audit.queue_tier) == (
        people.auditor,
        "permanence-planning",
        "paper",
        4,
    )


def test_queue_pages_keep_the_priority_order_and_the_as_at_date(
    client, people, queued, monkeypatch
):
    from assure.audits import views

    monkeypatch.setattr(views, "QUEUE_PAGE_SIZE", 2)
    client.force_login(people.auditor)
    url = reverse("audits:queue")
    with clock.frozen_at(D):
        first = client.get(url, {"as_of": D.isoformat()}).content.decode()
        second = client.get(url, {"as_of": D.isoformat(), "page": 2}).content.decode()
        past_the_end = client.get(url, {"as_of": D.isoformat(), "page": 99}).content.decode()
    in_table = lambda html: re.findall(  # noqa: E731
        r'href="/children/(Q\d)/"', html.split('data-testid="queue-table"')[1]
    )
    assert in_table(first) == ["Q0", "Q1"]
    assert in_table(second) == ["Q2"]
    assert in_table(past_the_end) == ["Q2"]  # the last page, not an error
    assert "3 children in the queue on 11 June 2025: page 1 of 2" in first
    assert f'href="?as_of={D.isoformat()}&amp;page=2" rel="next"' in first


def test_the_queue_date_is_the_gov_uk_date_input(client, people, queued):
    client.force_login(people.auditor)
    url = reverse("audits:queue")
    with clock.frozen_at(D):
        typed = client.get(
            url, {"as_of-day": "1", "as_of-month": "6", "as_of-year": "2025"}
        ).content.decode()
        unreal = client.get(
            url, {"as_of-day": "31", "as_of-month": "2", "as_of-year": "2025"}
        ).content.decode()
        linked = client.get(url, {"as_of": "2025-06-01"}).content.decode()
    assert "in the queue on 1 June 2025" in typed and "in the queue on 1 June 2025" in linked
    assert 'name="as_of-day" type="text" inputmode="numeric" value="1"' in typed
    assert 'type="date"' not in typed
    # A date that is not real is shown as an error, and the queue shown for today.
    assert "govuk-error-message" in unreal and "in the queue on 11 June 2025" in unreal


def test_only_the_lead_allocates_in_bulk(client, people, queued):
    client.force_login(people.auditor)
    refused = client.post(
        reverse("audits:allocate"),
        {"children": ["Q0", "Q2"], "auditor": "aud", "as_of": D.isoformat()},
    )
    assert refused.status_code == 400
    assert "Only the assurance lead allocates in bulk" in refused.content.decode()
    assert not Audit.objects.exists()
    client.force_login(people.lead)
    done = client.post(
        reverse("audits:allocate"),
        {
            "children": ["Q0", "Q2"],
            "auditor": "aud2",
            "mode": "collaborative",
            "template": "sgo-before-court",
            "due_date": "2025-07-01",
            "as_of": D.isoformat(),
        },
    )
    assert done.status_code == 302
    assert sorted(Audit.objects.values_list("child__child_id", "mode", "due_date")) == [
        ("Q0", "collaborative", dt.date(2025, 7, 1)),
        ("Q2", "collaborative", dt.date(2025, 7, 1)),
    ]
    empty = client.post(reverse("audits:allocate"), {"auditor": "aud2", "as_of": D.isoformat()})
    assert "Choose at least one child" in empty.content.decode()


def test_the_audit_form_saves_per_section_and_shows_errors(client, people, audit):
    client.force_login(people.auditor)
    url = reverse("audits:detail", args=[audit.pk])
    client.post(reverse("audits:transition", args=[audit.pk]), {"to": "in_progress"})
    section = audit.template.sections.first()
    questions = list(section.questions.all())
    data = {f"q{q.pk}": "good" if q.type == "graded" else "yes" for q in questions}
    data[f"q{questions[0].pk}"] = "inadequate"
    bad = client.post(reverse("audits:save_section", args=[audit.pk, section.pk]), data)
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "govuk-error-summary" in body and f'href="#e{questions[0].pk}"' in body
    assert audit.answers.count() == 0
    data[f"e{questions[0].pk}"] = "Schedule topics on health missing."
    ok = client.post(reverse("audits:save_section", args=[audit.pk, section.pk]), data)
    assert ok.status_code == 302 and ok.url.endswith(f"#section-{section.pk}")
    assert audit.answers.filter(is_current=True).count() == len(questions)
    page = client.get(url).content.decode()
    assert "Schedule topics on health missing." in page


def test_submit_hint_counts_unanswered_questions_and_says_when_none_are_left(client, people, audit):
    client.force_login(people.auditor)
    url = reverse("audits:detail", args=[audit.pk])
    client.post(reverse("audits:transition", args=[audit.pk]), {"to": "in_progress"})
    required = Question.objects.filter(section__template=audit.template, required=True).count()
    hint = re.compile(r'id="overall-hint">(.*?)</div>', re.S)
    assert f"{required} required questions still unanswered." in hint.search(
        client.get(url).content.decode()
    ).group(1)
    answer_everything(audit, people.auditor)
    answered = hint.search(client.get(url).content.decode()).group(1)
    assert "Every required question is answered." in answered
    assert "still unanswered" not in answered


def test_submit_moderate_regrade_and_close_through_the_pages(client, people, audit):
    walk_to(audit, "submitted", people)
    client.force_login(people.auditor)
    assert (
        client.post(reverse("audits:transition", args=[audit.pk]), {"to": "closed"}).status_code
        == 403
    )
    client.force_login(people.lead)
    client.post(reverse("audits:transition", args=[audit.pk]), {"to": "in_moderation"})
    q = Question.objects.filter(section__template=audit.template, type="graded").first()
    missing_reason = client.post(
        reverse("audits:regrade", args=[audit.pk]),
        {"regrade_question": q.pk, "regrade_value": "inadequate", "reason": ""},
    )
    assert missing_reason.status_code == 400
    client.post(
        reverse("audits:regrade", args=[audit.pk]),
        {"regrade_question": q.pk, "regrade_value": "inadequate", "reason": "No risk analysis."},
    )
    client.post(
        reverse("audits:regrade", args=[audit.pk]),
        {"regrade_value": "requires_improvement", "reason": "Risk."},
    )
    closed = client.post(reverse("audits:transition", args=[audit.pk]), {"to": "closed"})
    assert closed.status_code == 302
    audit.refresh_from_db()
    assert audit.status == "closed"
    assert services.current_overall_grade(audit).kind == "moderation"
    page = client.get(reverse("audits:detail", args=[audit.pk])).content.decode()
    assert "Moderated by" in page and "No risk analysis." in page
    assert "(the auditor said Good)" in page
    assert "Save “" not in page  # read-only


def test_findings_and_actions(client, people, audit):
    walk_to(audit, "in_progress", people)
    client.force_login(people.auditor)
    q = Question.objects.filter(section__template=audit.template).first()
    bad = client.post(reverse("audits:add_finding", args=[audit.pk]), {"question": q.pk})
    assert bad.status_code == 400 and "Describe the finding." in bad.content.decode()
    client.post(
        reverse("audits:add_finding", args=[audit.pk]),
        {
            "question": q.pk,
            "finding_type": "area_for_development",
            "text": "No health section.",
            "themes": [],
        },
    )
    assert audit.findings.get().type == "area_for_development"
    with clock.frozen_at(D):
        client.post(
            reverse("audits:add_action", args=[audit.pk]),
            {
                "description": "Add the health assessment.",
                "owner": "sw",
                "due_date": "2025-06-20",
                "priority": "high",
            },
        )
    action = CaseAction.objects.get()
    url = reverse("audits:complete_action", args=[action.pk])
    client.force_login(people.head)  # sees the child, but is neither owner nor manager
    assert client.post(url, {"evidence_note": "Done."}).status_code == 403
    client.force_login(people.manager)  # the owner's team manager
    assert client.post(url, {"evidence_note": ""}).status_code == 400
    assert client.post(url, {"evidence_note": "Health assessment on file."}).status_code == 302
    action.refresh_from_db()
    assert (action.status, action.completed_by) == ("completed", people.manager)


def test_collaborative_reflection(client, people, child):
    audit = services.audit_create(
        child=child,
        template_slug="sgo-before-court",
        mode="collaborative",
        auditor=people.auditor,
        actor=people.lead,
    )
    client.force_login(people.auditor)
    client.post(
        reverse("audits:participants", args=[audit.pk]), {"practitioner": "sw", "manager": "tm"}
    )
    client.force_login(people.practitioner)
    page = client.get(reverse("audits:detail", args=[audit.pk]))
    assert "Add your reflection" in page.content.decode()
    client.post(
        reverse("audits:contribute", args=[audit.pk]),
        {"contribution_type": "reflection", "contribution": "I had not seen the risk."},
    )
    client.force_login(people.south_manager)
    assert client.get(reverse("audits:detail", args=[audit.pk])).status_code == 404
    assert audit.contributions.get().author == people.practitioner


def test_escalation_notifies_and_is_acknowledged(
    client, people, audit, django_capture_on_commit_callbacks
):
    client.force_login(people.auditor)
    friday = dt.datetime(2025, 6, 13, 10, tzinfo=dt.UTC)
    with clock.frozen_at(friday), django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("audits:escalate", args=[audit.pk]),
            {"concern": "Carer says the father visits unsupervised."},
        )
    escalation = Escalation.objects.get()
    assert escalation.acknowledge_by == dt.datetime(2025, 6, 16, 10, tzinfo=dt.UTC)  # Monday
    assert sorted(Notification.objects.values_list("user__username", flat=True)) == ["hos", "tm"]
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == ["hos@example.org", "tm@example.org"]
    # The deadline in the council's time (10:00 UTC is 11am in June), as pages write it.
    assert "Acknowledge it in Assure by 16 June 2025 at 11am," in mail.outbox[0].body
    for viewer in (people.lead, people.director, people.head):
        client.force_login(viewer)
        page = client.get(reverse("audits:escalations")).content.decode()
        # The child's name with the ID beside it, not "Child K1".
        assert f'{escape(audit.child.display_name)} <span class="app-id">K1</span>' in page
    client.force_login(people.lead)  # sees it, may not acknowledge it
    url = reverse("audits:acknowledge", args=[escalation.pk])
    assert client.post(url, {"response": "x"}).status_code == 403
    client.force_login(people.manager)
    assert client.post(url, {"response": ""}).status_code == 400
    assert client.post(url, {"response": "Visited today; safety plan agreed."}).status_code == 302
    escalation.refresh_from_db()
    assert escalation.acknowledged_by == people.manager
    client.force_login(people.lead)
    assert '<span class="app-id">K1</span>' not in (
        client.get(reverse("audits:escalations")).content.decode()
    )


def test_escalation_form_offered_only_to_those_who_may_acknowledge(client, people, audit):
    """The lead and the director see every escalation but may not acknowledge one: they are
    not given a button the service would refuse. The child's managers are."""
    escalation = services.escalation_raise(audit=audit, concern="Unsafe.", actor=people.auditor)
    form = f'action="{reverse("audits:acknowledge", args=[escalation.pk])}"'
    for viewer in (people.lead, people.director):
        client.force_login(viewer)
        page = client.get(reverse("audits:escalations")).content.decode()
        assert "Unsafe." in page
        assert form not in page
        assert "The child's team manager or head of service acknowledges it." in page
    for manager in (people.manager, people.head):
        client.force_login(manager)
        page = client.get(reverse("audits:escalations")).content.decode()
        assert form in page


# A day written any other way than the house's: "13 Jun 2025", or a 24-hour time "11:05".
NOT_HOUSE_STYLE = re.compile(r"\b\d{1,2} [A-Z][a-z]{2} \d{4}\b|\b\d{2}:\d{2}\b(?!am|pm)")


def test_audit_pages_write_dates_and_moments_in_the_house_style(client, people, audit):
    # 10:05 UTC is 11:05am in the council's time in June.
    friday = dt.datetime(2025, 6, 13, 10, 5, tzinfo=dt.UTC)
    with clock.frozen_at(friday):
        walk_to(audit, "in_progress", people)
        services.action_add(
            audit=audit,
            description="Add the health assessment.",
            owner=people.practitioner,
            due_date=dt.date(2025, 6, 20),
            priority="high",
            actor=people.auditor,
        )
        services.escalation_raise(audit=audit, concern="Unsafe contact.", actor=people.auditor)
    client.force_login(people.lead)
    page = client.get(reverse("audits:detail", args=[audit.pk])).content.decode()
    auditor = escape(people.auditor.display_name)
    assert f"Raised by {auditor} on 13 June 2025 at 11:05am: Unsafe contact." in page
    # The audit's history: when it was started, and by whom.
    assert f'>13 June 2025 at 11:05am</td><td class="govuk-table__cell">{auditor}<' in page
    assert re.search(r"<td[^>]*>20 June 2025", page)  # the action's due date
    assert not NOT_HOUSE_STYLE.findall(page.split('id="main-content"')[1])
    escalations = client.get(reverse("audits:escalations")).content.decode()
    assert f"13 June 2025 at 11:05am by {auditor}" in escalations
    assert "16 June 2025 at 11:05am" in escalations  # acknowledge by
    assert not NOT_HOUSE_STYLE.findall(escalations.split('id="main-content"')[1])
