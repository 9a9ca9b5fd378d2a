"""The tracker's rows built in full: a child's care facts at a date (from the one set of
care-history rules), their flags, and where they stand with the panels and the sign-off.

Built only for the rows a page, an export batch or a snapshot needs, in a fixed number of
queries whatever their number (ARCHITECTURE rule 8): one query per part of the record, each
selecting its rows for a batch of pks passed as one parameter. The parts are read as plain
values straight from the cursor into light records with the models' field names: building
model instances was over half the time of a large tracker.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber

from assure.children import codes
from assure.children.care import history, plans, reviews
from assure.children.care.history import CareFacts
from assure.children.care.proceedings import Timescale
from assure.children.models import (
    Child,
    Episode,
    Hearing,
    PermanencePlan,
    PreviousPermanenceRecord,
    Proceedings,
    Review,
    SGOAssessment,
    SGOSupportPlan,
)
from assure.core import clock

from . import rules
from .records import (
    CHILD_FIELDS,
    AssessmentRow,
    ChildRow,
    EpisodeRow,
    HearingRow,
    PlanRow,
    ProceedingsRow,
    child_row,
    pk_set,
    plain,
)

AGE_BANDS = [
    ("under_1", "Under 1", 0, 0),
    ("1_4", "1 to 4", 1, 4),
    ("5_9", "5 to 9", 5, 9),
    ("10_15", "10 to 15", 10, 15),
    ("16_plus", "16 and over", 16, 200),
]


def age_band_of(age: int | None) -> str:
    if age is None:
        return ""
    return next((key for key, _, low, high in AGE_BANDS if low <= age <= high), "")


@dataclass
class Parts:
    """The parts of each child's record, grouped by child pk."""

    episodes: dict[int, list[EpisodeRow]]
    reviews: dict[int, list[dt.date]]
    plans: dict[int, list[PlanRow]]
    proceedings: dict[int, list[ProceedingsRow]]
    hearings: dict[int, list[HearingRow]]
    assessments: dict[int, list[AssessmentRow]]
    support_plans: dict[int, list[dt.date | None]]
    previous: dict[int, list[tuple[str, str]]]
    panels: dict[int, tuple[Any, Any]] = field(default_factory=dict)
    proposals: dict[int, str] = field(default_factory=dict)
    # Reviews recorded without the ones before them (Annex A's latest review).
    latest_only_reviews: dict[int, set[dt.date]] = field(default_factory=dict)


@dataclass
class Row:
    """One child on the tracker at a date."""

    child: ChildRow
    on: dt.date
    care: CareFacts
    flags: list[rules.Flag]
    rag: str
    panel_outcome: str | None = None  # the latest panel or gateway outcome on or before
    next_panel: str | None = None  # the next meeting on or after the date with the child
    proposal: str | None = None  # submitted proposals: decision, state and whose step

    @property
    def age(self) -> int | None:
        return self.care.age

    @property
    def age_band(self) -> str:
        return age_band_of(self.care.age)

    @property
    def looked_after(self) -> bool:
        return self.care.looked_after

    @property
    def period_start(self) -> dt.date:
        return self.care.period_start  # type: ignore[return-value]

    @property
    def days_in_care(self) -> int:
        return self.care.days_in_care or 0

    @property
    def legal_status(self) -> str:
        return self.care.episode.legal_status

    @property
    def placement_type(self) -> str:
        return self.care.episode.placement_type

    @property
    def ceased_date(self) -> dt.date | None:
        return self.care.ceased_date

    @property
    def reason_ceased(self) -> str:
        return self.care.reason_ceased

    @property
    def plan(self) -> PlanRow | None:
        return self.care.plan

    @property
    def plan_value(self) -> str | None:
        return self.care.plan.plan if self.care.plan else None

    @property
    def plan_stage(self) -> str:
        return plan_stage_of(self.care)

    @property
    def proceedings(self) -> ProceedingsRow | None:
        return self.care.proceedings

    @property
    def timescale(self) -> Timescale | None:
        return self.care.timescale

    @property
    def proceedings_week(self) -> int | None:
        return self.care.timescale.week if self.care.timescale else None

    @property
    def limit_date(self) -> dt.date | None:
        return self.care.timescale.limit if self.care.timescale else None

    @property
    def next_hearing(self) -> HearingRow | None:
        return self.care.next_hearing

    @property
    def assessment(self) -> AssessmentRow | None:
        return self.care.assessments[-1] if self.care.assessments else None

    @property
    def last_review(self) -> dt.date | None:
        return self.care.last_review

    @property
    def next_review(self) -> reviews.ReviewDue | None:
        return self.care.next_review

    @property
    def review_schedule(self) -> str:
        return self.care.schedule.schedule.title if self.care.schedule else ""

    @property
    def flag_codes(self) -> set[str]:
        return {f.code for f in self.flags}


