"""A concluded practice review of a family (assure.families) flows into the evidence.

When a review is concluded, its conclusions become one evidence item and each of its
recommendations another, of source "practice review", with the themes the reviewer chose for
it (the conclusions carry every theme of the review's recommendations). Each recommendation
is also proposed to the director as an insights recommendation resting on its evidence item,
so that the director decides it and, once accepted, it joins the response plan like any
other.

Idempotent: the items are linked to the review and its recommendations, so concluding again
(after a reopening, an edit of the conclusions or another recommendation) updates them and
adds only what is new. One recommendation per review recommendation, ever, whatever was
merged into what since. Recommendations already proposed are never rewritten: the director
decides what was put to them, and the evidence item they rest on shows the current text.

Who may: the caller, the review's conclusion, has already checked that the actor may
conclude the review (a reviewer or the assurance lead). Evidence from a review is shown only
to people who may see every child the review covers (assure.insights.evidence).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assure.core import clock, events

from .models import EvidenceItem, Kind, Recommendation, Source

TITLE_LENGTH = 200


@dataclass
class ReviewFlow:
    created: int = 0
    updated: int = 0
    proposed: int = 0


def _title(text: str) -> str:
    first = text.strip().splitlines()[0].strip()
    if len(first) <= TITLE_LENGTH:
        return first
    return first[: TITLE_LENGTH - 1].rsplit(" ", 1)[0] + "…"


def _detail(review: Any, text: str) -> str:
    """A proposal's detail. Recommendations are read by everyone who may see them, not only
    those who may see the family: the review's title and family identifier (often a surname)
    stay on its evidence item, which the access policy filters."""
    concluded = timezone.localdate(review.concluded_at)
    return (
        f"From a family practice review concluded {concluded:%d/%m/%Y} (its evidence item "
        f"gives the review, for those who may see the family).\n\n{text.strip()}"
    )


def _upsert(
    review: Any,
    existing: dict[int | None, EvidenceItem],
    *,
    recommendation: Any,
    summary: str,
    themes: set[int],
    actor: Any,
    flow: ReviewFlow,
) -> EvidenceItem:
    key = recommendation.pk if recommendation is not None else None
    date = timezone.localdate(review.concluded_at)
    reference = f"Practice review {review.pk}: {review.title}"[:100]
    item = existing.get(key)
    if item is None:
        item = EvidenceItem.objects.create(
            source=Source.PRACTICE_REVIEW,
            date=date,
            kind=Kind.AREA_FOR_DEVELOPMENT,
            summary=summary,
            reference=reference,
            practice_review=review,
            review_recommendation=recommendation,
            created_by=actor,
            created_at=clock.now(),
        )
        item.themes.set(themes)
        flow.created += 1
        return item
    had = {t.pk for t in item.themes.all()}
    if (item.summary, item.date, item.reference, had) != (summary, date, reference, themes):
        item.summary, item.date, item.reference = summary, date, reference
        item.save(update_fields=["summary", "date", "reference"])
        item.themes.set(themes)
        flow.updated += 1
    return item


@transaction.atomic
def practice_review_evidence_sync(*, review: Any, actor: Any) -> ReviewFlow:
    """Write (or bring up to date) the evidence and proposed recommendations of a concluded
    review. A fixed number of queries for the review, plus a few for each thing changed."""
    if review.status != review.Status.CONCLUDED or review.concluded_at is None:
        raise ValidationError("Only a concluded practice review flows into the evidence.")
    flow = ReviewFlow()
    recommendations = list(
        review.recommendations.prefetch_related("themes").order_by("created_at", "pk")
    )
    existing = {
        item.review_recommendation_id: item
        for item in EvidenceItem.objects.filter(practice_review=review).prefetch_related("themes")
    }
    all_themes: set[int] = set()
    items = []
    for recommendation in recommendations:
        themes = {t.pk for t in recommendation.themes.all()}
        all_themes |= themes
        items.append(
            (
                recommendation,
                _upsert(
                    review,
                    existing,
                    recommendation=recommendation,
                    summary=recommendation.text.strip(),
                    themes=themes,
                    actor=actor,
                    flow=flow,
                ),
            )
        )
    if review.conclusions.strip():
        _upsert(
            review,
            existing,
            recommendation=None,
            summary=review.conclusions.strip(),
            themes=all_themes,
            actor=actor,
            flow=flow,
        )
    _propose(review, items, actor=actor, flow=flow)
    if flow.created or flow.updated or flow.proposed:
        events.record(
            actor=actor,
            verb="evidence.practice_review",
            obj=review,
            summary=(
                f"Practice review {review.pk} in the evidence: {flow.created} added, "
                f"{flow.updated} updated, {flow.proposed} recommendations proposed"
            ),
            data={"created": flow.created, "updated": flow.updated, "proposed": flow.proposed},
        )
    return flow


def _propose(
    review: Any, items: list[tuple[Any, EvidenceItem]], *, actor: Any, flow: ReviewFlow
) -> None:
    """One insights recommendation for each review recommendation, resting on its evidence
    item. The link is the evidence: a merge moves it onto the recommendation kept, so a
    merged proposal is not proposed again. A recommendation once proposed is the director's
    to decide: concluding again never rewrites it (its evidence item shows the current
    text)."""
    if not items:
        return
    linked = set(
        Recommendation.evidence.through.objects.filter(
            evidenceitem_id__in=[item.pk for _, item in items]
        ).values_list("evidenceitem_id", flat=True)
    )
    for recommendation, item in items:
        if item.pk in linked:
            continue
        proposal = Recommendation.objects.create(
            title=_title(recommendation.text),
            detail=_detail(review, recommendation.text),
            created_by=actor,
            created_at=clock.now(),
        )
        proposal.evidence.add(item)
        events.record(actor=actor, verb="recommendation.made", obj=proposal, summary=proposal.title)
        flow.proposed += 1
