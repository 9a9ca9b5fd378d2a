"""Practice reviews of a family: start, annotate the chronology, write conclusions and
recommendations, conclude and reopen. Each write validates, writes and records a domain event
in one transaction (ARCHITECTURE rule 3).

The review is a small state machine (ARCHITECTURE rule 4):

| from        | to          | who                                     | guard               |
| ----------- | ----------- | --------------------------------------- | ------------------- |
| in_progress | concluded   | a reviewer, or who leads every review   | conclusions written |
| concluded   | in_progress | who leads every review (`lead_practice_reviews`) | a reason is given |

Annotations, conclusions and recommendations are written only while it is in progress.
Concluding a review writes its conclusions and recommendations into the insights evidence
and proposes each recommendation to the director (assure.insights.practice_reviews).
"""

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from assure.audits.models import Theme
from assure.core import access, clock, errors, events
from assure.core.workflow import Move, Workflow
from assure.people.models import User

from .chronology import ChronologyEvent
from .models import Annotation, Family, PracticeReview, Recommendation

IN_PROGRESS = PracticeReview.Status.IN_PROGRESS
CONCLUDED = PracticeReview.Status.CONCLUDED


class NotNow(errors.NotNow, ValidationError):
    """Not from the review's present state (409), shown on the form like any refusal."""


def is_reviewer(actor: Any, review: PracticeReview) -> bool:
    """One of the review's reviewers, or whoever leads every practice review."""
    return (
        access.can(actor, "lead_practice_reviews") or review.reviewers.filter(pk=actor.pk).exists()
    )


def _require_writer(actor: Any, review: PracticeReview) -> None:
    if not is_reviewer(actor, review):
        raise PermissionDenied("Only the review's reviewers and the assurance lead may do this.")
    if review.status != IN_PROGRESS:
        raise ValidationError("The review is concluded: reopen it first.")


def reviewer_candidates() -> Any:
    """People who may be chosen to review: the permission table's `review_practice`."""
    return access.holders("review_practice").order_by("last_name", "first_name", "username")


@transaction.atomic
def practice_review_start(
    *,
    family: Family,
    title: str,
    period_start: dt.date | None,
    period_end: dt.date | None,
    children: Sequence[Any],
    reviewers: Sequence[User],
    actor: Any,
) -> PracticeReview:
    if not access.can(actor, "start_practice_review"):
        raise PermissionDenied("Only the assurance lead and auditors may start a practice review.")
    title = title.strip()
    if not title:
        raise ValidationError("Enter a title for the review.")
    if period_start and period_end and period_start > period_end:
        raise ValidationError("The end of the period must be the same as or after its start.")
    if not children:
        raise ValidationError("Choose at least one child.")
    pks = {c.pk for c in children}
    in_family = set(family.members.filter(child_id__in=pks).values_list("child_id", flat=True))
    visible = set(access.visible_children(actor).filter(pk__in=pks).values_list("pk", flat=True))
    if in_family != pks or visible != pks:
        raise ValidationError("Choose children from this family.")
    if not reviewers:
        raise ValidationError("Choose at least one reviewer.")
    if any(not access.can(r, "review_practice") for r in reviewers):
        raise ValidationError(f"Reviewers must each be {access.who_may('review_practice')}.")
    review = PracticeReview.objects.create(
        family=family,
        title=title,
        period_start=period_start,
        period_end=period_end,
        created_by=actor,
        created_at=clock.now(),
    )
    review.children.set(children)
    review.reviewers.set(reviewers)
    events.record(
        actor=actor,
        verb="practice_review_started",
        obj=review,
        summary=f"Practice review of family {family.family_id} started: {title}",
        data={
            "family_id": family.family_id,
            "period_start": period_start.isoformat() if period_start else None,
            "period_end": period_end.isoformat() if period_end else None,
            "reviewers": sorted(r.username for r in reviewers),
        },
    )
    return review


@transaction.atomic
def practice_review_annotate(
    *, review: PracticeReview, event: ChronologyEvent, category: str, commentary: str, actor: Any
) -> Annotation:
    """Annotate one event of the review's chronology (the caller found it there, for this
    actor, so it is in scope and about children the actor may see)."""
    _require_writer(actor, review)
    if category not in Annotation.Category.values:
        raise ValidationError(
            "Choose whether this is a significant event, a missed opportunity or good practice."
        )
    if not commentary.strip():
        raise ValidationError("Enter a commentary.")
    annotation = Annotation.objects.create(
        review=review,
        event_key=event.key,
        event_date=event.date,
        event_kind=event.kind,
        event_summary=event.summary[:300],
        category=category,
        commentary=commentary.strip(),
        author=actor,
        created_at=clock.now(),
    )
    annotation.children.set(event.children)
    events.record(
        actor=actor,
        verb="practice_review_annotated",
        obj=review,
        summary=(
            f"{annotation.get_category_display()} noted on {event.date:%d/%m/%Y}: {event.summary}"
        ),
        data={"event_key": event.key, "category": category, "annotation": annotation.pk},
    )
    return annotation


@transaction.atomic
def practice_review_conclusions_save(
    *, review: PracticeReview, conclusions: str, actor: Any
) -> PracticeReview:
    _require_writer(actor, review)
    before = review.conclusions
    review.conclusions = conclusions.strip()
    review.save(update_fields=["conclusions"])
    events.record(
        actor=actor,
        verb="practice_review_conclusions_saved",
        obj=review,
        summary="Conclusions of the practice review saved",
        data={"before": before, "after": review.conclusions},
    )
    return review


