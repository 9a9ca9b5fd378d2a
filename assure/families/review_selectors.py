"""Reads of practice reviews, through the access policy: a review shows only the children in
its scope the user may see, and only annotations about children the user may all see."""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from assure.core import access

from . import chronology, selectors
from .models import Annotation, Family, PracticeReview


def reviews_for_family(*, user: Any, family: Family) -> list[PracticeReview]:
    """Reviews of the family covering at least one child the user may see."""
    if not access.can(user, "view_practice_reviews"):
        return []
    visible = access.visible_children(user).values("pk")
    return list(
        PracticeReview.objects.filter(family=family, children__in=visible)
        .distinct()
        .order_by("-created_at", "-pk")
    )


@dataclass
class ReviewPage:
    review: PracticeReview
    children: list[Any]
    reviewers: list[Any]
    events: list[chronology.ChronologyEvent]
    annotations: dict[str, list[Annotation]]
    orphans: list[Annotation]
    recommendations: list[Any]


def review_get_for_user(
    *, user: Any, family_id: str, review_id: int
) -> tuple[PracticeReview, list[Any]]:
    """The review and the children in its scope the user may see; 404 when there are none
    (or the user may not read reviews), as for a review that does not exist."""
    if not access.can(user, "view_practice_reviews"):
        raise Http404("No practice review")
    review = (
        PracticeReview.objects.select_related("family", "created_by")
        .filter(pk=review_id, family__family_id=family_id)
        .first()
    )
    if review is None:
        raise Http404("No practice review")
    children = list(
        access.visible_children(user).filter(practice_reviews=review).order_by("child_id")
    )
    if not children:
        raise Http404("No practice review")
    return review, children


def _visible_annotations(user: Any, review: PracticeReview) -> QuerySet[Annotation]:
    """Annotations about children the user may all see, on events of sources the user may
    read (a note on an audit finding is audit content)."""
    hidden_child = Annotation.children.through.objects.filter(annotation_id=OuterRef("pk")).exclude(
        child_id__in=access.visible_children(user).values("pk")
    )
    annotations = Annotation.objects.filter(review=review).exclude(Exists(hidden_child))
    for name in chronology.hidden_source_names(user):
        annotations = annotations.exclude(event_key__startswith=f"{name}:")
    return annotations.select_related("author").order_by("event_date", "created_at", "pk")


def review_events(
    *, user: Any, review: PracticeReview, children: list[Any], **filters: Any
) -> list[Any]:
    """The family chronology limited to the review's scope (its period and children), from
    the sources this user may read."""
    return selectors.family_chronology(
        children=children,
        user=user,
        filters=selectors.ChronologyFilter(
            date_from=review.period_start, date_to=review.period_end, **filters
        ),
    )


def review_page(*, user: Any, review: PracticeReview, children: list[Any]) -> ReviewPage:
    events = review_events(user=user, review=review, children=children)
    keys = {e.key for e in events}
    grouped: dict[str, list[Annotation]] = defaultdict(list)
    orphans = []
    for annotation in _visible_annotations(user, review):
        if annotation.event_key in keys:
            grouped[annotation.event_key].append(annotation)
        else:
            orphans.append(annotation)
    return ReviewPage(
        review=review,
        children=children,
        reviewers=list(review.reviewers.order_by("last_name", "first_name", "username")),
        events=events,
        annotations=dict(grouped),
        orphans=orphans,
        recommendations=list(
            review.recommendations.select_related("author").prefetch_related("themes")
        ),
    )


def review_event(*, user: Any, review: PracticeReview, children: list[Any], key: str) -> Any:
    """One event of the review's chronology (as this user may read it) by key, or None."""
    events = review_events(user=user, review=review, children=children)
    return next((e for e in events if e.key == key), None)
