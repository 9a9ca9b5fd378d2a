"""Query counts for the queue page, the queue API and the audit page are pinned and do not
grow with the number of children, answers, findings or actions (ARCHITECTURE rule 8)."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assure.audits import services
from assure.audits.models import Question
from assure.children.models import Child, Episode, PermanencePlan, SGOAssessment
from assure.core import clock
from assure.people.services import api_token_create
from assure.tracker.snapshot import snapshot_for

from .conftest import answer_everything, walk_to

D = dt.date(2025, 6, 11)
# Each includes the session, user, roles and second-factor reads (the API: the token lookup and
# its last-used stamp); the queue adds the settings row, the rule set, the tracker's snapshot
# at the date and its freshness check, and its one query; the page the records of the page's
# children, the user's open audits and the auditor choices; the audit page one query per part
# of the record.
QUEUE_PAGE_QUERIES = 15
QUEUE_API_QUERIES = 13
AUDIT_PAGE_QUERIES = 31  # with one for the actions' agreements, and 7 for the child's key facts
AUDIT_LIST_API_QUERIES = 10


def _children(team, start: int, count: int) -> None:
    made = Child.objects.bulk_create(
        Child(child_id=f"N{n:05d}", team=team) for n in range(start, start + count)
    )
    Episode.objects.bulk_create(Episode(child=c, start_date=dt.date(2024, 1, 1)) for c in made)
    PermanencePlan.objects.bulk_create(
        PermanencePlan(child=c, plan="sgo", agreed_date=dt.date(2024, 2, 1)) for c in made
    )
    SGOAssessment.objects.bulk_create(
        SGOAssessment(
            child=c,
            assessment_id=f"S{c.child_id}",
            carer_name="A",
            relationship="friend",
            stage="full",
            start_date=dt.date(2024, 3, 1),
        )
        for c in made[::2]
    )


def _audits(people, start: int, count: int) -> None:
    """Audits of children who are not in the queue (they have no episodes)."""
    for n in range(start, start + count):
        audit = services.audit_create(
            child=Child.objects.create(child_id=f"AUD{n:04d}", team=people.north),
            template_slug="sgo-before-court",
            mode="paper",
            auditor=people.auditor,
            actor=people.lead,
        )
        if n % 2:
            services.audit_transition(audit=audit, to="in_progress", actor=people.auditor)


def _count(client, url: str, **headers) -> int:
    # The queue reads the tracker's snapshot at D: brought up to date first, as it would be
    # by the day's first visitor (its own queries are pinned in the tracker's tests).
    snapshot_for(D)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200, url
    return len(queries)


def test_queue_page_and_api(client, people):
    _, raw = api_token_create(user=people.auditor)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    client.force_login(people.auditor)
    urls = {
        "page": (reverse("audits:queue") + f"?as_of={D}", {}),
        "api": (f"/api/v1/audit-queue?as_of={D}", bearer),
        "api_list": ("/api/v1/audits?page_size=500", bearer),
    }
    _children(people.north, 0, 5)
    _audits(people, 0, 3)
    small = {k: _count(client, u, **h) for k, (u, h) in urls.items()}
    _children(people.north, 5, 300)
    _audits(people, 3, 40)
    large = {k: _count(client, u, **h) for k, (u, h) in urls.items()}
    assert small == large
    assert large == {
        "page": QUEUE_PAGE_QUERIES,
        "api": QUEUE_API_QUERIES,
        "api_list": AUDIT_LIST_API_QUERIES,
    }


def _fill(audit, people, n_findings: int) -> None:
    questions = list(Question.objects.filter(section__template=audit.template))
    for i in range(n_findings):
        services.finding_add(
            audit=audit,
            question=questions[i % len(questions)],
            type="strength",
            text=f"Finding {i}",
            actor=people.auditor,
        )
        with clock.frozen_at(D):
            services.action_add(
                audit=audit,
                description=f"Action {i}",
                owner=people.practitioner,
                due_date=D,
                priority="low",
                actor=people.auditor,
            )


def test_audit_page(client, people, child, audit):
    walk_to(audit, "in_progress", people)
    client.force_login(people.auditor)
    url = reverse("audits:detail", args=[audit.pk])
    _fill(audit, people, 1)
    small = _count(client, url)
    answer_everything(audit, people.auditor)
    answer_everything(audit, people.auditor, grade="outstanding")
    _fill(audit, people, 12)
    large = _count(client, url)
    assert small == large
    assert large == AUDIT_PAGE_QUERIES