def _names_a_child(*, review: PracticeReview, text: str, actor: Any) -> str | None:
    """The first child (of the review or its family, among those the writer may see) the text
    names by child ID or by full name, or None. A recommendation goes to the director and
    into the insights evidence, which people who may not see the family read. Children the
    writer may not see are not checked: saying that the text named one would tell them so."""
    from .models import FamilyMember

    in_family = FamilyMember.objects.filter(family=review.family_id).values("child_id")
    in_scope = review.children.values("pk")
    children = access.visible_children(actor).filter(Q(pk__in=in_family) | Q(pk__in=in_scope))
    lowered = f" {' '.join(text.lower().split())} "
    for child in children.only("child_id", "first_name", "last_name"):
        names = [child.child_id, f"{child.first_name} {child.last_name}".strip()]
        for name in filter(None, (n.lower().strip() for n in names)):
            if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", lowered):
                return f"{child.first_name} {child.last_name}".strip() or child.child_id
    return None


def _check_recommendation_text(*, review: PracticeReview, text: str, actor: Any) -> str:
    text = text.strip()
    if not text:
        raise ValidationError("Enter the recommendation.")
    named = _names_a_child(review=review, text=text, actor=actor)
    if named:
        raise ValidationError(
            f"The recommendation names {named}. It goes to the director and into the insights "
            "evidence, which people who do not know the family read: describe the practice "
            "without naming children."
        )
    return text


@transaction.atomic
def practice_review_recommendation_add(
    *, review: PracticeReview, text: str, actor: Any, themes: Sequence[Theme] = ()
) -> Recommendation:
    _require_writer(actor, review)
    text = _check_recommendation_text(review=review, text=text, actor=actor)
    recommendation = Recommendation.objects.create(
        review=review, text=text, author=actor, created_at=clock.now()
    )
    recommendation.themes.set(themes)
    events.record(
        actor=actor,
        verb="practice_review_recommendation_added",
        obj=review,
        summary=f"Recommendation added: {recommendation.text[:200]}",
        data={"recommendation": recommendation.pk, "themes": sorted(t.slug for t in themes)},
    )
    return recommendation


@transaction.atomic
def practice_review_recommendation_edit(
    *, recommendation: Recommendation, text: str, actor: Any, themes: Sequence[Theme] = ()
) -> Recommendation:
    """Change a recommendation's text or themes while the review is in progress. Concluding
    again then updates its evidence item in insights (never a second one)."""
    _require_writer(actor, recommendation.review)
    text = _check_recommendation_text(review=recommendation.review, text=text, actor=actor)
    before = {
        "text": recommendation.text,
        "themes": sorted(recommendation.themes.values_list("slug", flat=True)),
    }
    recommendation.text = text
    recommendation.save(update_fields=["text"])
    recommendation.themes.set(themes)
    events.record(
        actor=actor,
        verb="practice_review_recommendation_edited",
        obj=recommendation.review,
        summary=f"Recommendation changed: {recommendation.text[:200]}",
        data={
            "recommendation": recommendation.pk,
            "before": before,
            "after": {"text": recommendation.text, "themes": sorted(t.slug for t in themes)},
        },
    )
    return recommendation


def _has_conclusions(review: PracticeReview, params: dict[str, Any]) -> str:
    return (
        "" if review.conclusions.strip() else "Write the conclusions before concluding the review."
    )


def _has_reason(review: PracticeReview, params: dict[str, Any]) -> str:
    return "" if params["reason"].strip() else "Give a reason for reopening the review."


# A review's action is the state it moves to.
WORKFLOW = Workflow(
    noun="practice review",
    states=dict(PracticeReview.Status.choices),
    moves=(
        Move(
            IN_PROGRESS,
            CONCLUDED,
            CONCLUDED,
            "a reviewer or whoever leads practice reviews",
            is_reviewer,
            (_has_conclusions,),
        ),
        Move(CONCLUDED, IN_PROGRESS, IN_PROGRESS, "lead_practice_reviews", None, (_has_reason,)),
    ),
    refused=NotNow,
    guard_error=ValidationError,
)
VERBS = {CONCLUDED: "practice_review_concluded", IN_PROGRESS: "practice_review_reopened"}


@transaction.atomic
def practice_review_transition(
    *, review: PracticeReview, to: str, actor: Any, reason: str = ""
) -> PracticeReview:
    WORKFLOW.check(
        state=review.status, action=to, record=review, user=actor, params={"reason": reason}
    )
    before = review.status
    review.status = to
    review.concluded_at = clock.now() if to == CONCLUDED else None
    review.save(update_fields=["status", "concluded_at"])
    events.record(
        actor=actor,
        verb=VERBS[to],
        obj=review,
        summary=f"Practice review {review.get_status_display().lower()}"
        + (f": {reason.strip()}" if reason.strip() else ""),
        data={"from": before, "to": to, "reason": reason.strip()},
    )
    if to == CONCLUDED:
        # The conclusions and recommendations flow into the insights evidence, and each
        # recommendation is proposed to the director (once, however often it is concluded).
        from assure.insights.practice_reviews import practice_review_evidence_sync

        practice_review_evidence_sync(review=review, actor=actor)
    return review
