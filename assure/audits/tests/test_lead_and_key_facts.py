"""Names wherever audit work happens, the due date a programme gives, the moderation page's
order (answers first, closing last), the child's key facts beside the form, and the lead's
tools on their own page."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from assure.audits import services
from assure.audits.models import Audit, Programme, Strand
from assure.core import clock
from tests.factories import ChildFactory, EpisodeFactory, PermanencePlanFactory

from .conftest import answer_everything, walk_to

D = dt.date(2025, 6, 11)


@pytest.fixture
def queued(people):
    child = ChildFactory(child_id="Q1", first_name="Ruby", last_name="Stone", team=people.north)
    EpisodeFactory(child=child, start_date=dt.date(2024, 1, 1), legal_status="C2")
    PermanencePlanFactory(child=child, plan="sgo", agreed_date=dt.date(2024, 3, 1))
    return child


def programme(start: dt.date, end: dt.date, *, tier: int | None = None, days: int = 28):
    made = Programme.objects.create(name=f"From {start}", start_date=start, end_date=end)
    if tier is not None:
        Strand.objects.create(
            programme=made, name="Strand", inclusion_tier=tier, template_slug="x", due_days=days
        )
    return made


@pytest.mark.parametrize(
    ("programmes", "due"),
    [
        # The strand for the child's tier gives its days...
        ([(D, D + dt.timedelta(days=90), 4, 21)], D + dt.timedelta(days=21)),
        # ...never after the programme ends (Saturday 21 June 2025: back to the Friday).
        ([(D, D + dt.timedelta(days=10), 4, 21)], dt.date(2025, 6, 20)),
        # A strand for another tier does not; the programme's end does (Sunday 10 August
        # 2025: back to the Friday).
        ([(D, D + dt.timedelta(days=60), 1, 21)], dt.date(2025, 8, 8)),
        # A bank holiday moves back too (the late summer bank holiday, 25 August 2025).
        ([(D, dt.date(2025, 8, 25), 1, 21)], dt.date(2025, 8, 22)),
        # A programme not running that day is no guide: 28 days.
        ([(D + dt.timedelta(days=1), D + dt.timedelta(days=60), 4, 21)], D + dt.timedelta(28)),
        ([], D + dt.timedelta(days=28)),
    ],
)
def test_the_due_date_comes_from_the_programme(programmes, due, db):
    for start, end, tier, days in programmes:
        programme(start, end, tier=tier, days=days)
    assert services.due_date_from_programme(tier=4, on=D) == due


def test_taking_a_case_sets_its_due_date_and_the_queue_shows_names(client, people, queued):
    programme(D - dt.timedelta(days=30), D + dt.timedelta(days=60), tier=4, days=14)
    client.force_login(people.auditor)
    with clock.frozen_at(D):
        page = client.get(reverse("audits:queue")).content.decode()
        table = page.split('data-testid="queue-table"')[1]
        assert '/children/Q1/">Ruby Stone</a> <span class="app-id">Q1</span>' in table
        assert 'Take<span class="govuk-visually-hidden"> Ruby Stone (Q1)</span>' in table
        assert 'data-testid="lead-tools-link"' not in page  # not the auditor's
        taken = client.post(
            reverse("audits:allocate"),
            {"children": "Q1", "auditor": "aud", "as_of": D.isoformat()},
        )
        assert taken.status_code == 302
        mine = client.get(reverse("audits:queue")).content.decode()
    audit = Audit.objects.get(child=queued)
    assert (audit.queue_tier, audit.due_date) == (4, D + dt.timedelta(days=14))
    assert 'Ruby Stone<span class="govuk-visually-hidden">: open the audit</span>' in mine
    assert "25 June 2025" in mine.split('data-testid="my-audits"')[1].split("</table>")[0]


def test_a_date_given_is_kept(people, queued):
    programme(D - dt.timedelta(days=30), D + dt.timedelta(days=60), tier=4, days=14)
    with clock.frozen_at(D):
        audit = services.audit_create(
            child=queued,
            template_slug="sgo-before-court",
            mode="paper",
            auditor=people.auditor,
            actor=people.lead,
            due_date=D + dt.timedelta(days=3),
        )
    assert audit.due_date == D + dt.timedelta(days=3)


def test_moderation_puts_the_answers_first_and_closing_last(client, people, queued):
    with clock.frozen_at(D):
        audit = services.audit_create(
            child=queued,
            template_slug="sgo-before-court",
            mode="paper",
            auditor=people.auditor,
            actor=people.lead,
        )
        walk_to(audit, "in_progress", people)
        answer_everything(audit, people.auditor)
        walk_to_moderation(audit, people)
        client.force_login(people.lead)
        page = client.get(reverse("audits:detail", args=[audit.pk])).content.decode()
    questions = page.index('<h2 class="govuk-heading-m">Questions</h2>')
    answers = page.index("Seen on file.")
    closing = page.index(">Close the audit</button>")
    assert questions < answers < closing
    assert closing > page.index('<h2 class="govuk-heading-m">History</h2>')
    assert closing > page.index(">Return to the auditor</button>")
    # At the top, a link down to it.
    assert page.index('data-testid="next-step-link"') < questions
    link = page.split('data-testid="next-step-link"')[1].split("</p>")[0]
    assert 'href="#moves"' in link and "close the audit</a>" in link


def walk_to_moderation(audit, people) -> None:
    services.audit_transition(
        audit=audit, to="submitted", actor=people.auditor, overall_grade="good"
    )
    services.audit_transition(audit=audit, to="in_moderation", actor=people.lead)


def test_the_childs_key_facts_sit_beside_the_form(client, people, queued):
    from assure.children.models import Proceedings, Review

    proceedings = Proceedings.objects.create(
        proceedings_id="P-Q1", application_type="care", issue_date=dt.date(2025, 4, 2)
    )
    proceedings.children.add(queued)
    Review.objects.create(child=queued, review_date=dt.date(2025, 5, 20))
    with clock.frozen_at(D):
        audit = services.audit_create(
            child=queued,
            template_slug="sgo-before-court",
            mode="paper",
            auditor=people.auditor,
            actor=people.lead,
        )
        walk_to(audit, "in_progress", people)
        client.force_login(people.auditor)
        page = client.get(reverse("audits:detail", args=[audit.pk])).content.decode()
    facts = page.split('data-testid="key-facts"')[1].split("</aside>")[0]

    def fact(name: str) -> str:
        found = re.search(rf'data-testid="fact-{name}">(.*?)</dd>', facts, re.S)
        assert found, name
        return re.sub(r"<[^>]+>", "", found.group(1)).strip()

    assert fact("plan") == "Special guardianship order, agreed 1 March 2024"
    assert fact("legal-status").startswith("C2")
    assert fact("proceedings").startswith("Week 11 of 26")  # issued 2 April 2025
    assert fact("last-review").startswith("20 May 2025")
    # Beside the form: the questions and the facts are in one row of the grid.
    row = page.split('<div class="govuk-grid-row">')[1]
    assert "Questions</h2>" in row and 'data-testid="key-facts"' in row


def test_the_leads_tools_have_their_own_page(client, people, queued):
    programme(D - dt.timedelta(days=30), D + dt.timedelta(days=60), tier=4, days=14)
    programme(D - dt.timedelta(days=90), D - dt.timedelta(days=1))  # ended: not listed
    with clock.frozen_at(D):
        services.audit_create(
            child=queued,
            template_slug="sgo-before-court",
            mode="paper",
            auditor=people.auditor,
            actor=people.lead,
        )
        client.force_login(people.lead)
        queue = client.get(reverse("audits:queue")).content.decode()
        assert 'href="/audits/lead/">Lead\'s tools</a>' in queue
        assert '<h2 class="govuk-heading-m">Lead\'s tools</h2>' not in queue  # not at its foot
        page = client.get(reverse("audits:lead"))
        assert page.status_code == 200
        html = page.content.decode()
        client.force_login(people.auditor)
        refused = client.get(reverse("audits:lead"))
    programmes = html.split('data-testid="lead-programmes"')[1].split("</table>")[0]
    assert f"From {D - dt.timedelta(days=30)}" in programmes
    assert f"From {D - dt.timedelta(days=90)}" not in programmes
    workload = html.split('data-testid="lead-workload"')[1].split("</table>")[0]
    assert people.auditor.first_name in workload
    assert 'href="/audits/programmes/"' in html and 'href="/audits/workload/"' in html
    assert refused.status_code == 403
