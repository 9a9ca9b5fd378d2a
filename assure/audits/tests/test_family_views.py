"""Family audit pages and the grouped queue through the test client: starting a family audit
from a family or a queue group, shared and per-child answers and findings, moves refused for
everyone with the reason, CSRF, and query counts that do not grow with the family."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assure.audits import family_services
from assure.audits.models import Answer, Audit, FamilyAudit, Finding, Question
from assure.audits.queue import priority_queue, sibling_groups
from assure.children.models import SGOAssessment
from assure.core import clock
from assure.families.models import Family, FamilyMember
from assure.tracker.snapshot import snapshot_for
from tests.factories import ChildFactory, EpisodeFactory, PermanencePlanFactory, ProceedingsFactory
from tests.html import normalised

from .conftest import answer_everything

D = dt.date(2025, 6, 11)
# The session, user, roles and second factor; the family audit and its visible child audits,
# the access log, the template's sections and questions, the answers, the findings and their
# themes, the overall grades, the grade scale, and the finding form's questions and themes.
FAMILY_PAGE_QUERIES = 19
# The queue page (pinned in test_query_counts.py), the tracker's snapshot at D asked for again
# (the rule set, the snapshot, the care log's newest entry: the links are read only for the
# children on it) and the two reads that group siblings.
GROUPING_QUERIES = 5


def _family(people, family_id: str, size: int) -> list:
    family = Family.objects.create(
        family_id=family_id, name=f"{family_id} family", created_at=timezone.now()
    )
    children = []
    for n in range(size):
        child = ChildFactory(child_id=f"{family_id}{n}", first_name=f"Kid{n}", team=people.north)
        FamilyMember.objects.create(family=family, child=child, linked_at=timezone.now())
        children.append(child)
    return family, children


@pytest.fixture
def started(people):
    family, (maya, leo) = _family(people, "STONE", 2)
    fa = family_services.family_audit_create(
        children=[maya, leo],
        template_slug="sgo-before-court",
        auditor=people.auditor,
        actor=people.lead,
        family=family,
    )
    family_services.family_audit_transition(family_audit=fa, to="in_progress", actor=people.auditor)
    return fa


def _audits(fa):
    return list(fa.child_audits.order_by("child__child_id"))


def test_start_a_family_audit_from_the_family_page(client, people):
    family, children = _family(people, "STONE", 2)
    hidden = ChildFactory(child_id="HID", first_name="Secret", team=people.north, restricted=True)
    FamilyMember.objects.create(family=family, child=hidden, linked_at=timezone.now())
    client.force_login(people.auditor)
    page = client.get(reverse("families:detail", args=["STONE"])).content.decode()
    assert "Start a family audit" in page
    url = reverse("audits:family_new") + "?family=STONE"
    form = client.get(url)
    html = normalised(form.content.decode())
    assert form.status_code == 200 and "STONE0" in html and "STONE1" in html
    assert "HID" not in html and "Secret" not in html
    posted = {"family": "STONE", "auditor": "aud", "template": "sgo-before-court", "mode": "paper"}
    # A child the auditor may not see is no choice at all.
    refused = client.post(
        reverse("audits:family_new"), {**posted, "children": ["STONE0", "STONE1", "HID"]}
    )
    assert refused.status_code == 400 and not FamilyAudit.objects.exists()
    response = client.post(
        reverse("audits:family_new"), {**posted, "children": ["STONE0", "STONE1"]}
    )
    fa = FamilyAudit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("audits:family_detail", args=[fa.pk])
    assert fa.family == family
    assert sorted(fa.child_audits.values_list("child__child_id", flat=True)) == ["STONE0", "STONE1"]
    page = client.get(reverse("families:detail", args=["STONE"])).content.decode()
    assert fa.title in page


def test_people_who_do_not_audit_get_no_start_button_and_403(client, people):
    _family(people, "STONE", 2)
    client.force_login(people.practitioner)
    assert (
        "Start a family audit"
        not in client.get(reverse("families:detail", args=["STONE"])).content.decode()
    )
    assert client.get(reverse("audits:family_new") + "?family=STONE").status_code == 403


def test_starting_with_one_child_is_refused_with_the_reason(client, people):
    _family(people, "STONE", 2)
    client.force_login(people.auditor)
    response = client.post(
        reverse("audits:family_new"),
        {
            "family": "STONE",
            "children": ["STONE0"],
            "auditor": "aud",
            "template": "sgo-before-court",
            "mode": "paper",
        },
    )
    assert response.status_code == 400
    assert "Choose at least two children" in response.content.decode()
    assert not Audit.objects.exists()


def test_shared_and_per_child_answers_through_the_page(client, people, started):
    maya_audit, leo_audit = _audits(started)
    questions = list(Question.objects.filter(section__template=started.template, type="graded"))
    first, second = questions[0], questions[1]
    assert first.section_id == second.section_id
    client.force_login(people.auditor)
    url = reverse("audits:family_save_section", args=[started.pk, first.section_id])
    response = client.post(
        url,
        {
            f"mode{first.pk}": "shared",
            f"q{first.pk}": "good",
            f"mode{second.pk}": "per_child",
            f"q{second.pk}-a{maya_audit.pk}": "outstanding",
            f"q{second.pk}-a{leo_audit.pk}": "requires_improvement",
            f"e{second.pk}-a{leo_audit.pk}": "Contact risks not assessed.",
        },
    )
    assert response.status_code == 302
    current = {
        (a.audit_id, a.question_id): (a.value, a.shared)
        for a in Answer.objects.filter(is_current=True)
    }
    assert current[(maya_audit.pk, first.pk)] == ("good", True)
    assert current[(leo_audit.pk, first.pk)] == ("good", True)
    assert current[(maya_audit.pk, second.pk)] == ("outstanding", False)
    assert current[(leo_audit.pk, second.pk)] == ("requires_improvement", False)
    html = client.get(reverse("audits:family_detail", args=[started.pk])).content.decode()
    # The first question shows "the same for every child" chosen, the second "different".
    assert f'id="mode{first.pk}" name="mode{first.pk}" type="radio" value="shared" checked' in html
    assert (
        f'id="mode{second.pk}-per" name="mode{second.pk}" type="radio" value="per_child" checked'
        in html
    )


def test_a_bad_answer_shows_the_problem_and_saves_nothing(client, people, started):
    maya_audit, leo_audit = _audits(started)
    question = Question.objects.filter(section__template=started.template, type="graded").first()
    client.force_login(people.auditor)
    response = client.post(
        reverse("audits:family_save_section", args=[started.pk, question.section_id]),
        {
            f"mode{question.pk}": "per_child",
            f"q{question.pk}-a{maya_audit.pk}": "good",
            f"q{question.pk}-a{leo_audit.pk}": "inadequate",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert f'href="#e{question.pk}-a{leo_audit.pk}"' in html
    assert "Give the evidence for grading this inadequate." in html
    # What was posted is shown again, the per-child choice kept.
    assert 'value="per_child" checked' in html
    assert not Answer.objects.exists()


def test_shared_and_per_child_findings_through_the_page(client, people, started):
    maya_audit, leo_audit = _audits(started)
    question = Question.objects.filter(section__template=started.template).first()
    client.force_login(people.auditor)
    url = reverse("audits:family_add_finding", args=[started.pk])
    base = {"question": question.pk, "finding_type": "strength"}
    assert (
        client.post(url, {**base, "applies_to": "all", "text": "Shared strength."}).status_code
        == 302
    )
    assert (
        client.post(url, {**base, "applies_to": str(leo_audit.pk), "text": "Leo only."}).status_code
        == 302
    )
    assert sorted(Finding.objects.values_list("audit_id", "text")) == sorted(
        [
            (maya_audit.pk, "Shared strength."),
            (leo_audit.pk, "Shared strength."),
            (leo_audit.pk, "Leo only."),
        ]
    )
    bad = client.post(url, {**base, "applies_to": "all", "text": ""})
    assert bad.status_code == 400 and "Describe the finding." in bad.content.decode()
    html = client.get(reverse("audits:family_detail", args=[started.pk])).content.decode()
    assert html.count("Shared strength.") == 1  # shown once for both children


def test_a_refused_move_says_why_and_moves_nobody(client, people, started):
    maya_audit, leo_audit = _audits(started)
    answer_everything(maya_audit, people.auditor)
    client.force_login(people.auditor)
    response = client.post(
        reverse("audits:family_transition", args=[started.pk]),
        {"to": "submitted", f"grade-{maya_audit.pk}": "good", f"grade-{leo_audit.pk}": "good"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "No child's audit was moved" in html
    assert "Kid1" in html and "Answer every required question first" in html
    assert set(Audit.objects.values_list("status", flat=True)) == {"in_progress"}
    answer_everything(leo_audit, people.auditor)
    response = client.post(
        reverse("audits:family_transition", args=[started.pk]),
        {
            "to": "submitted",
            f"grade-{maya_audit.pk}": "good",
            f"grade-{leo_audit.pk}": "inadequate",
        },
    )
    assert response.status_code == 302
    assert set(Audit.objects.values_list("status", flat=True)) == {"submitted"}


def test_someone_else_may_not_answer_or_move(client, people, started):
    client.force_login(people.other_auditor)
    section = Question.objects.filter(section__template=started.template).first().section_id
    assert (
        client.post(
            reverse("audits:family_save_section", args=[started.pk, section]), {}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("audits:family_transition", args=[started.pk]), {"to": "submitted"}
        ).status_code
        == 403
    )


def test_posts_need_the_csrf_token(people, started):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.auditor)
    section = Question.objects.filter(section__template=started.template).first().section_id
    for url in (
        reverse("audits:family_new"),
        reverse("audits:family_save_section", args=[started.pk, section]),
        reverse("audits:family_add_finding", args=[started.pk]),
        reverse("audits:family_transition", args=[started.pk]),
    ):
        assert client.post(url, {"to": "submitted"}).status_code == 403, url
    assert set(Audit.objects.values_list("status", flat=True)) == {"in_progress"}


def test_the_family_audit_page_costs_the_same_for_two_children_as_for_five(client, people):
    def make(family_id: str, size: int) -> FamilyAudit:
        family, children = _family(people, family_id, size)
        fa = family_services.family_audit_create(
            children=children,
            template_slug="sgo-before-court",
            auditor=people.auditor,
            actor=people.lead,
            family=family,
        )
        family_services.family_audit_transition(
            family_audit=fa, to="in_progress", actor=people.auditor
        )
        for audit in fa.child_audits.all():
            answer_everything(audit, people.auditor)
        question = Question.objects.filter(section__template=fa.template).first()
        family_services.family_finding_add(
            family_audit=fa,
            question=question,
            type="strength",
            text="Shared.",
            actor=people.auditor,
        )
        return fa

    small, large = make("SMALL", 2), make("LARGE", 5)
    client.force_login(people.auditor)
    counts = []
    for fa in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("audits:family_detail", args=[fa.pk])).status_code == 200
        counts.append(len(queries))
    assert counts == [FAMILY_PAGE_QUERIES, FAMILY_PAGE_QUERIES]


# --- the queue, grouped ----------------------------------------------------------------------


def _in_queue(child_id: str, team, **extra):
    child = ChildFactory(child_id=child_id, team=team, **extra)
    EpisodeFactory(child=child, start_date=D - dt.timedelta(days=400))
    PermanencePlanFactory(child=child, agreed_date=D - dt.timedelta(days=100))
    return child


def _carer(child, carer_id: str) -> None:
    SGOAssessment.objects.create(
        child=child,
        assessment_id=f"{child.child_id}-{carer_id}",
        carer_name="Gran",
        carer_id=carer_id,
        relationship="relative",
        stage="viability",
    )


@pytest.fixture
def queue_world(people):
    team = people.north
    a, b = _in_queue("QA", team), _in_queue("QB", team)
    c, d = _in_queue("QC", team), _in_queue("QD", team)
    e = _in_queue("QE", team)
    hidden = _in_queue("QH", team, restricted=True)
    shared = ProceedingsFactory(proceedings_id="P-SHARED", issue_date=D - dt.timedelta(days=30))
    shared.children.add(a, b, hidden)
    done = ProceedingsFactory(
        proceedings_id="P-DONE",
        issue_date=D - dt.timedelta(days=300),
        status="concluded",
        concluded_date=D - dt.timedelta(days=10),
    )
    done.children.add(e, d)
    _carer(c, "CARER-1")
    _carer(d, "CARER-1")
    _carer(e, "")  # a blank carer ID groups nobody
    _carer(a, "")
    return a, b, c, d, e, hidden


def test_siblings_who_share_proceedings_or_a_carer_are_grouped(people, queue_world):
    a, b, c, d, e, hidden = queue_world
    items = priority_queue(user=people.auditor, on=D)
    groups = sibling_groups(items=items, on=D)
    shown = {tuple(ch.child_id for ch in g.children): g.reason for g in groups}
    assert shown[("QA", "QB")] == "share proceedings P-SHARED"
    assert shown[("QC", "QD")] == "share a prospective special guardian"
    assert shown[("QE",)] == ""
    assert all("QH" not in ids for ids in shown)
    # The lead sees the restricted sibling, who joins the group.
    lead_groups = sibling_groups(items=priority_queue(user=people.lead, on=D), on=D)
    assert any(tuple(c.child_id for c in g.children) == ("QA", "QB", "QH") for g in lead_groups)


def test_overlapping_groups_join_with_both_reasons(people, queue_world):
    a, b, c, d, e, hidden = queue_world
    _carer(b, "CARER-1")  # B shares the proceedings with A and the carer with C and D
    groups = sibling_groups(items=priority_queue(user=people.auditor, on=D), on=D)
    [big] = [g for g in groups if g.is_group]
    assert sorted(c.child_id for c in big.children) == ["QA", "QB", "QC", "QD"]
    assert big.reason == "share proceedings P-SHARED and a prospective special guardian"


def test_the_grouped_queue_page_links_a_group_to_a_family_audit(client, people, queue_world):
    client.force_login(people.lead)
    html = client.get(reverse("audits:queue") + f"?as_of={D}&group=1").content.decode()
    assert "Siblings who share proceedings P-SHARED" in html
    assert "Siblings who share a prospective special guardian" in html
    assert "children=QC&amp;children=QD&amp;reason=share+a+prospective+special+guardian" in html
    ungrouped = client.get(reverse("audits:queue") + f"?as_of={D}").content.decode()
    assert "Siblings who" not in ungrouped
    # Following the link: the form offers the group, and allocating makes one family audit.
    form = client.get(
        reverse("audits:family_new")
        + "?children=QC&children=QD&reason=share+a+prospective+special+guardian"
    )
    assert "These children share a prospective special guardian." in form.content.decode()
    # Allocated on D (the queue's day), they leave D's queue.
    with clock.frozen_at(D):
        response = client.post(
            reverse("audits:family_new"),
            {
                "offered": ["QC", "QD"],
                "children": ["QC", "QD"],
                "reason": "share a prospective special guardian",
                "auditor": "aud",
                "template": "sgo-before-court",
                "mode": "collaborative",
            },
        )
        assert response.status_code == 302
        fa = FamilyAudit.objects.get()
        assert fa.family is None and fa.reason == "share a prospective special guardian"
        assert fa.title == "Family audit: siblings who share a prospective special guardian"
        assert sorted(fa.child_audits.values_list("child__child_id", flat=True)) == ["QC", "QD"]
        html = client.get(reverse("audits:queue") + f"?as_of={D}&group=1").content.decode()
        assert "share a prospective special guardian" not in html


def test_grouping_costs_the_same_queries_whatever_the_queue(client, people, queue_world):
    client.force_login(people.auditor)

    def count(url: str) -> int:
        snapshot_for(D)  # the queue's snapshot up to date: its own queries are pinned apart
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    url = reverse("audits:queue") + f"?as_of={D}"
    small = (count(url), count(url + "&group=1"))
    for n in range(6):
        x, y = _in_queue(f"MORE{n}A", people.north), _in_queue(f"MORE{n}B", people.north)
        shared = ProceedingsFactory(issue_date=D - dt.timedelta(days=30))
        shared.children.add(x, y)
        _carer(x, f"C{n}")
        _carer(y, f"C{n}")
    large = (count(url), count(url + "&group=1"))
    assert small == large
    assert large[1] == large[0] + GROUPING_QUERIES
