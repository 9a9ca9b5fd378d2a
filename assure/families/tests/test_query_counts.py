"""The family page and API cost the same number of queries for 2 children as for 8
(ARCHITECTURE rule 8)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assure.audits import services as audit_services
from assure.audits.models import Escalation, Finding, Question
from assure.core import clock
from assure.families.models import Family, FamilyMember
from tests.factories import ChildFactory, UserFactory

from .conftest import NOW, add_record, add_shared_proceedings, bearer_for

# The test client's session, the user, roles and second factor (as for the child page); the
# family's members with their annotations (one query), the access log (one insert), and the
# chronology's sources: episodes, proceedings links, proceedings, hearings, plans, assessments,
# support plans, reviews, social care events (Annex A); proposals and their decisions (two),
# panel outcomes (one); audits, findings and escalations (three, for those who may see
# audits); the carers' assessments (one); and the family's practice reviews.
PAGE_QUERIES = 26
# The family audits slot on the page (kept by the audits app) reads the family's audits in
# one query of its own.
SLOT_QUERIES = 1
# The token, its last-used stamp and the user's roles, then the same reads as the page
# (without the practice reviews).
API_QUERIES = 26


def _family(family_id: str, size: int, team) -> None:
    family = Family.objects.create(family_id=family_id, created_at=NOW)
    children = []
    auditor = UserFactory(username=f"auditor-{family_id}", roles=["auditor"])
    for n in range(size):
        child = ChildFactory(child_id=f"{family_id}-{n}", team=team)
        add_record(child, year=2018 + n % 5)
        FamilyMember.objects.create(family=family, child=child, linked_at=NOW)
        children.append(child)
        _audit(child, auditor)
    add_shared_proceedings(children[:2], proceedings_id=f"{family_id}-P1")
    add_shared_proceedings(children[1:], proceedings_id=f"{family_id}-P2")


def _audit(child, auditor) -> None:
    """An audit with a finding and an escalation: four events in the chronology."""
    audit = audit_services.audit_create(
        child=child, template_slug="sgo-before-court", mode="paper", auditor=auditor, actor=auditor
    )
    question = Question.objects.filter(section__template=audit.template).first()
    Finding.objects.create(
        audit=audit,
        question=question,
        type="strength",
        text="Good",
        created_by=auditor,
        created_at=NOW,
    )
    Escalation.objects.create(
        audit=audit,
        child=child,
        concern="Unsafe",
        raised_by=auditor,
        raised_at=NOW,
        acknowledge_by=NOW,
        acknowledged_by=auditor,
        acknowledged_at=NOW,
        response="Visited",
    )


def _count(client, url: str, **headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.django_db
def test_family_page_and_api_do_not_grow_with_the_family(client, team, lead):
    _family("SMALL", 2, team)
    _family("LARGE", 8, team)
    client.force_login(lead)
    bearer = bearer_for(lead)
    counts = {
        size: (
            _count(client, f"/families/{size}/?kind=hearing&kind=plan&date_from=2010-01-01"),
            _count(client, f"/families/{size}/"),
            _count(client, f"/api/v1/families/{size}", **bearer),
        )
        for size in ("SMALL", "LARGE")
    }
    assert counts["SMALL"] == counts["LARGE"]
    filtered, page, api = counts["SMALL"]
    assert filtered == page
    assert page == PAGE_QUERIES + SLOT_QUERIES
    assert api == API_QUERIES
    # The audit events are there (the lead may see audits): four for each child.
    html = client.get("/families/LARGE/?kind=audit&kind=finding&kind=escalation").content
    assert html.decode().count('class="moj-timeline__item"') == 4 * 8


@pytest.mark.django_db
def test_families_list_does_not_grow(client, team, lead):
    client.force_login(lead)
    _family("ONE", 2, team)
    small = _count(client, "/families/")
    for n in range(5):
        _family(f"MORE{n}", 4, team)
    assert _count(client, "/families/") == small
    assert clock.today()  # the list is not dated
