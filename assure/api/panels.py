"""Panel routes (issue 6 item 7): members, meetings with attendance and quorum, agenda items
and outcomes. 403: this person may not (a person with a part in a proposal does not chair its
item); 404: not found or not visible; 409: the meeting is not quorate, has not happened yet,
already has the proposal on its agenda, or the state does not allow it; 422: bad input (a
back-dated seat)."""

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from pydantic import Field

from assure.core import access
from assure.core.models import AccessEvent
from assure.decisions import selectors as decision_selectors
from assure.panels import selectors, services
from assure.people.models import User

from .schemas import Error
from .types import IsoDate

router = Router(tags=["panels"])


class MemberIn(Schema):
    username: str = Field(max_length=150)
    panel_role: Literal["chair", "member", "legal_adviser", "independent_member"]
    from_date: IsoDate | None = None
    to_date: IsoDate | None = None


class MemberOut(Schema):
    id: int
    panel: str
    username: str
    panel_role: str
    from_date: dt.date
    to_date: dt.date | None


class MeetingIn(Schema):
    panel: str = Field(max_length=60)
    date: IsoDate
    attendees: list[str] = Field(default_factory=list, max_length=100)


class MeetingOut(Schema):
    id: int
    panel: str
    date: dt.date
    quorate: bool
    missing: list[str]
    attendees: list[str]


class ItemIn(Schema):
    proposal_id: int | None = None
    child_id: str | None = Field(None, max_length=50)
    question: str = Field("", max_length=5000)


class Created(Schema):
    id: int


class OutcomeIn(Schema):
    recommendation: Literal["support", "not_support", "defer"]
    conditions: str = Field("", max_length=5000)
    actions: list[dict[str, str]] = Field(default_factory=list, max_length=50)


class OutcomeOut(Schema):
    id: int
    item: int
    recommendation: str
    conditions: str
    recorded_by: str
    recorded_at: dt.datetime


def _users(usernames: list[str]) -> list[User]:
    users = list(User.objects.filter(username__in=usernames, is_active=True))
    unknown = sorted(set(usernames) - {u.username for u in users})
    if unknown:
        raise DjangoValidationError(f"Unknown user {', '.join(unknown)}.")
    return users


def _meeting_out(meeting_pk: int) -> dict[str, Any]:
    meeting = selectors.meeting_get(pk=meeting_pk)
    quorum = services.meeting_quorum(meeting)
    return {
        "id": meeting.pk,
        "panel": meeting.panel.slug,
        "date": meeting.date,
        "quorate": quorum.quorate,
        "missing": quorum.missing,
        "attendees": sorted(u.username for u in meeting.attendees.all()),
    }


@router.post(
    "/panels/{slug}/members",
    response={201: MemberOut, 403: Error, 404: Error, 422: Error},
    summary="Add a member to a panel (assurance lead or administrator)",
)
def add_member(request: HttpRequest, slug: str, payload: MemberIn) -> Any:
    if not access.can(request.user, "manage_panels"):
        return 403, {"detail": "Only the assurance lead or an administrator manages panels."}
    panel = selectors.panel_get(slug=slug)
    user = User.objects.filter(username=payload.username, is_active=True).first()
    if user is None:
        return 422, {"detail": f"Unknown user {payload.username}."}
    member = services.panel_member_add(
        panel=panel,
        user=user,
        panel_role=payload.panel_role,
        actor=request.user,
        from_date=payload.from_date,
        to_date=payload.to_date,
    )
    return 201, {
        "id": member.pk,
        "panel": panel.slug,
        "username": user.username,
        "panel_role": member.panel_role,
        "from_date": member.from_date,
        "to_date": member.to_date,
    }


@router.post(
    "/panel-meetings",
    response={201: MeetingOut, 403: Error, 404: Error, 422: Error},
    summary="Hold a meeting with its attendees; the answer says whether it is quorate",
)
def create_meeting(request: HttpRequest, payload: MeetingIn) -> Any:
    panel = selectors.panel_get(slug=payload.panel)
    meeting = services.meeting_create(
        panel=panel,
        date=payload.date,
        attendees=_users(payload.attendees),
        actor=request.user,
    )
    return 201, _meeting_out(meeting.pk)


class AttendanceIn(Schema):
    attendees: list[str] = Field(default_factory=list, max_length=100)


@router.put(
    "/panel-meetings/{meeting_id}/attendance",
    response={200: MeetingOut, 403: Error, 404: Error, 409: Error, 422: Error},
    summary="Record who attended a meeting (its chair or the assurance lead), on or after its "
    "day and before any outcome; the answer says whether it is quorate",
)
def set_attendance(request: HttpRequest, meeting_id: int, payload: AttendanceIn) -> Any:
    meeting = selectors.meeting_get(pk=meeting_id)
    services.meeting_set_attendance(
        meeting=meeting, attendees=_users(payload.attendees), actor=request.user
    )
    return 200, _meeting_out(meeting.pk)


@router.get(
    "/panel-meetings/{meeting_id}",
    response={200: MeetingOut, 403: Error, 404: Error},
    summary="One meeting with its quorum",
)
def get_meeting(request: HttpRequest, meeting_id: int) -> Any:
    if not access.can(request.user, "view_panels"):
        return 403, {"detail": "You may not see panels."}
    return 200, _meeting_out(meeting_id)


@router.post(
    "/panel-meetings/{meeting_id}/items",
    response={201: Created, 403: Error, 404: Error, 409: Error, 422: Error},
    summary="Put a proposal (or a child with a question) on a meeting's agenda",
)
def add_item(request: HttpRequest, meeting_id: int, payload: ItemIn) -> Any:
    meeting = selectors.meeting_get(pk=meeting_id)
    proposal = None
    if payload.proposal_id is not None:
        proposal = decision_selectors.proposal_get_for_user(
            user=request.user, pk=payload.proposal_id, via=AccessEvent.Via.API, where=request.path
        )
        child = proposal.child
    elif payload.child_id:
        child = get_object_or_404(access.visible_children(request.user), child_id=payload.child_id)
    else:
        return 422, {"detail": "Give a proposal_id, or a child_id with a question."}
    item = services.agenda_item_add(
        meeting=meeting,
        child=child,
        proposal=proposal,
        question=payload.question,
        actor=request.user,
    )
    return 201, {"id": item.pk}


@router.post(
    "/panel-items/{item_id}/outcome",
    response={200: OutcomeOut, 403: Error, 404: Error, 409: Error, 422: Error},
    summary="Record the panel's outcome for an item (the panel's chair)",
)
def record_outcome(request: HttpRequest, item_id: int, payload: OutcomeIn) -> Any:
    item = selectors.agenda_item_get_for_user(user=request.user, pk=item_id)
    outcome = services.outcome_record(
        item=item,
        recommendation=payload.recommendation,
        conditions=payload.conditions,
        actions=payload.actions,
        actor=request.user,
    )
    return 200, {
        "id": outcome.pk,
        "item": item.pk,
        "recommendation": outcome.recommendation,
        "conditions": outcome.conditions,
        "recorded_by": request.user.username,
        "recorded_at": outcome.recorded_at,
    }
