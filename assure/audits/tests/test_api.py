"""The audits API's exact contract (issue 5 item 8)."""

import datetime as dt

import pytest

from assure.audits.models import Question
from assure.core import clock
from assure.core.models import AccessEvent
from assure.core.working_days import working_day_on_or_before
from tests.api import bearer as api_bearer
from tests.factories import ChildFactory, EpisodeFactory, PermanencePlanFactory

D = dt.date(2025, 6, 11)


def bearer(user):
    return api_bearer(user)


@pytest.fixture
def api(client, people):
    def call(method, url, user, payload=None):
        kwargs = bearer(user)
        if payload is not None:
            kwargs |= {"data": payload, "content_type": "application/json"}
        return getattr(client, method)(url, **kwargs)

    return call


def test_queue_contract(api, people, child):
    PermanencePlanFactory(child=child, agreed_date=dt.date(2024, 5, 1))
    other = ChildFactory(child_id="K0", team=people.north)
    EpisodeFactory(child=other, start_date=dt.date(2024, 2, 1))
    PermanencePlanFactory(child=other, agreed_date=dt.date(2024, 6, 1))
    response = api("get", f"/api/v1/audit-queue?as_of={D}", people.auditor)
    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {
                "child_id": "K1",
                "tier": 4,
                "reason": "Permanence plan includes an SGO",
                "key_date": "2024-05-01",
            },
            {
                "child_id": "K0",
                "tier": 4,
                "reason": "Permanence plan includes an SGO",
                "key_date": "2024-06-01",
            },
        ]
    }
    with clock.frozen_at(D):
        assert api("get", "/api/v1/audit-queue", people.lead).json() == response.json()
    assert api("get", "/api/v1/audit-queue?as_of=2025-02-30", people.lead).status_code == 422
    assert api("get", "/api/v1/audit-queue", people.practitioner).status_code == 403


def test_template_contract(api, people):
    body = api("get", "/api/v1/audit-templates/sgo-before-court", people.practitioner).json()
    assert set(body) == {"slug", "version", "sections"}
    assert (body["slug"], body["version"]) == ("sgo-before-court", 2)  # the latest version
    assert [s["title"] for s in body["sections"]] == [
        "The child",
        "The child's family and siblings",
        "Wishes and feelings",
        "The prospective special guardian",
        "The order and the recommendation",
        "Best practice before the order",
        "Support and legal planning",
        "Oversight and recording",
    ]
    first = body["sections"][0]["questions"][0]
    assert set(first) == {"id", "text", "type", "required"}
    assert first["text"].startswith("How well does the assessment analyse the harm")
    assert {q["type"] for s in body["sections"] for q in s["questions"]} == {
        "graded",
        "yes_no",
        "text",
    }
    for slug in ("sgo-support-review", "permanence-planning", "placement-with-parents"):
        assert api("get", f"/api/v1/audit-templates/{slug}", people.lead).status_code == 200
    assert api("get", "/api/v1/audit-templates/nope", people.lead).status_code == 404


def test_create_get_answer_and_walk_the_life(api, people, child):
    created = api(
        "post",
        "/api/v1/audits",
        people.lead,
        {
            "child_id": "K1",
            "template": "sgo-before-court",
            "mode": "paper",
            "auditor": "aud",
        },
    )
    assert created.status_code == 201
    body = created.json()
    audit_id = body["id"]
    assert body == {
        "id": audit_id,
        "child_id": "K1",
        "template": "sgo-before-court",
        "mode": "paper",
        "auditor": "aud",
        "status": "scheduled",
        "overall_grade": None,
        "findings": [],
        "actions": [],
    }
    url = f"/api/v1/audits/{audit_id}"
    assert api("get", url, people.auditor).json() == body
    assert AccessEvent.objects.filter(user=people.auditor, child=child, via="api").exists()

    # a second open audit of the same child is a conflict
    again = api(
        "post",
        "/api/v1/audits",
        people.lead,
        {
            "child_id": "K1",
            "template": "sgo-before-court",
            "mode": "paper",
            "auditor": "aud",
        },
    )
    assert again.status_code == 409

    assert api("post", f"{url}/transition", people.lead, {"to": "in_progress"}).status_code == 403
    moved = api("post", f"{url}/transition", people.auditor, {"to": "in_progress"})
    assert moved.status_code == 200 and moved.json()["status"] == "in_progress"

    questions = Question.objects.filter(section__template__audits=audit_id)
    values = {"graded": "good", "yes_no": "partly", "text": "Summary."}
    bad = api(
        "put",
        f"{url}/answers",
        people.auditor,
        {"answers": [{"question": questions[0].pk, "value": "inadequate", "evidence": ""}]},
    )
    assert bad.status_code == 422 and "evidence" in bad.json()["detail"]
    assert api("put", f"{url}/answers", people.lead, {"answers": []}).status_code == 403
    twice = api(
        "put",
        f"{url}/answers",
        people.auditor,
        {
            "answers": [
                {"question": questions[0].pk, "value": "good"},
                {"question": questions[0].pk, "value": "good"},
            ]
        },
    )
    assert twice.status_code == 422 and "answered twice" in twice.json()["detail"]
    unknown = api(
        "put",
        f"{url}/answers",
        people.auditor,
        {"answers": [{"question": 999999, "value": "good"}]},
    )
    assert unknown.status_code == 422 and "not in the audit's template" in unknown.json()["detail"]

    early = api(
        "post", f"{url}/transition", people.auditor, {"to": "submitted", "overall_grade": "good"}
    )
    assert early.status_code == 409
    assert "required question" in early.json()["detail"]

    saved = api(
        "put",
        f"{url}/answers",
        people.auditor,
        {
            "answers": [
                {"question": q.pk, "value": values[q.type], "evidence": ""} for q in questions
            ]
        },
    )
    assert saved.status_code == 200
    assert len(saved.json()["answers"]) == questions.count()

    submitted = api(
        "post", f"{url}/transition", people.auditor, {"to": "submitted", "overall_grade": "good"}
    )
    assert submitted.status_code == 200
    assert (submitted.json()["status"], submitted.json()["overall_grade"]) == ("submitted", "good")

    wrong = api("post", f"{url}/transition", people.lead, {"to": "in_progress"})
    assert wrong.status_code == 409
    assert wrong.json()["detail"] == "An audit that is submitted cannot be moved to in progress."
    closed = api("post", f"{url}/transition", people.lead, {"to": "closed", "comment": "Agreed."})
    assert closed.json()["status"] == "closed"
    assert api("put", f"{url}/answers", people.auditor, {"answers": []}).status_code == 409


