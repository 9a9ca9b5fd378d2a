"""Practice reviews: starting one, the annotated chronology, conclusions and recommendations,
the state machine, and what a user who may not see a sibling is shown."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assure.children.models import Child
from assure.core.models import AccessEvent, DomainEvent
from assure.families import review_selectors, review_services
from assure.families.models import Annotation, PracticeReview
from tests.factories import UserFactory

from .conftest import SECRETS, SHARED_EVENTS, normalised


@pytest.fixture
def review(family, lead, auditor):
    children = list(Child.objects.filter(child_id__in=["A1", "A2", "R1"]).order_by("child_id"))
    return review_services.practice_review_start(
        family=family,
        title="Review of practice with the Smiths",
        period_start=dt.date(2020, 1, 1),
        period_end=dt.date(2020, 12, 31),
        children=children,
        reviewers=[auditor],
        actor=lead,
    )


def _event(review, user, key):
    _, children = review_selectors.review_get_for_user(
        user=user, family_id="F1", review_id=review.pk
    )
    return review_selectors.review_event(user=user, review=review, children=children, key=key)


def test_start_records_scope_and_an_event(review, auditor):
    assert review.status == "in_progress"
    assert sorted(review.children.values_list("child_id", flat=True)) == ["A1", "A2", "R1"]
    assert list(review.reviewers.all()) == [auditor]
    assert DomainEvent.objects.filter(
        verb="practice_review_started", object_id=str(review.pk)
    ).exists()


def test_start_refuses_bad_scope(family, auditor, lead):
    a1 = Child.objects.get(child_id="A1")
    r1 = Child.objects.get(child_id="R1")
    other = Child.objects.create(child_id="OUT")
    common = {"family": family, "title": "T", "period_start": None, "period_end": None}
    with pytest.raises(ValidationError, match="from this family"):
        review_services.practice_review_start(
            **common, children=[a1, r1], reviewers=[auditor], actor=auditor
        )
    with pytest.raises(ValidationError, match="from this family"):
        review_services.practice_review_start(
            **common, children=[other], reviewers=[auditor], actor=lead
        )
    practitioner = UserFactory(username="sw", roles=["practitioner"])
    with pytest.raises(ValidationError, match="the assurance lead or the auditor"):
        review_services.practice_review_start(
            **common, children=[a1], reviewers=[practitioner], actor=lead
        )
    with pytest.raises(PermissionDenied):
        review_services.practice_review_start(
            **common, children=[a1], reviewers=[auditor], actor=practitioner
        )
    with pytest.raises(ValidationError, match="end of the period"):
        review_services.practice_review_start(
            **{**common, "period_start": dt.date(2021, 1, 1), "period_end": dt.date(2020, 1, 1)},
            children=[a1],
            reviewers=[auditor],
            actor=lead,
        )
    assert not PracticeReview.objects.exists()


def test_review_chronology_is_limited_to_its_period_and_children(review, auditor, lead):
    _, children = review_selectors.review_get_for_user(
        user=auditor, family_id="F1", review_id=review.pk
    )
    events = review_selectors.review_events(user=auditor, review=review, children=children)
    assert all(dt.date(2020, 1, 1) <= e.date <= dt.date(2020, 12, 31) for e in events)
    # A1's ten events of 2020 are all in range except leaving care (2021); A2's are in 2021.
    assert len(events) == 9 + SHARED_EVENTS
    assert {c.child_id for e in events for c in e.children} == {"A1", "A2"}


def test_annotate_and_show_to_those_who_may_see_every_child(client, review, auditor, lead):
    hearing = _event(
        review,
        auditor,
        next(
            e.key
            for e in review_selectors.review_events(
                user=auditor,
                review=review,
                children=list(review.children.exclude(child_id="R1")),
            )
            if e.kind == "hearing"
        ),
    )
    # The auditor annotates a shared hearing (for them it concerns A1 and A2).
    review_services.practice_review_annotate(
        review=review,
        event=hearing,
        category="missed_opportunity",
        commentary="Nobody asked about the grandmother.",
        actor=auditor,
    )
    # The lead annotates the same hearing, which for them also concerns R1.
    lead_hearing = _event(review, lead, hearing.key)
    review_services.practice_review_annotate(
        review=review,
        event=lead_hearing,
        category="significant_event",
        commentary="Rowan's needs were not considered.",
        actor=lead,
    )
    client.force_login(auditor)
    html = normalised(client.get(f"/families/F1/reviews/{review.pk}/").content.decode())
    assert "Nobody asked about the grandmother." in html
    assert "Rowan" not in html
    for secret in SECRETS:
        assert secret not in html, secret
    client.force_login(lead)
    html = client.get(f"/families/F1/reviews/{review.pk}/").content.decode()
    assert "Rowan&#x27;s needs were not considered." in html
    assert html.count('data-testid="annotation"') == 2


def test_annotating_through_the_page(client, review, auditor):
    client.force_login(auditor)
    key = review_selectors.review_events(
        user=auditor, review=review, children=list(review.children.exclude(child_id="R1"))
    )[0].key
    url = f"/families/F1/reviews/{review.pk}/annotate/"
    assert client.get(f"{url}?event={key}").status_code == 200
    response = client.post(url, {"event": key, "category": "good_practice", "commentary": ""})
    assert response.status_code == 200 and "Enter a commentary" in response.content.decode()
    response = client.post(
        url, {"event": key, "category": "good_practice", "commentary": "Prompt."}
    )
    assert response.status_code == 302 and "#event-" in response.url
    note = Annotation.objects.get()
    assert (note.event_key, note.category, note.author) == (key, "good_practice", auditor)
    assert DomainEvent.objects.filter(verb="practice_review_annotated").count() == 1
    # An event outside the scope, or made up, is not found.
    assert client.get(f"{url}?event=care:999:start").status_code == 404
    assert client.get(f"{url}?event=").status_code == 404


def test_conclude_and_reopen_walk_the_state_machine(client, review, auditor, lead):
    with pytest.raises(ValidationError, match="Write the conclusions"):
        review_services.practice_review_transition(review=review, to="concluded", actor=auditor)
    director = UserFactory(username="director", roles=["director"])
    with pytest.raises(PermissionDenied):
        review_services.practice_review_conclusions_save(
            review=review, conclusions="x", actor=director
        )
    review_services.practice_review_conclusions_save(
        review=review, conclusions="Drift in planning.", actor=auditor
    )
    review_services.practice_review_recommendation_add(
        review=review, text="Track siblings together.", actor=auditor
    )
    with pytest.raises(PermissionDenied):
        review_services.practice_review_transition(review=review, to="concluded", actor=director)
    review_services.practice_review_transition(review=review, to="concluded", actor=auditor)
    assert review.status == "concluded" and review.concluded_at is not None
    with pytest.raises(ValidationError, match="concluded"):
        review_services.practice_review_recommendation_add(review=review, text="x", actor=auditor)
    with pytest.raises(review_services.NotNow, match="cannot be moved"):
        review_services.practice_review_transition(review=review, to="concluded", actor=lead)
    with pytest.raises(PermissionDenied):
        review_services.practice_review_transition(
            review=review, to="in_progress", actor=auditor, reason="More to do"
        )
    with pytest.raises(ValidationError, match="reason"):
        review_services.practice_review_transition(review=review, to="in_progress", actor=lead)
    review_services.practice_review_transition(
        review=review, to="in_progress", actor=lead, reason="New evidence"
    )
    assert review.status == "in_progress" and review.concluded_at is None
    verbs = list(
        DomainEvent.objects.filter(object_type="families.practicereview")
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs == [
        "practice_review_started",
        "practice_review_conclusions_saved",
        "practice_review_recommendation_added",
        "practice_review_concluded",
        # Its conclusions and recommendation went into the insights evidence.
        "evidence.practice_review",
        "practice_review_reopened",
    ]


def test_review_pages_for_writing(client, review, auditor):
    client.force_login(auditor)
    url = f"/families/F1/reviews/{review.pk}/"
    client.post(url, {"action": "conclusions", "c-conclusions": "Drift."})
    client.post(url, {"action": "recommend", "r-text": "Plan together."})
    response = client.post(url, {"action": "recommend", "r-text": ""})
    assert "Enter the recommendation" in response.content.decode()
    response = client.post(url, {"action": "conclude"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.conclusions, review.status) == ("Drift.", "concluded")
    assert list(review.recommendations.values_list("text", flat=True)) == ["Plan together."]
    html = client.get(url).content.decode()
    assert 'data-testid="conclude"' not in html  # read-only once concluded


def test_starting_through_the_page(client, family, auditor, lead):
    client.force_login(auditor)
    url = "/families/F1/reviews/new/"
    html = normalised(client.get(url).content.decode())
    assert "R1" not in normalised(html) and "Rowan" not in html
    response = client.post(url, {"title": "", "children": ["R1"], "reviewers": []})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter a title" in body and "Choose at least one reviewer" in body
    response = client.post(
        url,
        {
            "title": "Historic review",
            "children": ["A1", "A2"],
            "reviewers": [str(auditor.pk)],
            "period_start": "2019-01-01",
            "period_end": "",
        },
    )
    review = PracticeReview.objects.get()
    assert response.url == f"/families/F1/reviews/{review.pk}/"
    assert "Historic review" in client.get("/families/F1/").content.decode()


def test_review_visibility(client, review, auditor, family):
    url = f"/families/F1/reviews/{review.pk}/"
    practitioner = UserFactory(
        username="sw", roles=["practitioner"], teams=[family.members.first().child.team]
    )
    client.force_login(practitioner)
    assert client.get(url).status_code == 404
    assert "Practice reviews" not in client.get("/families/F1/").content.decode()
    review.children.remove(*Child.objects.exclude(child_id="R1"))
    client.force_login(auditor)
    assert client.get(url).status_code == 404
    assert client.get(f"/families/F2/reviews/{review.pk}/").status_code == 404


def test_reading_a_review_logs_each_visible_child(client, review, auditor):
    client.force_login(auditor)
    url = f"/families/F1/reviews/{review.pk}/"
    client.get(url)
    assert sorted(
        AccessEvent.objects.filter(where=url).values_list("child__child_id", flat=True)
    ) == ["A1", "A2"]


def test_recommendations_carry_themes_and_change_while_in_progress(client, review, auditor, lead):
    from assure.audits.models import Theme

    theme = Theme.objects.create(slug="oversight", label="Management oversight")
    client.force_login(auditor)
    url = f"/families/F1/reviews/{review.pk}/"
    assert "Management oversight" in client.get(url).content.decode()  # a theme to choose
    response = client.post(
        url, {"action": "recommend", "r-text": "Supervise weekly.", "r-themes": [theme.pk]}
    )
    assert response.status_code == 302
    recommendation = review.recommendations.get()
    assert list(recommendation.themes.all()) == [theme]
    edit = f"/families/F1/reviews/{review.pk}/recommendations/{recommendation.pk}/"
    assert client.post(edit, {"text": ""}).status_code == 200  # an error, nothing changed
    assert client.post(edit, {"text": "Supervise fortnightly."}).status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.text == "Supervise fortnightly."
    assert not recommendation.themes.exists()
    assert DomainEvent.objects.filter(verb="practice_review_recommendation_edited").count() == 1
    # Someone who is not a reviewer may not; nor may anyone once it is concluded.
    other = UserFactory(username="auditor2", roles=["auditor"])
    client.force_login(other)
    assert client.post(edit, {"text": "Mine"}).status_code == 403
    review_services.practice_review_conclusions_save(
        review=review, conclusions="Done.", actor=auditor
    )
    review_services.practice_review_transition(review=review, to="concluded", actor=auditor)
    client.force_login(auditor)
    assert client.get(edit).status_code == 403
    assert client.get(f"/families/F1/reviews/{review.pk}/recommendations/999/").status_code == 404


def test_a_recommendation_may_not_name_a_child(client, review, auditor, lead):
    """It goes to the director and the insights evidence: no child ID or full name of the
    family's children, whatever the case or spacing; a child the writer may not see is not
    checked, so the refusal cannot tell them it exists."""
    add = review_services.practice_review_recommendation_add
    for text in ("Review A2's plan sooner.", "Ask  alex   SMITH what they want.", "a1"):
        with pytest.raises(ValidationError, match="without naming children"):
            add(review=review, text=text, actor=auditor)
    # A sibling outside the review's scope but visible in the family is checked too.
    with pytest.raises(ValidationError, match="names Bea Smith"):
        add(review=review, text="Bea Smith waited a year.", actor=auditor)
    # The restricted sibling's name is not checked for a writer who may not see them.
    made = add(review=review, text="Rowan Hidden waited.", actor=auditor)
    # Words that merely contain an ID are fine.
    fine = add(review=review, text="Use the PA12 and QA1X forms for viability.", actor=auditor)
    assert fine.text.startswith("Use the")
    with pytest.raises(ValidationError, match="names Alex Smith"):
        review_services.practice_review_recommendation_edit(
            recommendation=made, text="Alex Smith waited.", actor=auditor
        )
    client.force_login(auditor)
    page = client.post(
        f"/families/F1/reviews/{review.pk}/", {"action": "recommend", "r-text": "Alex Smith."}
    )
    assert "describe the practice without naming children" in page.content.decode()
