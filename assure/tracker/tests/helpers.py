"""Builders shared by the tracker's tests."""

import datetime as dt

from assure.children.models import (
    Child,
    Hearing,
    PermanencePlan,
    PreviousPermanenceRecord,
    Proceedings,
    Review,
    SGOAssessment,
    SGOSupportPlan,
)
from tests.factories import ChildFactory, EpisodeFactory


def child_in_care(
    *,
    child_id: str,
    start: dt.date,
    team=None,
    end: dt.date | None = None,
    reason: str = "",
    **child_fields,
) -> Child:
    child = ChildFactory(child_id=child_id, team=team, **child_fields)
    EpisodeFactory(child=child, start_date=start, end_date=end, reason_ceased=reason)
    return child


def proceedings_for(
    child: Child,
    *,
    issued: dt.date,
    final: dt.date | None = None,
    status: str = "open",
    concluded: dt.date | None = None,
) -> Proceedings:
    proceedings = Proceedings.objects.create(
        proceedings_id=f"PR-{child.child_id}-{issued}",
        application_type="care",
        issue_date=issued,
        status=status,
        concluded_date=concluded,
    )
    proceedings.children.add(child)
    if final:
        Hearing.objects.create(proceedings=proceedings, hearing_date=final, hearing_type="final")
    return proceedings


def plan_for(child: Child, *, plan: str = "sgo", agreed: dt.date) -> PermanencePlan:
    return PermanencePlan.objects.create(child=child, plan=plan, agreed_date=agreed)


def review_for(child: Child, *, on: dt.date) -> Review:
    return Review.objects.create(child=child, review_date=on)


def full_assessment_for(child: Child, *, started: dt.date) -> SGOAssessment:
    return SGOAssessment.objects.create(
        child=child,
        assessment_id=f"SA-{child.child_id}-{started}",
        carer_name="Pat Carer",
        relationship="relative",
        stage="full",
        start_date=started,
    )


def support_plan_for(child: Child, *, agreed: dt.date) -> SGOSupportPlan:
    return SGOSupportPlan.objects.create(child=child, agreed_date=agreed)


def previous_permanence_for(child: Child, *, code: str) -> PreviousPermanenceRecord:
    return PreviousPermanenceRecord.objects.create(child=child, previous_permanence=code)
