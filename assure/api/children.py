"""Children routes: thin, over the children selectors and the one access policy."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from assure.children import selectors, social_care
from assure.children.care import exits, periods
from assure.core import access
from assure.core.models import AccessEvent

from .schemas import ChildDetail, ChildList, Error

router = Router(tags=["children"])

EPISODE_FIELDS = (
    "reason_new_episode",
    "legal_status",
    "category_of_need",
    "placement_type",
    "placement_provider",
    "reason_ceased",
    "reason_place_change",
    "home_postcode",
    "placement_postcode",
    "urn",
)


class ChildListQuery(Schema):
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(100, ge=1, le=500)
    team: str | None = Field(None, max_length=120, description="The allocated team's name.")
    looked_after: bool | None = None
    search: str | None = Field(None, max_length=100)


def _blank_to_none(value: Any) -> Any:
    return None if value == "" else value


@router.get("/children", response={200: ChildList, 403: Error}, summary="List children")
def list_children(request: HttpRequest, filters: Query[ChildListQuery]) -> Any:
    if not access.can(request.user, "view_children"):
        raise HttpError(403, "You may not see children's records.")
    children = selectors.children_for(
        user=request.user,
        search=filters.search or "",
        care_status={True: "in_care", False: "left_care"}.get(filters.looked_after, ""),  # type: ignore[arg-type]
    )
    if filters.team:
        children = children.filter(team__name=filters.team)
    count = children.count()
    start = (filters.page - 1) * filters.page_size
    items = [
        {
            "child_id": c.child_id,
            "date_of_birth": c.date_of_birth,
            "sex": _blank_to_none(c.sex),
            "team": c.team.name if c.team else None,
            "worker": c.worker.name if c.worker else None,
            "legal_status": _blank_to_none(c.current_legal_status),
            "placement_type": _blank_to_none(c.current_placement_type),
            "looked_after": bool(c.looked_after),
            "restricted": c.restricted,
        }
        for c in children[start : start + filters.page_size]
    ]
    return {"count": count, "items": items}


def _care_now(record: selectors.ChildRecord) -> dict[str, Any]:
    facts = record.facts
    plan, proc, scale = facts.plan, facts.proceedings, facts.timescale
    starts = periods.period_starts(record.episodes)
    return {
        "on_tracker": facts.on_tracker,
        "period_of_care_start": facts.period_start,
        "ceased_date": facts.ceased_date,
        "reason_ceased": facts.reason_ceased or None,
        "permanence_plan": plan.plan if plan else None,
        "parallel_plan": (plan.parallel_plan or None) if plan else None,
        "plan_agreed": plan.agreed_date if plan else None,
        "proceedings": {
            "application_type": proc.application_type,
            "issue_date": proc.issue_date,
            "week": scale.week if scale else None,
            "limit_date": scale.limit if scale else None,
            "extended_to": scale.extended_to if scale else None,
            "next_hearing_date": facts.next_hearing.hearing_date if facts.next_hearing else None,
            "next_hearing_type": facts.next_hearing.hearing_type if facts.next_hearing else None,
        }
        if proc
        else None,
        "review_schedule": facts.schedule.schedule.key if facts.schedule else None,
        "last_review": facts.last_review,
        "next_review_due": facts.next_review.due if facts.next_review else None,
        "sgo_breakdown": facts.sgo_breakdown,
        "exits": [
            {
                "date": x.date,
                "reason_ceased": x.reason or None,
                "route": exits.route_of(x.reason),
                "period_start": x.period_start,
                "reentered_within_12_months": exits.reentered(x.date, starts),
                "in_window": not exits.follow_up_complete(x.date, facts.on),
            }
            for x in record.exits
        ],
    }


@router.get("/children/{child_id}", response={200: ChildDetail, 404: Error}, summary="One child")
def get_child(request: HttpRequest, child_id: str) -> Any:
    child = selectors.child_get_for_user(
        user=request.user, child_id=child_id, via=AccessEvent.Via.API, where=request.path
    )
    record = selectors.child_record(child=child)
    return {
        "child_id": child.child_id,
        "first_name": _blank_to_none(child.first_name),
        "last_name": _blank_to_none(child.last_name),
        "date_of_birth": child.date_of_birth,
        "sex": _blank_to_none(child.sex),
        "ethnicity": _blank_to_none(child.ethnicity),
        "upn": _blank_to_none(child.upn),
        "uasc": child.uasc,
        "team": child.team.name if child.team else None,
        "worker": child.worker.name if child.worker else None,
        "iro": child.iro.name if child.iro else None,
        "looked_after": record.looked_after,
        "restricted": child.restricted,
        "care": _care_now(record),
        "episodes": [
            {
                "start_date": e.start_date,
                "end_date": e.end_date,
                **{name: _blank_to_none(getattr(e, name)) for name in EPISODE_FIELDS},
            }
            for e in record.episodes
        ],
        "social_care_events": _social_care_events(child),
    }


def _social_care_events(child: Any) -> list[dict[str, Any]]:
    return [
        {
            "kind": e.kind,
            "start_date": e.start_date,
            "end_date": e.end_date,
            "source_list": e.source_list or None,
            "details": [
                {"label": str(pair[0]), "value": str(pair[1])}
                for pair in e.details or []
                # As the child's page shows them: a pair with a value (see detail_lines).
                if isinstance(pair, list | tuple) and len(pair) == 2 and pair[1] not in ("", None)
            ],
        }
        for e in social_care.events_oldest_first(child=child)
    ]
