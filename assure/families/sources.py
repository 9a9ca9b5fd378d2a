"""The chronology's built-in sources: the child record (episodes of care, looked-after
reviews, proceedings and hearings, permanence plans, SGO assessments and support plans).
Each fetches in a fixed number of queries, whatever the number of children."""

from collections.abc import Iterator

from assure.children import codes
from assure.children.care import periods, plans
from assure.children.models import (
    Episode,
    Hearing,
    PermanencePlan,
    Proceedings,
    Review,
    SGOAssessment,
    SGOSupportPlan,
)

from .chronology import SourceEvent, register_source

CARE_KINDS = {
    "entered_care": "Entered care",
    "legal_status": "Legal status changes",
    "placement": "Placement moves",
    "left_care": "Left care",
}
COURT_KINDS = {"proceedings": "Proceedings", "hearing": "Hearings"}
PLAN_KINDS = {
    "plan": "Permanence plans",
    "assessment": "SGO assessments",
    "support_plan": "SGO support plans",
}
REVIEW_KINDS = {"review": "Looked-after reviews"}


def episode_events(child_pks: frozenset[int]) -> Iterator[SourceEvent]:
    """Entering care, legal status changes, placement moves and leaving care, from the
    episodes, by the care-history rules (`children.care.periods`): each child's episodes are
    read together so that the start of a period is told from a change within one."""
    by_child: dict[int, list[Episode]] = {}
    for episode in Episode.objects.filter(child_id__in=child_pks).order_by(
        "child_id", "start_date"
    ):
        by_child.setdefault(episode.child_id, []).append(episode)
    for episodes in by_child.values():
        for episode in episodes:
            yield from _episode_start(episode, periods.starts_period(episode, episodes))
            if periods.ends_period(episode):
                reason = codes.describe(codes.ReasonCeased, episode.reason_ceased)
                yield SourceEvent(
                    key=f"{episode.pk}:left",
                    date=episode.end_date,  # type: ignore[arg-type]
                    child_pks=(episode.child_id,),
                    kind="left_care",
                    summary="Left care: " + (reason or "reason not recorded"),
                )


def _episode_start(episode: Episode, starts_period: bool) -> Iterator[SourceEvent]:
    rne = episode.reason_new_episode
    legal = codes.describe(codes.LegalStatus, episode.legal_status) or "not recorded"
    place = codes.describe(codes.PlacementType, episode.placement_type) or "not recorded"
    common = {"date": episode.start_date, "child_pks": (episode.child_id,)}
    if starts_period:
        yield SourceEvent(
            key=f"{episode.pk}:start",
            kind="entered_care",
            summary="Started to be looked after",
            detail=(f"Legal status: {legal}", f"Placement: {place}"),
            **common,  # type: ignore[arg-type]
        )
        return
    if rne in {"L", "B", "U"}:
        yield SourceEvent(
            key=f"{episode.pk}:legal",
            kind="legal_status",
            summary=f"Legal status changed to {legal}",
            **common,  # type: ignore[arg-type]
        )
    if rne in {"P", "T", "B", "U"}:
        detail = ()
        if episode.reason_place_change:
            reason = codes.describe(codes.ReasonPlaceChange, episode.reason_place_change)
            detail = (f"Reason for move: {reason}",)
        same = " (same carer)" if rne in {"T", "U"} else ""
        yield SourceEvent(
            key=f"{episode.pk}:placement",
            kind="placement",
            summary=f"Moved to {place}{same}",
            detail=detail,
            **common,  # type: ignore[arg-type]
        )


def review_events(child_pks: frozenset[int]) -> Iterator[SourceEvent]:
    for review in Review.objects.filter(child_id__in=child_pks).order_by("review_date", "pk"):
        detail = (
            (codes.describe(codes.ReviewCode, review.review_code),) if review.review_code else ()
        )
        yield SourceEvent(
            key=str(review.pk),
            date=review.review_date,
            child_pks=(review.child_id,),
            kind="review",
            summary="Looked-after review",
            detail=detail,
        )


