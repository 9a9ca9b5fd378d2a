"""A concluded practice review flows into the evidence, the triangulation and the response
plan: end to end through the pages, once however often it is concluded, and only for those
who may see every child it covers."""

import datetime as dt

import pytest

from assure.audits.models import Theme
from assure.families import review_services
from assure.families.models import Family, FamilyMember, PracticeReview
from assure.insights import services
from assure.insights.evidence import evidence_rows
from assure.insights.models import EvidenceItem, PlanAction, Recommendation, WorkStream
from assure.insights.practice_reviews import practice_review_evidence_sync
from tests.factories import ChildFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 1, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def world():
    team = TeamFactory(name="North")
    a1 = ChildFactory(child_id="A1", first_name="Alex", team=team)
    a2 = ChildFactory(child_id="A2", first_name="Bea", team=team)
    r1 = ChildFactory(child_id="R1", first_name="Rowan", team=team, restricted=True)
    family = Family.objects.create(family_id="F1", name="The Smiths", created_at=NOW)
    for child in (a1, a2, r1):
        FamilyMember.objects.create(family=family, child=child, linked_at=NOW)
    return {
        "family": family,
        "a1": a1,
        "a2": a2,
        "r1": r1,
        "lead": UserFactory(username="lead", roles=["assurance_lead"]),
        "auditor": UserFactory(username="auditor", roles=["auditor"]),
        "director": UserFactory(username="director", roles=["director"]),
        "oversight": Theme.objects.create(slug="oversight", label="Management oversight"),
        "voice": Theme.objects.create(slug="voice", label="Voice of the child"),
    }


def _start(world, children, actor):
    return review_services.practice_review_start(
        family=world["family"],
        title="Review of practice with the Smiths",
        period_start=None,
        period_end=None,
        children=children,
        reviewers=[world["auditor"]],
        actor=actor,
    )