def test_children_outside_the_policy_answer_404(api, people, child):
    created = api(
        "post",
        "/api/v1/audits",
        people.lead,
        {
            "child_id": "K1",
            "template": "sgo-before-court",
            "mode": "paper",
            "auditor": "aud",
        },
    ).json()
    assert api("get", f"/api/v1/audits/{created['id']}", people.south_manager).status_code == 404
    assert api("get", f"/api/v1/audits/{created['id']}", people.practitioner).status_code == 200
    assert api("get", "/api/v1/audits/99999", people.lead).status_code == 404
    child.restricted = True
    child.save()
    assert api("get", f"/api/v1/audits/{created['id']}", people.auditor).status_code == 404
    assert (
        api(
            "post",
            f"/api/v1/audits/{created['id']}/transition",
            people.auditor,
            {"to": "in_progress"},
        ).status_code
        == 404
    )
    missing = api(
        "post",
        "/api/v1/audits",
        people.lead,
        {"child_id": "NOPE", "template": "sgo-before-court", "mode": "paper", "auditor": "aud"},
    )
    assert missing.status_code == 404


def test_create_refusals(api, people, child):
    payload = {"child_id": "K1", "template": "sgo-before-court", "mode": "paper", "auditor": "aud"}
    assert api("post", "/api/v1/audits", people.practitioner, payload).status_code == 403
    # an auditor may take a case for themself, not allocate to another
    assert api("post", "/api/v1/audits", people.other_auditor, payload).status_code == 403
    assert (
        api("post", "/api/v1/audits", people.lead, payload | {"template": "x"}).status_code == 422
    )
    assert (
        api("post", "/api/v1/audits", people.lead, payload | {"auditor": "sw"}).status_code == 422
    )
    assert api("post", "/api/v1/audits", people.lead, payload | {"mode": "oral"}).status_code == 422
    assert api("post", "/api/v1/audits", people.auditor, payload).status_code == 201


def test_audit_list_for_bi(api, people, child):
    other = ChildFactory(child_id="S1", team=people.south)
    for c in (child, other):
        api(
            "post",
            "/api/v1/audits",
            people.lead,
            {
                "child_id": c.child_id,
                "template": "sgo-before-court",
                "mode": "paper",
                "auditor": "aud",
            },
        )
    body = api("get", "/api/v1/audits?status=scheduled", people.lead).json()
    assert body["count"] == 2
    assert body["items"][0] | {"id": 0} == {
        "id": 0,
        "child_id": "K1",
        "template": "sgo-before-court",
        "version": 2,
        "mode": "paper",
        "auditor": "aud",
        "status": "scheduled",
        "overall_grade": None,
        # Allocated with no date and no programme running: due in 28 days.
        "due_date": working_day_on_or_before(clock.today() + dt.timedelta(days=28)).isoformat(),
    }
    mine = api("get", "/api/v1/audits", people.practitioner).json()
    assert [i["child_id"] for i in mine["items"]] == ["K1"]  # not the south team's child
    assert api("get", "/api/v1/audits?child_id=S1", people.lead).json()["count"] == 1
    assert api("get", "/api/v1/audits?auditor=nobody", people.lead).json()["count"] == 0