def court_events(child_pks: frozenset[int]) -> Iterator[SourceEvent]:
    """Proceedings and hearings, once each however many of the children they concern. The
    children are read from the link table only, for the children asked about."""
    links = Proceedings.children.through.objects.filter(child_id__in=child_pks).values_list(
        "proceedings_id", "child_id"
    )
    children_of: dict[int, list[int]] = {}
    for proceedings_pk, child_pk in links:
        children_of.setdefault(proceedings_pk, []).append(child_pk)
    if not children_of:
        return
    for proc in Proceedings.objects.filter(pk__in=children_of).order_by("pk"):
        pks = tuple(children_of[proc.pk])
        kind = proc.get_application_type_display()
        if proc.issue_date:
            yield SourceEvent(
                key=f"{proc.pk}:issued",
                date=proc.issue_date,
                child_pks=pks,
                kind="proceedings",
                summary=f"Proceedings issued: {kind}",
                detail=tuple(
                    x for x in (proc.court, proc.case_number and f"Case {proc.case_number}") if x
                ),
            )
        if proc.concluded_date:
            yield SourceEvent(
                key=f"{proc.pk}:concluded",
                date=proc.concluded_date,
                child_pks=pks,
                kind="proceedings",
                summary=f"Proceedings {proc.get_status_display().lower()}: {kind}",
                detail=(proc.outcome,) if proc.outcome else (),
            )
    hearings = Hearing.objects.filter(proceedings_id__in=children_of).select_related("proceedings")
    for hearing in hearings.order_by("hearing_date", "pk"):
        yield SourceEvent(
            key=f"hearing{hearing.pk}",
            date=hearing.hearing_date,
            child_pks=tuple(children_of[hearing.proceedings_id]),
            kind="hearing",
            summary=f"Hearing: {hearing.get_hearing_type_display()}",
            detail=tuple(x for x in (hearing.proceedings.court, hearing.outcome) if x),
        )


def plan_events(child_pks: frozenset[int]) -> Iterator[SourceEvent]:
    for plan in PermanencePlan.objects.filter(child_id__in=child_pks).order_by("pk"):
        detail = (
            (f"Parallel plan: {plan.get_parallel_plan_display()}",) if plan.parallel_plan else ()
        )
        if plan.agreed_date is None:
            detail += ("Date agreed not known: shown from the day it was recorded",)
        yield SourceEvent(
            key=f"plan{plan.pk}",
            date=plans.in_force_from(plan),
            child_pks=(plan.child_id,),
            kind="plan",
            summary=f"Permanence plan: {plan.get_plan_display()}",
            detail=detail,
        )
    assessments = SGOAssessment.objects.filter(child_id__in=child_pks).order_by("start_date", "pk")
    for assessment in assessments:
        stage = assessment.get_stage_display().lower()
        carer = f"{assessment.carer_name} ({assessment.get_relationship_display().lower()})"
        if assessment.start_date:
            yield SourceEvent(
                key=f"assessment{assessment.pk}:started",
                date=assessment.start_date,
                child_pks=(assessment.child_id,),
                kind="assessment",
                summary=f"SGO {stage} started",
                detail=(carer,),
            )
        if assessment.completed_date:
            outcome = assessment.get_recommendation_display() or "no recommendation recorded"
            yield SourceEvent(
                key=f"assessment{assessment.pk}:completed",
                date=assessment.completed_date,
                child_pks=(assessment.child_id,),
                kind="assessment",
                summary=f"SGO {stage} completed",
                detail=(carer, f"Recommendation: {outcome}"),
            )
    supports = SGOSupportPlan.objects.filter(child_id__in=child_pks, agreed_date__isnull=False)
    for support in supports.order_by("agreed_date", "pk"):
        detail = (support.summary,) if support.summary else ()
        if support.financial_support:
            detail += ("With financial support",)
        yield SourceEvent(
            key=f"support{support.pk}",
            date=support.agreed_date,  # type: ignore[arg-type]
            child_pks=(support.child_id,),
            kind="support_plan",
            summary="SGO support plan agreed",
            detail=detail,
        )


def register_builtin_sources() -> None:
    register_source("care", episode_events, kinds=CARE_KINDS, order=10)
    register_source("court", court_events, kinds=COURT_KINDS, order=20)
    register_source("plans", plan_events, kinds=PLAN_KINDS, order=30)
    register_source("reviews", review_events, kinds=REVIEW_KINDS, order=40)
