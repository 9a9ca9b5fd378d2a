"""Recommendations with the director's decision, the response plan's work streams, actions
and progress updates, the overdue view and progress report, and the pages for them and for
the evidence."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assure.audits.models import Theme
from assure.core import clock
from assure.core.models import DomainEvent
from assure.insights import plan, services
from assure.insights.models import PlanAction, Recommendation, WorkStream
from tests.factories import ChildFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _today():
    with clock.frozen_at(TODAY):
        yield


@pytest.fixture
def people():
    return {
        "lead": UserFactory(username="lead", roles=["assurance_lead"]),
        "director": UserFactory(username="dir", roles=["director"]),
        "worker": UserFactory(username="w", roles=["practitioner"]),
    }


def test_default_work_streams():
    assert list(WorkStream.objects.values_list("name", flat=True)) == [
        "Practice development",
        "Workforce",
        "Communications",
        "HR",
    ]


def test_recommendation_decided_once_by_the_director_with_reasons(people):
    item = services.evidence_create(
        actor=people["lead"],
        source="complaint",
        date=TODAY,
        kind="area_for_development",
        summary="Late letters.",
    )
    rec = services.recommendation_create(
        actor=people["lead"], title="Send letters on time", evidence=[item]
    )
    with pytest.raises(PermissionDenied):
        services.recommendation_decide(
            actor=people["lead"], recommendation=rec, accepted=True, reason="Yes"
        )
    with pytest.raises(ValidationError):
        services.recommendation_decide(
            actor=people["director"], recommendation=rec, accepted=True, reason=" "
        )
    decided = services.recommendation_decide(
        actor=people["director"], recommendation=rec, accepted=False, reason="Covered elsewhere"
    )
    assert (decided.decision, decided.decided_by) == ("not_accepted", people["director"])
    with pytest.raises(ValidationError):
        services.recommendation_decide(
            actor=people["director"], recommendation=rec, accepted=True, reason="Changed mind"
        )
    event = DomainEvent.objects.get(verb="recommendation.not_accepted")
    assert event.data["reason"] == "Covered elsewhere"


def test_actions_updates_overdue_and_the_progress_report(people):
    stream = WorkStream.objects.get(name="Workforce")
    rec = services.recommendation_create(actor=people["lead"], title="Train managers")
    with pytest.raises(ValidationError):  # not yet accepted
        services.action_create(
            actor=people["lead"],
            work_stream=stream,
            description="x",
            owner="HoS",
            due_date=TODAY,
            recommendation=rec,
        )
    services.recommendation_decide(
        actor=people["director"], recommendation=rec, accepted=True, reason="Agreed"
    )
    late = services.action_create(
        actor=people["lead"],
        work_stream=stream,
        description="Supervision training",
        owner="Principal social worker",
        due_date=TODAY - dt.timedelta(days=1),
        recommendation=rec,
    )
    services.action_create(
        actor=people["director"],
        work_stream=stream,
        description="Recruit",
        owner="HR",
        due_date=TODAY + dt.timedelta(days=30),
    )
    assert list(plan.overdue_actions()) == [late]
    update = services.action_update(
        actor=people["lead"],
        action=late,
        text="Half trained",
        status="in_progress",
        rag="amber",
        evidence_of_impact="Audit grades up",
    )
    late.refresh_from_db()
    assert (late.status, late.rag, late.evidence_of_impact) == (
        "in_progress",
        "amber",
        "Audit grades up",
    )
    assert update.date == TODAY
    report = plan.progress_report()
    workforce = next(s for s in report.streams if s.name == "Workforce")
    assert (workforce.total, workforce.overdue, workforce.rag["amber"]) == (2, 1, 1)
    assert report.totals["overdue"] == 1 and report.recommendations["accepted"] == 1
    services.action_update(
        actor=people["lead"], action=late, text="Done", status="complete", rag="green"
    )
    assert not plan.overdue_actions().exists()
    with pytest.raises(PermissionDenied):
        services.action_update(
            actor=people["worker"], action=late, text="x", status="complete", rag="green"
        )


def test_work_streams_are_editable(people):
    stream = WorkStream.objects.get(name="HR")
    services.work_stream_save(actor=people["lead"], name="People and HR", work_stream=stream)
    services.work_stream_save(actor=people["lead"], name="Legal gateway", lead="Head of legal")
    assert list(WorkStream.objects.values_list("name", flat=True)) == [
        "Practice development",
        "Workforce",
        "Communications",
        "People and HR",
        "Legal gateway",
    ]
    with pytest.raises(ValidationError):
        services.work_stream_save(actor=people["lead"], name="workforce")


# Pages ---------------------------------------------------------------------------------------


def test_evidence_pages_drill_down_and_recommend(client, people):
    theme = Theme.objects.create(slug="oversight", label="Management oversight")
    team = TeamFactory(name="North")
    ChildFactory(child_id="N1", team=team)
    client.force_login(people["lead"])
    response = client.post(
        "/insights/evidence/add/",
        {
            "source": "complaint",
            "date": "2026-05-01",
            "kind": "area_for_development",
            "themes": [theme.pk],
            "summary": "No sign-off recorded.",
            "child_id": "N1",
        },
    )
    assert response.status_code == 302
    bad = client.post("/insights/evidence/add/", {"source": "complaint", "summary": ""})
    assert "There is a problem" in bad.content.decode()
    matrix = client.get("/insights/evidence/matrix/").content.decode()
    assert 'data-testid="cell-oversight-complaint"' in matrix
    drill = client.get("/insights/evidence/?theme=oversight&source=complaint").content.decode()
    assert "No sign-off recorded." in drill and "1 piece of evidence match" in drill
    item = services.evidence_create(
        actor=people["lead"], source="diagnostic", date=TODAY, kind="strength", summary="x"
    )
    response = client.post(
        "/insights/recommendations/add/",
        {"title": "Record oversight", "evidence": [f"item-{item.pk}", "item-99999", "bogus"]},
    )
    rec = Recommendation.objects.get()
    assert response.url == f"/insights/recommendations/{rec.pk}/"
    assert list(rec.evidence.all()) == [item]
    template = client.get("/insights/evidence/template.csv").content.decode()
    assert template.startswith("source,date,kind,themes,summary,team,child_id,reference")
    upload = client.post(
        "/insights/evidence/import/",
        {"file": _file("source,date,kind,summary\ncomplaint,2026-13-01,strength,x\n")},
    )
    assert "Nothing was imported" in upload.content.decode()


def _file(text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("e.csv", text.encode(), content_type="text/csv")


def test_director_decides_and_plan_pages(client, people):
    rec = services.recommendation_create(actor=people["lead"], title="Train managers")
    client.force_login(people["director"])
    page = client.get(f"/insights/recommendations/{rec.pk}/").content.decode()
    assert 'data-testid="decide"' in page
    client.post(f"/insights/recommendations/{rec.pk}/", {"decision": "accept", "reason": "Needed"})
    rec.refresh_from_db()
    assert rec.decision == "accepted"
    stream = WorkStream.objects.get(name="Workforce")
    client.post(
        "/insights/plan/",
        {
            "form": "action",
            "work_stream": stream.pk,
            "recommendation": rec.pk,
            "description": "Supervision training",
            "owner": people["lead"].username,
            "due_date": "2026-05-01",
        },
    )
    action = PlanAction.objects.get()
    assert action.recommendation == rec
    overdue = client.get("/insights/plan/?view=overdue").content.decode()
    assert "Supervision training" in overdue and "Overdue" in overdue
    client.post(
        f"/insights/plan/actions/{action.pk}/",
        {"text": "Sessions booked", "status": "in_progress", "rag": "amber"},
    )
    detail = client.get(f"/insights/plan/actions/{action.pk}/").content.decode()
    assert "Sessions booked" in detail and "In progress" in detail
    report = client.get("/insights/plan/report/").content.decode()
    assert "1 action: 0 complete, 1 in progress, 0 not started; 1 overdue." in report
    client.force_login(UserFactory(username="aud", roles=["auditor"]))
    assert client.get("/insights/plan/").status_code == 200  # an auditor reads the plan
    assert 'data-testid="add-action"' not in client.get("/insights/plan/").content.decode()
    assert client.post("/insights/plan/", {"form": "stream", "name": "X"}).status_code == 403
    client.force_login(people["worker"])  # a practitioner sees exits, not the plan
    assert client.get("/insights/plan/").status_code == 403
    assert client.get("/insights/evidence/").status_code == 403
    exits = client.get("/insights/exits/").content.decode()
    assert "Exits from care" in exits and "/insights/evidence/" not in exits


def test_recommendation_page_leaves_out_evidence_about_children_out_of_sight(client, people):
    north, south = TeamFactory(name="North"), TeamFactory(name="South")
    ChildFactory(child_id="N1", team=north)
    ChildFactory(child_id="S1", team=south)
    items = [
        services.evidence_create(
            actor=people["lead"],
            source="complaint",
            date=TODAY,
            kind="strength",
            summary=f"About {child}",
            child_id=child,
        )
        for child in ("N1", "S1")
    ]
    rec = services.recommendation_create(actor=people["lead"], title="R", evidence=items)
    head = UserFactory(username="hos", roles=["head_of_service"], teams=[north])
    client.force_login(head)
    page = client.get(f"/insights/recommendations/{rec.pk}/").content.decode()
    assert "About N1" in page
    assert "About S1" not in page and "may not see" not in page
