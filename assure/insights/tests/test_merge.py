"""Duplicates across sources merged, not repeated: the merge service, the suggestion of
likely duplicates, the page's merge form, and merged recommendations left out of counts."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assure.audits.models import Theme
from assure.core import clock
from assure.core.models import DomainEvent
from assure.insights import plan, services
from assure.insights.models import PlanAction, Recommendation, WorkStream
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _today():
    with clock.frozen_at(TODAY):
        yield


@pytest.fixture
def world():
    lead = UserFactory(username="lead", roles=["assurance_lead"])
    director = UserFactory(username="dir", roles=["director"])
    oversight = Theme.objects.create(slug="oversight", label="Management oversight")
    voice = Theme.objects.create(slug="voice", label="Voice of the child")

    def item(source: str, summary: str, theme: Theme):
        return services.evidence_create(
            actor=lead,
            source=source,
            date=TODAY,
            kind="area_for_development",
            summary=summary,
            themes=[theme],
        )

    return {
        "lead": lead,
        "director": director,
        "oversight": oversight,
        "voice": voice,
        "audit": item("other_audit", "Oversight of assessments not recorded.", oversight),
        "diagnostic": item("diagnostic", "Managers do not sign off assessments.", oversight),
        "complaint": item("complaint", "Child's wishes not recorded.", voice),
    }


def recommend(world, title, *evidence):
    return services.recommendation_create(
        actor=world["lead"], title=title, evidence=[world[e] for e in evidence]
    )


def accept(world, rec):
    return services.recommendation_decide(
        actor=world["director"], recommendation=rec, accepted=True, reason="Agreed"
    )


def test_merge_moves_evidence_and_actions_and_keeps_the_duplicate_on_record(world):
    kept = accept(
        world, recommend(world, "Improve management oversight of SGO assessments", "audit")
    )
    dupe = accept(
        world, recommend(world, "Improve management oversight of SGO assessments.", "diagnostic")
    )
    action = services.action_create(
        actor=world["lead"],
        work_stream=WorkStream.objects.first(),
        description="Managers' sign-off checklist",
        owner="Head of service",
        due_date=TODAY,
        recommendation=dupe,
    )
    services.recommendation_merge(
        keep=kept, duplicates=[dupe], actor=world["lead"], reason="Same recommendation"
    )
    kept.refresh_from_db()
    dupe.refresh_from_db()
    assert set(kept.evidence.all()) == {world["audit"], world["diagnostic"]}
    assert PlanAction.objects.get(pk=action.pk).recommendation == kept
    assert (dupe.merged_into, dupe.merged_by, dupe.merge_reason) == (
        kept,
        world["lead"],
        "Same recommendation",
    )
    assert Recommendation.objects.filter(pk=dupe.pk).exists()  # never deleted
    event = DomainEvent.objects.get(verb="recommendation.merged")
    assert event.data["merged"] == [dupe.pk]
    assert event.data["evidence"] == [world["diagnostic"].pk]
    assert event.data["actions"] == [action.pk]
    # Left out of the list and the counts: the one thing is counted once.
    assert list(plan.recommendation_list()) == [kept]
    assert plan.progress_report().recommendations == {"accepted": 1}
    assert plan.recommendation_list(include_merged=True).count() == 2
    with pytest.raises(ValidationError):
        services.recommendation_decide(
            actor=world["director"], recommendation=dupe, accepted=True, reason="x"
        )


def test_merge_refuses_itself_an_already_merged_one_and_a_blank_reason(world):
    a = recommend(world, "Improve oversight", "audit")
    b = recommend(world, "Improve oversight", "diagnostic")
    c = recommend(world, "Improve oversight", "diagnostic")
    lead = world["lead"]
    with pytest.raises(ValidationError) as itself:
        services.recommendation_merge(keep=a, duplicates=[a], actor=lead, reason="Same")
    assert "itself" in str(itself.value)
    with pytest.raises(ValidationError):
        services.recommendation_merge(keep=a, duplicates=[b], actor=lead, reason=" ")
    with pytest.raises(PermissionDenied):
        services.recommendation_merge(
            keep=a, duplicates=[b], actor=UserFactory(roles=["practitioner"]), reason="Same"
        )
    services.recommendation_merge(keep=a, duplicates=[b], actor=lead, reason="Same")
    with pytest.raises(ValidationError) as into_merged:
        services.recommendation_merge(keep=b, duplicates=[c], actor=lead, reason="Same")
    assert "keep" in into_merged.value.message_dict
    with pytest.raises(ValidationError):
        services.recommendation_merge(keep=c, duplicates=[b], actor=lead, reason="Same")
    # Actions move only onto an accepted recommendation.
    accepted = accept(world, recommend(world, "Improve oversight again", "audit"))
    services.action_create(
        actor=lead,
        work_stream=WorkStream.objects.first(),
        description="Checklist",
        owner="Head",
        due_date=TODAY,
        recommendation=accepted,
    )
    with pytest.raises(ValidationError):
        services.recommendation_merge(keep=c, duplicates=[accepted], actor=lead, reason="Same")
    assert not Recommendation.objects.filter(pk=c.pk, merged__isnull=False).exists()


def test_suggestion_finds_near_duplicates_with_a_shared_theme_only(world):
    a = recommend(world, "Improve management oversight of SGO assessments", "audit")
    b = recommend(world, "Improve management oversight of SGO assessments!", "diagnostic")
    c = recommend(world, "improve management-oversight of the SGO assessment", "diagnostic")
    recommend(world, "Record the child's wishes and feelings", "complaint")
    # Same words but a different theme: not the same recommendation.
    recommend(world, "Improve management oversight of SGO assessments", "complaint")
    recommend(world, "Train panel members on kinship care", "audit")
    groups = plan.likely_duplicates(list(plan.recommendation_list()))
    assert len(groups) == 1
    assert groups[0].keep == a  # the oldest, as none is accepted
    assert set(groups[0].duplicates) == {b, c}
    assert groups[0].score >= plan.DUPLICATE_THRESHOLD
    services.recommendation_merge(keep=a, duplicates=[b, c], actor=world["lead"], reason="Same")
    assert plan.likely_duplicates(list(plan.recommendation_list())) == []


def test_the_page_suggests_and_merges(client, world):
    a = recommend(world, "Improve management oversight of SGO assessments", "audit")
    b = recommend(world, "Improve management oversight of SGO assessments.", "diagnostic")
    client.force_login(world["lead"])
    page = client.get("/insights/recommendations/").content.decode()
    assert 'data-testid="merge"' in page and f'value="{b.pk}"' in page
    refused = client.post(
        "/insights/recommendations/merge/",
        {"group": a.pk, f"merge-{a.pk}-keep": a.pk, f"merge-{a.pk}-duplicates": [b.pk]},
    )
    assert refused.status_code == 302
    assert not Recommendation.objects.filter(merged_into=a).exists()  # no reason given
    done = client.post(
        "/insights/recommendations/merge/",
        {
            "group": a.pk,
            f"merge-{a.pk}-keep": a.pk,
            f"merge-{a.pk}-duplicates": [b.pk],
            f"merge-{a.pk}-reason": "Audit and diagnostic say the same",
        },
    )
    assert done.url == f"/insights/recommendations/{a.pk}/"
    assert Recommendation.objects.get(pk=b.pk).merged_into == a
    listing = client.get("/insights/recommendations/").content.decode()
    assert f'href="/insights/recommendations/{b.pk}/"' not in listing
    assert 'data-testid="merge"' not in listing
    assert (
        'data-testid="merged-into"'
        in client.get(f"/insights/recommendations/{b.pk}/").content.decode()
    )
    assert "Audit and diagnostic say the same" in client.get(done.url).content.decode()
    client.force_login(UserFactory(username="dir2", roles=["practitioner"]))
    assert client.post("/insights/recommendations/merge/", {"group": a.pk}).status_code == 403


def test_recommendations_page_query_count_does_not_grow(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world["lead"])
    counts = []
    for first, last in ((0, 2), (2, 12)):
        for i in range(first, last):
            recommend(world, f"Improve oversight of assessments in area {i}", "audit", "complaint")
        with CaptureQueriesContext(connection) as ctx:
            page = client.get("/insights/recommendations/")
        assert page.status_code == 200 and 'data-testid="merge"' in page.content.decode()
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
