"""What is true about one child at a date: every care-history rule applied to one record.

`facts_at` is the one place the rules are put together. The child's page, the tracker (and
through it the audit queue), the exports and the API all read a child's standing, plan,
proceedings, reviews and SGO progress from it, so they cannot disagree. It takes plain
records with the models' field names (model instances, or the tracker's light rows).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import exits, periods, plans, proceedings, reviews, sgo
from .dates import age_on, one_year_before


@dataclass
class CareFacts:
    on: dt.date
    standing: periods.Standing | None
    age: int | None = None
    period_episodes: list[Any] = field(default_factory=list)
    plan: Any = None
    open_proceedings: list[Any] = field(default_factory=list)
    timescale: proceedings.Timescale | None = None
    hearings: list[Any] = field(default_factory=list)  # of the open proceedings
    next_hearing: Any = None
    next_final_hearing: Any = None
    schedule: reviews.ScheduleInUse | None = None
    reviews: list[dt.date] = field(default_factory=list)  # counted by the schedule
    last_review: dt.date | None = None
    next_review: reviews.ReviewDue | None = None
    second_review: reviews.SecondReview | None = None
    assessments: list[Any] = field(default_factory=list)  # started on or before the date
    assessment: sgo.AssessmentStanding | None = None  # for the plan, when it includes an SGO
    support_plan_agreed: bool = False
    sgo_breakdown: bool = False
    sgo_stage: sgo.SGOStage | None = None

    @property
    def on_tracker(self) -> bool:
        return self.standing is not None

    @property
    def looked_after(self) -> bool:
        return self.standing is not None and self.standing.looked_after

    @property
    def period_start(self) -> dt.date | None:
        return self.standing.period_start if self.standing else None

    @property
    def episode(self) -> Any:
        return self.standing.episode if self.standing else None

    @property
    def ceased_date(self) -> dt.date | None:
        return self.standing.ceased_date if self.standing else None

    @property
    def reason_ceased(self) -> str:
        return self.standing.reason_ceased if self.standing else ""

    @property
    def days_in_care(self) -> int | None:
        if self.standing is None:
            return None
        return ((self.standing.ceased_date or self.on) - self.standing.period_start).days

    @property
    def proceedings(self) -> Any:
        """The child's proceedings for the record: the earliest-issued open care or
        supervision application (whose 26-week timescale is shown), or else the
        earliest-issued open proceedings of any kind."""
        found = proceedings.with_timescale(self.open_proceedings)
        if found is None and self.open_proceedings:
            found = self.open_proceedings[0]
        return found

    @property
    def plan_includes_sgo(self) -> bool:
        return plans.includes_sgo(self.plan)


def facts_at(
    *,
    on: dt.date,
    date_of_birth: dt.date | None,
    episodes: Sequence[Any],
    review_dates: Iterable[dt.date] = (),
    plan_history: Iterable[Any] = (),
    proceedings_list: Iterable[Any] = (),
    hearings_of: Mapping[Any, Sequence[Any]] | None = None,
    assessments: Iterable[Any] = (),
    support_plan_dates: Iterable[dt.date | None] = (),
    previous_permanence: Iterable[tuple[str, str]] = (),
    latest_only_reviews: Collection[dt.date] = (),
) -> CareFacts:
    """Every rule about one child at `on`. `hearings_of` maps a proceedings' pk to its
    hearings; records dated after `on` are left out here, so callers may pass them all.
    `latest_only_reviews`: review dates recorded without the reviews before them (Annex A's
    latest review; see `reviews`)."""
    known = sorted((e for e in episodes if e.start_date <= on), key=lambda e: e.start_date)
    standing = periods.standing_on(known, on)
    facts = CareFacts(on=on, standing=standing, age=age_on(date_of_birth, on))
    facts.plan = plans.plan_at(plan_history, on)
    facts.open_proceedings = proceedings.open_on(proceedings_list, on)
    facts.timescale = proceedings.timescale_of(facts.open_proceedings, on)
    hearings_of = hearings_of or {}
    facts.hearings = [h for p in facts.open_proceedings for h in hearings_of.get(p.pk, ())]
    facts.next_hearing = proceedings.next_hearing(facts.hearings, on)
    facts.next_final_hearing = proceedings.next_hearing(facts.hearings, on, proceedings.FINAL)
    facts.assessments = [a for a in assessments if sgo.known_on(a, on)]
    facts.support_plan_agreed = sgo.support_plan_agreed(support_plan_dates, on)
    if facts.plan_includes_sgo:
        facts.assessment = sgo.assessment_standing(facts.assessments, facts.plan, on)
    starts = periods.period_starts(known)
    if standing is not None:
        start_of = periods.period_start_map(known)
        facts.period_episodes = [e for e in known if start_of[id(e)] == standing.period_start]
        facts.sgo_breakdown = sgo.breakdown_in_period(
            previous_permanence, starts, standing.period_start
        )
    if standing is not None and standing.looked_after:
        _add_reviews(facts, standing, list(review_dates), latest_only_reviews)
    facts.sgo_stage = _sgo_stage(facts, known)
    return facts


def _add_reviews(
    facts: CareFacts,
    standing: periods.Standing,
    held: list[dt.date],
    latest_only: Collection[dt.date] = (),
) -> None:
    in_use = reviews.schedule_for(standing.episode, facts.period_episodes, standing.period_start)
    counted = reviews.reviews_counted(in_use, [r for r in held if r <= facts.on])
    facts.schedule = in_use
    facts.reviews = counted
    facts.last_review = counted[-1] if counted else None
    earlier_unknown = len(counted) == 1 and counted[0] in latest_only
    facts.next_review = reviews.next_review_due(in_use, counted, earlier_unknown=earlier_unknown)
    facts.second_review = reviews.second_review(in_use, counted, earlier_unknown=earlier_unknown)


def _sgo_stage(facts: CareFacts, known: Sequence[Any]) -> sgo.SGOStage | None:
    window_start = one_year_before(facts.on)
    sgo_exits = [
        e.end_date
        for e in known
        if periods.ends_period(e)
        and exits.is_sgo_exit(e.reason_ceased)
        and window_start < e.end_date <= facts.on
    ]
    return sgo.sgo_stage(
        looked_after=facts.looked_after,
        sgo_application_open=any(p.application_type == "sgo" for p in facts.open_proceedings),
        proceedings_open=bool(facts.open_proceedings),
        plan_includes_sgo=facts.plan_includes_sgo,
        plan_agreed=plans.in_force_from(facts.plan) if facts.plan else None,
        next_hearing=facts.next_hearing.hearing_date if facts.next_hearing else None,
        assessments=facts.assessments,
        last_sgo_exit=max(sgo_exits, default=None),
        on=facts.on,
    )