def plan_stage_of(care: CareFacts) -> str:
    """Where an SGO plan has got to, in words; "Plan agreed" for any other plan."""
    plan = care.plan
    if plan is None:
        return ""
    if not care.plan_includes_sgo:
        return "Plan agreed"
    if care.next_final_hearing is not None:
        return f"Final hearing {rules.fmt(care.next_final_hearing.hearing_date)}"
    standing = care.assessment
    if standing is not None and standing.report is not None:
        return "Full assessment completed"
    if standing is not None and standing.in_progress is not None:
        return "Full assessment under way"
    if any(a.stage == codes.AssessmentStage.VIABILITY for a in care.assessments):
        return "Viability assessment"
    return "Plan agreed, no assessment yet"


# Reading the parts -------------------------------------------------------------------------


def _grouped(rows: Iterable[Any], key: Callable[[Any], int]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[key(row)].append(row)
    return grouped


def _last_two_reviews(ids: Any, on: dt.date) -> QuerySet[Review]:
    """Each child's last two reviews on or before `on`: all the review rules need (see
    care.reviews), and a fifth of the reviews a national tracker would otherwise read."""
    latest_first = Window(RowNumber(), partition_by=F("child_id"), order_by=F("review_date").desc())
    return (
        Review.objects.filter(child_id__in=ids, review_date__lte=on)
        .annotate(recency=latest_first)
        .filter(recency__lte=2)
    )


def children_of(pks: list[int]) -> list[ChildRow]:
    """The children with these pks, in the order given."""
    found = {
        row.pk: row
        for row in map(child_row, plain(Child.objects.filter(pk__in=pk_set(pks)), *CHILD_FIELDS))
    }
    return [found[pk] for pk in pks if pk in found]


def fetch_parts(ids: Any, on: dt.date, *, with_panels: bool = True) -> Parts:
    """Every part of the records of the children whose pks `ids` gives (a subquery), known
    at `on`; with the panel outcomes, meetings and proposals when `with_panels`."""
    links = Proceedings.children.through.objects.filter(child_id__in=ids)
    by_child: dict[int, list[ProceedingsRow]] = defaultdict(list)
    for child_pk, *proceedings in plain(
        links,
        "child_id",
        "proceedings_id",
        "proceedings__application_type",
        "proceedings__issue_date",
        "proceedings__status",
        "proceedings__concluded_date",
        "proceedings__extended_to",
    ):
        by_child[child_pk].append(ProceedingsRow(*proceedings))
    hearings = Hearing.objects.filter(proceedings_id__in=links.values("proceedings_id"))
    review_rows = plain(_last_two_reviews(ids, on), "child_id", "review_date", "earlier_not_known")
    latest_only: dict[int, set[dt.date]] = defaultdict(set)
    for child_pk, day, earlier_not_known in review_rows:
        if earlier_not_known:
            latest_only[child_pk].add(day)
    parts = Parts(
        episodes=_grouped(
            map(
                lambda values: EpisodeRow(*values),
                plain(
                    Episode.objects.filter(child_id__in=ids, start_date__lte=on).order_by(
                        "start_date"
                    ),
                    "child_id",
                    "start_date",
                    "end_date",
                    "reason_ceased",
                    "legal_status",
                    "placement_type",
                ),
            ),
            lambda e: e.child_id,
        ),
        reviews={
            pk: [r[1] for r in rows] for pk, rows in _grouped(review_rows, lambda r: r[0]).items()
        },
        plans=_grouped(
            map(
                lambda values: PlanRow(*values),
                plain(
                    PermanencePlan.objects.filter(plans.known_by_q(on), child_id__in=ids).order_by(
                        "id"
                    ),
                    "child_id",
                    "plan",
                    "parallel_plan",
                    "agreed_date",
                    "recorded_at",
                    "carer_id",
                    "carer_name",
                ),
            ),
            lambda p: p.child_id,
        ),
        proceedings=dict(by_child),
        hearings=_grouped(
            map(
                lambda values: HearingRow(*values),
                plain(
                    hearings.order_by("hearing_date"),
                    "proceedings_id",
                    "hearing_date",
                    "hearing_type",
                ),
            ),
            lambda h: h.proceedings_id,
        ),
        assessments=_grouped(
            map(
                lambda values: AssessmentRow(*values),
                plain(
                    SGOAssessment.objects.filter(child_id__in=ids).order_by("start_date", "id"),
                    "child_id",
                    "stage",
                    "start_date",
                    "completed_date",
                    "recommendation",
                    "carer_id",
                    "carer_name",
                ),
            ),
            lambda a: a.child_id,
        ),
        support_plans={
            pk: [agreed for _, agreed in pairs]
            for pk, pairs in _grouped(
                plain(SGOSupportPlan.objects.filter(child_id__in=ids), "child_id", "agreed_date"),
                lambda pair: pair[0],
            ).items()
        },
        previous={
            pk: [(code, when) for _, code, when in rows]
            for pk, rows in _grouped(
                plain(
                    PreviousPermanenceRecord.objects.filter(child_id__in=ids),
                    "child_id",
                    "previous_permanence",
                    "date_of_permanence",
                ),
                lambda row: row[0],
            ).items()
        },
        latest_only_reviews=dict(latest_only),
    )
    if with_panels:
        parts.panels = _panels(ids, on)
        parts.proposals = _proposals(ids, on)
    return parts


def _moment(on: dt.date) -> dt.datetime:
    """The end of the day `on`, or now if that is later than now: what was known at `on`."""
    from django.utils import timezone

    end = timezone.make_aware(dt.datetime.combine(on, dt.time.max))
    return min(end, clock.now())


def _panels(ids: Any, on: dt.date) -> dict[int, tuple[Any, Any]]:
    from assure.panels.selectors import panel_standing_for_children

    return panel_standing_for_children(ids, on)


def _proposals(ids: Any, on: dt.date) -> dict[int, str]:
    """The submitted proposals of each child, by the sign-off's one standing rule."""
    from assure.decisions.models import Proposal, Status
    from assure.decisions.selectors import proposal_standings

    submitted = list(
        # Waiting now, and already submitted at `on`: one raised later was unknown then.
        Proposal.objects.filter(
            child_id__in=ids, status=Status.SUBMITTED, submitted_at__lte=_moment(on)
        )
        .select_related("scheme__decision_type")
        .prefetch_related("decisions")
        .order_by("id")
    )
    texts: dict[int, list[str]] = defaultdict(list)
    for standing in proposal_standings(submitted, on=_moment(on)).values():
        texts[standing.proposal.child_id].append(standing.summary)
    return {pk: "; ".join(found) for pk, found in texts.items()}


# Building a row ----------------------------------------------------------------------------


def care_facts(child: ChildRow, parts: Parts, on: dt.date) -> CareFacts:
    return history.facts_at(
        on=on,
        date_of_birth=child.date_of_birth,
        episodes=parts.episodes.get(child.pk, []),
        review_dates=parts.reviews.get(child.pk, []),
        plan_history=parts.plans.get(child.pk, []),
        proceedings_list=parts.proceedings.get(child.pk, []),
        hearings_of=parts.hearings,
        assessments=parts.assessments.get(child.pk, []),
        support_plan_dates=parts.support_plans.get(child.pk, []),
        previous_permanence=parts.previous.get(child.pk, []),
        latest_only_reviews=parts.latest_only_reviews.get(child.pk, ()),
    )


def last_update(
    *,
    care: CareFacts,
    updated_at: dt.datetime | None,
    plans: Iterable[Any],
    episodes: Iterable[Any],
    reviews: Iterable[dt.date],
    assessments: Iterable[Any],
    support_plan_dates: Iterable[dt.date | None],
) -> dt.date | None:
    """The latest date, on or before the facts' date, at which anything about the child was
    recorded or happened. Timestamps after the date are unknown at it and left out."""
    dates: list[dt.date | None] = [updated_at.date() if updated_at else None]
    for plan in plans:
        dates += [plan.recorded_at.date(), plan.agreed_date]
    for episode in episodes:
        dates += [episode.start_date, episode.end_date]
    dates += list(reviews)
    for proc in care.open_proceedings:
        dates += [proc.issue_date, proc.concluded_date]
    dates += [h.hearing_date for h in care.hearings]
    for assessment in assessments:
        dates += [assessment.start_date, assessment.completed_date]
    dates += list(support_plan_dates)
    known = [d for d in dates if d is not None and d <= care.on]
    return max(known, default=None)


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def build_row(
    child: ChildRow, parts: Parts, on: dt.date, thresholds: rules.Thresholds
) -> Row | None:
    """The child's row at `on`, or None when they are not on the tracker then."""
    care = care_facts(child, parts, on)
    if care.standing is None:
        return None
    updated = last_update(
        care=care,
        updated_at=child.updated_at,
        plans=parts.plans.get(child.pk, []),
        episodes=parts.episodes.get(child.pk, []),
        reviews=parts.reviews.get(child.pk, []),
        assessments=parts.assessments.get(child.pk, []),
        support_plan_dates=parts.support_plans.get(child.pk, []),
    )
    flags = rules.evaluate(rules.Facts(care, updated), thresholds)
    outcome, meeting = parts.panels.get(child.pk, (None, None))
    return Row(
        child=child,
        on=on,
        care=care,
        flags=flags,
        rag=rules.rag_of(flags),
        panel_outcome=(
            f"{outcome.item.meeting.panel.name}, {_day(outcome.item.meeting.date)}: "
            f"{outcome.get_recommendation_display()}"
            if outcome
            else None
        ),
        next_panel=f"{meeting.panel.name}, {_day(meeting.date)}" if meeting else None,
        proposal=parts.proposals.get(child.pk),
    )


def build_rows(
    children: list[ChildRow],
    on: dt.date,
    thresholds: rules.Thresholds,
    *,
    with_panels: bool = True,
) -> list[Row]:
    """Rows for these children in the order given (those not on the tracker left out)."""
    if not children:
        return []
    parts = fetch_parts(pk_set([c.pk for c in children]), on, with_panels=with_panels)
    rows = (build_row(child, parts, on, thresholds) for child in children)
    return [row for row in rows if row is not None]
