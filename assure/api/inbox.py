"""My work through the API: what is waiting on the token's owner, most urgent first, exactly
as their home page lists it (assure.inbox.selectors.inbox_for). Each item is read from the
state of the work itself, so it leaves when the work is done or moves to someone else."""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from assure.inbox import selectors

router = Router(tags=["inbox"])

Kind = Literal[
    "proposal_decision",
    "audit_to_do",
    "audit_to_moderate",
    "escalation",
    "action_due",
    "panel_meeting",
    "import_run",
]


class InboxItemOut(Schema):
    kind: Kind
    title: str = Field(description="What waits, naming the child (name and ID) where one is.")
    url: str = Field(description="Where the work is done in Assure (a path on this server).")
    due_date: dt.date | None = Field(
        description="When it is due (an escalation: the day it must be acknowledged by; a "
        "meeting: its date); null when it has no due date."
    )
    child_id: str | None = Field(description="The child concerned; null where none is.")


class InboxOut(Schema):
    count: int
    items: list[InboxItemOut]


@router.get("/inbox", response={200: InboxOut}, summary="What is waiting on me")
def inbox(request: HttpRequest) -> Any:
    """Everything waiting on you, most urgent first: escalations (earliest acknowledge-by
    first), then the rest by due date or, with none, the date the work came to you."""
    items = selectors.inbox_for(user=request.user)
    return {"count": len(items), "items": [item.as_dict() for item in items]}
