import datetime as dt

from ninja import Schema


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
    episodes: list[EpisodeOut]


class Error(Schema):
    detail: str
