"""Plain records with the models' field names, for testing the care-history rules without a
database (the rules read model instances and the tracker's light rows alike)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import count

D = dt.date
_pks = count(1)


@dataclass
class Ep:
    start_date: dt.date
    end_date: dt.date | None = None
    reason_ceased: str = ""
    legal_status: str = "C2"
    placement_type: str = "U4"


@dataclass
class Proc:
    application_type: str = "care"
    issue_date: dt.date | None = None
    status: str = "open"
    concluded_date: dt.date | None = None
    extended_to: dt.date | None = None
    pk: int = field(default_factory=lambda: next(_pks))


@dataclass
class Hearing:
    hearing_date: dt.date
    hearing_type: str = "final"

    def get_hearing_type_display(self) -> str:
        return self.hearing_type


@dataclass
class Plan:
    plan: str
    agreed_date: dt.date | None
    parallel_plan: str = ""
    carer_id: str = ""
    carer_name: str = ""
    recorded_at: dt.datetime = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


@dataclass
class Assessment:
    stage: str = "full"
    start_date: dt.date | None = None
    completed_date: dt.date | None = None
    recommendation: str = ""
    carer_id: str = ""
    carer_name: str = "Ann Smith"

    def get_recommendation_display(self) -> str:
        return self.recommendation.capitalize()
