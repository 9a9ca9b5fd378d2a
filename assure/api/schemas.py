import datetime as dt
from enum import Enum

from ninja import Schema
from pydantic import Field

from assure.children.models import SocialCareEvent

# The event kinds as an enum in the OpenAPI schema, named for what they are.
SocialCareKind = Enum(  # type: ignore[misc]
    "SocialCareKind", {value.upper(): value for value in SocialCareEvent.Kind.values}, type=str
)


class ChildListItem(Schema):
    child_id: str
    date_of_birth: dt.date | None
    sex: str | None
    team: str | None
    worker: str | None
    legal_status: str | None
    placement_type: str | None
    looked_after: bool
    restricted: bool


class ChildList(Schema):
    count: int
    items: list[ChildListItem]


class EpisodeOut(Schema):
    start_date: dt.date
    end_date: dt.date | None
    reason_new_episode: str | None
    legal_status: str | None
    category_of_need: str | None
    placement_type: str | None
    placement_provider: str | None
    reason_ceased: str | None
    reason_place_change: str | None
    home_postcode: str | None
    placement_postcode: str | None
    urn: str | None


class ProceedingsNow(Schema):
    application_type: str
    issue_date: dt.date | None
    week: int | None = Field(
        None, description="Week of the 26-week timescale (care and supervision only)."
    )
    limit_date: dt.date | None = Field(
        None, description="The last day inside the 26-week limit, or the extension."
    )
    extended_to: dt.date | None
    next_hearing_date: dt.date | None
    next_hearing_type: str | None


class ExitOut(Schema):
    date: dt.date
    reason_ceased: str | None
    route: str
    period_start: dt.date
    reentered_within_12_months: bool
    in_window: bool = Field(
        description="The 12 months after the exit have not run yet: a re-entry may yet come."
    )


class CareNow(Schema):
    """What is true today, by the care-history rules every page uses."""

    on_tracker: bool
    period_of_care_start: dt.date | None
    ceased_date: dt.date | None
    reason_ceased: str | None
    permanence_plan: str | None
    parallel_plan: str | None
    plan_agreed: dt.date | None
    proceedings: ProceedingsNow | None
    review_schedule: str | None
    last_review: dt.date | None
    next_review_due: dt.date | None
    sgo_breakdown: bool
    exits: list[ExitOut]


class SocialCareDetail(Schema):
    label: str = Field(description='The Annex A column, in words ("Referral source").')
    value: str = Field(description='Its value, in words; dates as "3 Mar 2025".')


class SocialCareEventOut(Schema):
    """A social care event beyond the 903, from Ofsted's Annex A lists."""

    kind: SocialCareKind
    start_date: dt.date
    end_date: dt.date | None = Field(
        description="When the assessment was authorised, the plan ended, and so on; null "
        "for one-day events and for those still open."
    )
    source_list: str | None = Field(description='The Annex A list it came from ("List 5").')
    details: list[SocialCareDetail] = Field(
        description="The list's useful columns, in the list's order."
    )


class ChildDetail(Schema):
    child_id: str
    first_name: str | None
    last_name: str | None
    date_of_birth: dt.date | None
    sex: str | None
    ethnicity: str | None
    upn: str | None
    uasc: bool
    team: str | None
    worker: str | None
    iro: str | None
    looked_after: bool
    restricted: bool
    care: CareNow
    episodes: list[EpisodeOut]
    social_care_events: list[SocialCareEventOut] = Field(
        description="Contacts, referrals, assessments, section 47 enquiries, child in need "
        "and child protection plans, visits and checks, care leavers' contact and adoption "
        "steps, oldest first."
    )


class Error(Schema):
    detail: str
