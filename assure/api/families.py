"""Families routes: a family's children, prospective special guardians and whole-family
chronology, limited by the access policy. A family with no child the caller may see answers
404, like one that does not exist."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from assure.core import access
from assure.core.models import AccessEvent
from assure.families import selectors

from .schemas import Error
from .types import IsoDate

router = Router(tags=["families"])


class ChronologyItem(Schema):
    date: dt.date
    child_id: str = Field(description="The first child the event concerns (by child ID).")
    child_ids: list[str] = Field(
        description="Every child the event concerns that you may see: shared proceedings and "
        "hearings appear once, naming them all."
    )
    kind: str
    summary: str


class CarerAssessmentOut(Schema):
    child_id: str
    assessment_id: str
    stage: str
    start_date: dt.date | None
    completed_date: dt.date | None
    recommendation: str = Field(description="positive, negative, withdrawn, or empty.")


class CarerOut(Schema):
    carer_id: str = Field(
        description="The case-management system's ID for the person; empty when none was "
        "given (each such assessment is then a carer of its own)."
    )
    name: str
    relationship: str
    assessments: list[CarerAssessmentOut] = Field(
        description="Assessments of this person for the children of the family you may see."
    )


class FamilyOut(Schema):
    family_id: str
    children: list[str]
    carers: list[CarerOut]
    chronology: list[ChronologyItem]


class FamilyQuery(Schema):
    child: str | None = Field(None, max_length=50, description="Only events about this child.")
    kind: list[str] = Field(default_factory=list, description="Only events of these kinds.")
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None


@router.get(
    "/families/{family_id}",
    response={200: FamilyOut, 404: Error},
    summary="One family with its chronology",
)
def get_family(request: HttpRequest, family_id: str, filters: Query[FamilyQuery]) -> Any:
    if not access.can(request.user, "view_children"):
        return 404, {"detail": "Not found."}
    family, members = selectors.family_get_for_user(user=request.user, family_id=family_id)
    children = selectors.children_of(members)
    selectors.family_record_access(
        user=request.user,
        family=family,
        children=children,
        via=AccessEvent.Via.API,
        where=request.path,
    )
    events = selectors.family_chronology(
        children=children,
        user=request.user,
        filters=selectors.ChronologyFilter(
            child_id=filters.child or "",
            kinds=tuple(filters.kind),
            date_from=filters.date_from,
            date_to=filters.date_to,
        ),
    )
    carers = selectors.family_carers(children=children)
    return {
        "family_id": family.family_id,
        "children": [c.child_id for c in children],
        "carers": [
            {
                "carer_id": carer.carer_id,
                "name": carer.name,
                "relationship": carer.relationship,
                "assessments": [
                    {
                        "child_id": a.child.child_id,
                        "assessment_id": a.assessment_id,
                        "stage": a.stage,
                        "start_date": a.start_date,
                        "completed_date": a.completed_date,
                        "recommendation": a.recommendation,
                    }
                    for a in carer.assessments
                ],
            }
            for carer in carers
        ],
        "chronology": [
            {
                "date": e.date,
                "child_id": e.child_ids[0],
                "child_ids": e.child_ids,
                "kind": e.kind,
                "summary": e.summary,
            }
            for e in events
        ],
    }