def _post(client, review, data):
    url = f"/families/F1/reviews/{review.pk}/"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def test_concluded_review_reaches_evidence_plan_once(client, world):
    auditor, director, lead = world["auditor"], world["director"], world["lead"]
    review = _start(world, [world["a1"], world["a2"]], auditor)
    client.force_login(auditor)
    _post(
        client,
        review,
        {
            "action": "recommend",
            "r-text": "Managers review every kinship assessment within a week.",
            "r-themes": [world["oversight"].pk],
        },
    )
    _post(client, review, {"action": "conclusions", "c-conclusions": "Drift after the ICPC."})
    _post(client, review, {"action": "conclude"})

    items = EvidenceItem.objects.filter(source="practice_review").order_by("pk")
    assert [(i.summary, i.kind, i.child_id) for i in items] == [
        ("Managers review every kinship assessment within a week.", "area_for_development", None),
        ("Drift after the ICPC.", "area_for_development", None),
    ]
    assert [sorted(t.slug for t in i.themes.all()) for i in items] == [["oversight"]] * 2
    proposal = Recommendation.objects.get()
    assert proposal.title == "Managers review every kinship assessment within a week."
    assert proposal.decision == "proposed"
    assert "From a family practice review concluded" in proposal.detail
    assert list(proposal.evidence.all()) == [items[0]]

    # The director sees it on the evidence page, in the matrix, and decides it.
    client.force_login(director)
    html = client.get("/insights/evidence/?source=practice_review").content.decode()
    assert "Drift after the ICPC." in html
    rows = [r for r in evidence_rows(user=director) if r.source == "practice_review"]
    assert {r.source_label for r in rows} == {"Practice review"}
    assert "Practice review" in client.get("/insights/evidence/matrix/").content.decode()
    response = client.post(
        f"/insights/recommendations/{proposal.pk}/",
        {"decision": "accept", "reason": "Agreed at the leadership meeting."},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.decision == "accepted"
    # ... and it joins the response plan like any other.
    client.force_login(lead)
    stream = WorkStream.objects.create(name="Management oversight", position=99)
    response = client.post(
        "/insights/plan/",
        {
            "form": "action",
            "work_stream": stream.pk,
            "recommendation": proposal.pk,
            "description": "Weekly kinship assessment check",
            "owner": lead.username,
            "due_date": "2027-03-01",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert PlanAction.objects.get().recommendation == proposal

    # Reopened, the recommendation edited and another added, concluded again: the items are
    # updated, only the new one is added, and the decided recommendation stays as decided.
    review.refresh_from_db()
    review_services.practice_review_transition(
        review=review, to="in_progress", actor=lead, reason="A new recommendation"
    )
    client.force_login(auditor)
    first = review.recommendations.get()
    response = client.post(
        f"/families/F1/reviews/{review.pk}/recommendations/{first.pk}/",
        {
            "text": "Managers review every kinship assessment within five days.",
            "themes": [world["oversight"].pk, world["voice"].pk],
        },
    )
    assert response.status_code == 302
    _post(client, review, {"action": "recommend", "r-text": "Hear the children's wishes."})
    _post(client, review, {"action": "conclude"})
    again = practice_review_evidence_sync(
        review=PracticeReview.objects.get(pk=review.pk), actor=auditor
    )
    assert (again.created, again.updated, again.proposed) == (0, 0, 0)

    items = EvidenceItem.objects.filter(source="practice_review").order_by("pk")
    assert [i.summary for i in items] == [
        "Managers review every kinship assessment within five days.",
        "Drift after the ICPC.",
        "Hear the children's wishes.",
    ]
    assert sorted(t.slug for t in items[0].themes.all()) == ["oversight", "voice"]
    assert sorted(t.slug for t in items[1].themes.all()) == ["oversight", "voice"]
    assert Recommendation.objects.count() == 2
    proposal.refresh_from_db()
    assert (proposal.decision, proposal.title) == (
        "accepted",
        "Managers review every kinship assessment within a week.",
    )
    assert Recommendation.objects.exclude(pk=proposal.pk).get().decision == "proposed"


def test_a_merged_proposal_is_not_proposed_again(world):
    auditor, lead = world["auditor"], world["lead"]
    review = _start(world, [world["a1"]], auditor)
    review_services.practice_review_recommendation_add(
        review=review, text="Supervise kinship placements.", actor=auditor
    )
    review_services.practice_review_conclusions_save(
        review=review, conclusions="Concluded.", actor=auditor
    )
    review = review_services.practice_review_transition(
        review=review, to="concluded", actor=auditor
    )
    from_review = Recommendation.objects.get()
    other = services.recommendation_create(actor=lead, title="Supervise kinship placements")
    services.recommendation_merge(
        keep=other, duplicates=[from_review], actor=lead, reason="The same thing"
    )
    flow = practice_review_evidence_sync(review=review, actor=auditor)
    assert (flow.created, flow.updated, flow.proposed) == (0, 0, 0)
    assert Recommendation.objects.count() == 2


def test_evidence_of_a_review_covering_a_restricted_child_only_for_those_who_see_it(world):
    lead, director = world["lead"], world["director"]
    review = review_services.practice_review_start(
        family=world["family"],
        title="Whole family",
        period_start=None,
        period_end=None,
        children=[world["a1"], world["r1"]],
        reviewers=[lead],
        actor=lead,
    )
    review_services.practice_review_recommendation_add(
        review=review, text="Share plans across siblings.", actor=lead
    )
    review_services.practice_review_conclusions_save(
        review=review, conclusions="Siblings were planned for apart.", actor=lead
    )
    review_services.practice_review_transition(review=review, to="concluded", actor=lead)
    assert len([r for r in evidence_rows(user=lead) if r.source == "practice_review"]) == 2
    assert not [r for r in evidence_rows(user=director) if r.source == "practice_review"]
    # The proposal the director decides carries the recommendation, not the review's title
    # or the family's identifier, which only the filtered evidence item gives.
    proposal = Recommendation.objects.get()
    assert "Share plans across siblings." in proposal.detail
    assert "Whole family" not in proposal.detail + proposal.title
    assert "F1" not in proposal.detail + proposal.title


def test_only_a_concluded_review_flows_and_entered_evidence_cannot_claim_the_source(world):
    review = _start(world, [world["a1"]], world["auditor"])
    with pytest.raises(Exception, match="concluded"):
        practice_review_evidence_sync(review=review, actor=world["auditor"])
    with pytest.raises(Exception, match="source"):
        services.evidence_create(
            actor=world["lead"],
            source="practice_review",
            date=dt.date(2025, 1, 1),
            kind="strength",
            summary="Typed in",
        )
