"""Reads for the tracker: who is on it at a date, and one computed row per child.

A fixed number of queries whatever the number of children (ARCHITECTURE rule 8): the rule
set, one query for the members (the access policy and the membership test in SQL), then one
query per part of the record, each selecting its rows with the members query as a subquery
(never a list of ids, which would not scale to a country's worth of children). Rows are then
computed, filtered, sorted and counted in Python, because most filters depend on the flags.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import (
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber

from assure.children import codes
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
from assure.core import access, clock
from assure.core.gc_pause import gc_paused

from . import rules
from .models import RuleSet

AGE_BANDS = [
    ("under_1", "Under 1", 0, 0),
    ("1_4", "1 to 4", 1, 4),
    ("5_9", "5 to 9", 5, 9),
    ("10_15", "10 to 15", 10, 15),
    ("16_plus", "16 and over", 16, 200),
]


def current_rule_set() -> RuleSet:
    """The latest version of the rules (the data migration ships version 1)."""
    rule_set = RuleSet.objects.order_by("-version").first()
    if rule_set is None:  # only if someone deleted every version: fall back to the law
        return RuleSet(version=0, **vars(rules.Thresholds()))
    return rule_set


def membership_q(on: dt.date) -> Q:
    """The tracker's membership at a date, as a filter over Child; the same test as
    `rules.standing_on`, which the tests hold it to."""
    open_on = Episode.objects.filter(child=OuterRef("pk"), start_date__lte=on).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=on)
    )
    left_in_year = Episode.objects.filter(
        child=OuterRef("pk"),
        start_date__lte=on,
        end_date__gt=rules.one_year_before(on),
        end_date__lte=on,
    ).exclude(reason_ceased=rules.CONTINUES)
    return Q(Exists(open_on)) | Q(Exists(left_in_year))


def members_for(
    *,
    user: Any,
    on: dt.date,
    team_id: int | None = None,
    team_name: str = "",
    worker_id: int | None = None,
) -> QuerySet[Child]:
    children = access.visible_children(user).filter(membership_q(on))
    if team_id:
        children = children.filter(team_id=team_id)
    if team_name:
        children = children.filter(team__name=team_name)
    if worker_id:
        children = children.filter(worker_id=worker_id)
    return children


@dataclass
class Row:
    """One child on the tracker at a date."""

    child: ChildRow
    on: dt.date
    age: int | None
    looked_after: bool
    period_start: dt.date
    days_in_care: int
    legal_status: str
    placement_type: str
    plan: PlanRow | None
    plan_stage: str
    proceedings: ProceedingsRow | None
    proceedings_week: int | None
    limit_date: dt.date | None  # the 26-week date
    next_hearing: HearingRow | None
    assessment: AssessmentRow | None
    last_review: dt.date | None
    next_review: rules.ReviewDue | None
    panel_outcome: str | None  # the latest panel or gateway outcome on or before the date
    next_panel: str | None  # the next panel meeting with this child on its agenda
    proposal: str | None  # open proposals: decision, state and whose step
    ceased_date: dt.date | None
    reason_ceased: str
    flags: list[rules.Flag] = field(default_factory=list)
    rag: str = rules.GREEN

    @property
    def plan_value(self) -> str | None:
        return self.plan.plan if self.plan else None

    @property
    def age_band(self) -> str:
        return next((key for key, _, low, high in AGE_BANDS if low <= (self.age or 0) <= high), "")

    @property
    def flag_codes(self) -> set[str]:
        return {f.code for f in self.flags}


@dataclass(frozen=True, slots=True)
class EpisodeRow:
    """The fields of an episode the tracker uses: fetched as plain values, because building
    thousands of model instances is most of the cost of a large tracker."""

    child_id: int
    start_date: dt.date
    end_date: dt.date | None
    reason_ceased: str
    legal_status: str
    placement_type: str


EPISODE_FIELDS = (
    "child_id",
    "start_date",
    "end_date",
    "reason_ceased",
    "legal_status",
    "placement_type",
)

# The other parts of a record are fetched as plain values too, into these light records with
# the attribute names of the models (and the `get_..._display` the templates use), so that
# pages, exports and the API read them as they would the models. Profiling a 20,000-child
# tracker showed building model instances was over half its time.


@dataclass(frozen=True, slots=True)
class Named:
    name: str


@dataclass(frozen=True, slots=True)
class ChildRow:
    pk: int
    child_id: str
    first_name: str
    last_name: str
    date_of_birth: dt.date | None
    updated_at: dt.datetime | None
    team: Named | None
    worker: Named | None

    @property
    def display_name(self) -> str:
        name = f"{self.first_name} {self.last_name}".strip()
        return name or f"Child {self.child_id}"


CHILD_FIELDS = (
    "pk",
    "child_id",
    "first_name",
    "last_name",
    "date_of_birth",
    "updated_at",
    "team__name",
    "worker__name",
)


def _child_row(values: tuple[Any, ...]) -> ChildRow:
    *own, team, worker = values
    return ChildRow(
        *own, team=Named(team) if team else None, worker=Named(worker) if worker else None
    )


_PLAN_LABELS = dict(codes.PermanencePlanType.choices)
_HEARING_LABELS = dict(codes.HearingType.choices)
_STAGE_LABELS = dict(codes.AssessmentStage.choices)


@dataclass(frozen=True, slots=True)
class PlanRow:
    child_id: int
    plan: str
    parallel_plan: str
    agreed_date: dt.date
    recorded_at: dt.datetime

    def get_plan_display(self) -> str:
        return _PLAN_LABELS.get(self.plan, self.plan)

    def get_parallel_plan_display(self) -> str:
        return _PLAN_LABELS.get(self.parallel_plan, self.parallel_plan)


@dataclass(frozen=True, slots=True)
class ProceedingsRow:
    pk: int
    issue_date: dt.date | None
    status: str
    concluded_date: dt.date | None


@dataclass(frozen=True, slots=True)
class HearingRow:
    proceedings_id: int
    hearing_date: dt.date
    hearing_type: str

    def get_hearing_type_display(self) -> str:
        return _HEARING_LABELS.get(self.hearing_type, self.hearing_type)


@dataclass(frozen=True, slots=True)
class AssessmentRow:
    child_id: int
    stage: str
    start_date: dt.date | None
    completed_date: dt.date | None

    def get_stage_display(self) -> str:
        return _STAGE_LABELS.get(self.stage, self.stage)


@dataclass
class Parts:
    """The parts of each member's record, grouped by child pk."""

    episodes: dict[int, list[EpisodeRow]]
    reviews: dict[int, list[dt.date]]
    plans: dict[int, list[PlanRow]]
    proceedings: dict[int, list[ProceedingsRow]]
    hearings: dict[int, list[HearingRow]]
    assessments: dict[int, list[AssessmentRow]]
    support_plans: dict[int, list[dt.date]]
    previous: dict[int, set[str]]
    panel_outcomes: dict[int, str]
    next_panels: dict[int, str]
    proposals: dict[int, str]


def _plain(queryset: QuerySet, *fields: str) -> list[tuple[Any, ...]]:
    """`queryset.values_list(*fields)`, read straight from the cursor. Django's row machinery
    cost the tracker as much again as the database itself at national scale. The drivers
    give dates as dates already; only SQLite's timestamps need making aware (they are stored
    in UTC), and only when the row has one."""
    values = queryset.values_list(*fields)
    sql, params = values.query.sql_with_params()
    timestamps = _timestamp_columns(queryset.model, fields) if connection.vendor == "sqlite" else []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not timestamps:
        return rows
    converted = []
    for row in rows:
        cells = list(row)
        for index in timestamps:
            if cells[index] is not None:
                cells[index] = _utc_timestamp(cells[index])
        converted.append(tuple(cells))
    return converted


def _utc_timestamp(value: Any) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _timestamp_columns(model: Any, fields: Sequence[str]) -> list[int]:
    """The indexes of the timestamp columns among `fields` (paths such as "team__name")."""
    found = []
    for index, path in enumerate(fields):
        field, current = None, model
        for part in path.split("__"):
            field = current._meta.pk if part == "pk" else current._meta.get_field(part)
            current = field.related_model or current
        if isinstance(field, DateTimeField):
            found.append(index)
    return found


def _pk_set(pks: list[int]) -> RawSQL:
    """A batch's pks as one bound parameter (a JSON or array value) rather than one per pk:
    binding a 2,000-item list item by item was a fifth of a large export's time."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::integer[])", (pks,))
    return RawSQL("SELECT value FROM json_each(%s)", (json.dumps(pks),))


def _grouped(rows: Iterable[Any], key: Callable[[Any], int]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[key(row)].append(row)
    return grouped


def _is_open(proceedings: ProceedingsRow, on: dt.date) -> bool:
    if proceedings.issue_date is None or proceedings.issue_date > on:
        return False
    if proceedings.status == codes.ProceedingsStatus.OPEN:
        return True
    return proceedings.concluded_date is not None and proceedings.concluded_date > on


def _last_two_reviews(ids: Any, on: dt.date) -> QuerySet[Review]:
    """Each member's last two reviews on or before `on`: all the review rules need (none,
    one or more in the period of care decide the next due date, from the first or the
    last), and a fifth of the reviews a national tracker would otherwise read."""
    latest_first = Window(RowNumber(), partition_by=F("child_id"), order_by=F("review_date").desc())
    return (
        Review.objects.filter(child_id__in=ids, review_date__lte=on)
        .annotate(recency=latest_first)
        .filter(recency__lte=2)
    )


def _fetch_parts(ids: Any, on: dt.date) -> Parts:
    """Every part of the members' records known at `on`; `ids` is a subquery of the members'
    pks (for a whole tracker) or of one batch of them (for a streamed export)."""
    links = Proceedings.children.through.objects.filter(
        child_id__in=ids, proceedings__issue_date__lte=on
    )
    by_child: dict[int, list[ProceedingsRow]] = defaultdict(list)
    for child_pk, *proceedings in _plain(
        links,
        "child_id",
        "proceedings_id",
        "proceedings__issue_date",
        "proceedings__status",
        "proceedings__concluded_date",
    ):
        by_child[child_pk].append(ProceedingsRow(*proceedings))
    hearings = Hearing.objects.filter(proceedings_id__in=links.values("proceedings_id"))
    plans = PermanencePlan.objects.filter(child_id__in=ids, agreed_date__lte=on)
    assessments = SGOAssessment.objects.filter(child_id__in=ids, start_date__lte=on)
    support_plans = SGOSupportPlan.objects.filter(child_id__in=ids, agreed_date__lte=on)
    previous = PreviousPermanenceRecord.objects.filter(child_id__in=ids)
    return Parts(
        episodes=_grouped(
            (
                EpisodeRow(*values)
                for values in _plain(
                    Episode.objects.filter(child_id__in=ids, start_date__lte=on).order_by(
                        "start_date"
                    ),
                    *EPISODE_FIELDS,
                )
            ),
            lambda e: e.child_id,
        ),
        reviews=_grouped(
            _plain(_last_two_reviews(ids, on), "child_id", "review_date"), lambda r: r[0]
        ),
        plans=_grouped(
            (
                PlanRow(*values)
                for values in _plain(
                    plans.order_by("agreed_date", "id"),
                    "child_id",
                    "plan",
                    "parallel_plan",
                    "agreed_date",
                    "recorded_at",
                )
            ),
            lambda p: p.child_id,
        ),
        proceedings={
            pk: [p for p in proceedings if _is_open(p, on)] for pk, proceedings in by_child.items()
        },
        hearings=_grouped(
            (
                HearingRow(*values)
                for values in _plain(
                    hearings.order_by("hearing_date"),
                    "proceedings_id",
                    "hearing_date",
                    "hearing_type",
                )
            ),
            lambda h: h.proceedings_id,
        ),
        assessments=_grouped(
            (
                AssessmentRow(*values)
                for values in _plain(
                    assessments.order_by("start_date", "id"),
                    "child_id",
                    "stage",
                    "start_date",
                    "completed_date",
                )
            ),
            lambda a: a.child_id,
        ),
        support_plans={
            pk: [agreed for _, agreed in pairs]
            for pk, pairs in _grouped(
                _plain(support_plans, "child_id", "agreed_date"), lambda pair: pair[0]
            ).items()
        },
        previous={
            pk: {code for _, code in pairs}
            for pk, pairs in _grouped(
                _plain(previous, "child_id", "previous_permanence"), lambda pair: pair[0]
            ).items()
        },
        **_panels_and_proposals(ids, on),
    )


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def _moment(on: dt.date) -> dt.datetime:
    """The end of the day `on`, or now if that is later than now: what was known at `on`."""
    from django.utils import timezone

    end = timezone.make_aware(dt.datetime.combine(on, dt.time.max))
    return min(end, clock.now())


def _panels_and_proposals(ids: Any, on: dt.date) -> dict[str, dict[int, str]]:
    """The latest panel outcome, the next panel date and the open proposals of each member
    (with the gates still unmet at the last step), in a fixed number of queries whatever
    their number, so the tracker stays aligned with the panels and the sign-off."""
    from assure.decisions import services as decisions
    from assure.decisions.gates import unmet_gates_for
    from assure.decisions.models import Proposal, Status
    from assure.panels.models import AgendaItem, Outcome

    outcomes = (
        Outcome.objects.filter(is_current=True, item__child_id__in=ids, item__meeting__date__lte=on)
        .select_related("item__meeting__panel")
        .order_by("item__meeting__date", "recorded_at", "id")
    )
    latest = {
        o.item.child_id: (
            f"{o.item.meeting.panel.name}, {_day(o.item.meeting.date)}: "
            f"{o.get_recommendation_display()}"
        )
        for o in outcomes
    }
    upcoming: dict[int, str] = {}
    for item in (
        AgendaItem.objects.filter(child_id__in=ids, meeting__date__gt=on)
        .select_related("meeting__panel")
        .order_by("-meeting__date", "-id")
    ):
        upcoming[item.child_id] = f"{item.meeting.panel.name}, {_day(item.meeting.date)}"
    proposals: dict[int, list[str]] = defaultdict(list)
    submitted = list(
        # Waiting now, and already submitted at `on`: one raised later was unknown then.
        Proposal.objects.filter(
            child_id__in=ids, status=Status.SUBMITTED, submitted_at__lte=_moment(on)
        )
        .select_related("scheme__decision_type")
        .prefetch_related("decisions")
        .order_by("id")
    )
    steps = {p.pk: decisions.next_step(p) for p in submitted}
    at_last = [p for p in submitted if steps[p.pk] and steps[p.pk][0] == len(p.scheme.chain) - 1]
    unmet = unmet_gates_for(at_last, on=_moment(on))
    for proposal in submitted:
        step = steps[proposal.pk]
        waiting = f", waiting for the {step[1].replace('_', ' ')}" if step else ""
        gates = unmet.get(proposal.pk)
        gated = f" (gates unmet: {', '.join(gates)})" if gates else ""
        status = proposal.get_status_display().lower()
        proposals[proposal.child_id].append(
            f"{proposal.scheme.decision_type.name}: {status}{waiting}{gated}"
        )
    return {
        "panel_outcomes": latest,
        "next_panels": upcoming,
        "proposals": {pk: "; ".join(texts) for pk, texts in proposals.items()},
    }


def _plan_stage(
    plan: PlanRow | None,
    assessments: list[AssessmentRow],
    final: HearingRow | None,
    on: dt.date,
) -> str:
    if plan is None:
        return ""
    if plan.plan != codes.PermanencePlanType.SGO:
        return "Plan agreed"
    if final is not None:
        return f"Final hearing {rules.fmt(final.hearing_date)}"
    full = [a for a in assessments if a.stage == codes.AssessmentStage.FULL]
    if any(a.completed_date and a.completed_date <= on for a in full):
        return "Full assessment completed"
    if full:
        return "Full assessment under way"
    if assessments:
        return "Viability assessment"
    return "Plan agreed, no assessment yet"


def _last_update(
    child: ChildRow, parts: Parts, on: dt.date, hearings: list[HearingRow]
) -> dt.date | None:
    """The latest date, on or before `on`, at which anything about the child was recorded
    or happened. Timestamps after `on` are unknown at `on` and left out."""
    pk = child.pk
    dates: list[dt.date | None] = [child.updated_at.date() if child.updated_at else None]
    for plan in parts.plans.get(pk, []):
        dates += [plan.recorded_at.date(), plan.agreed_date]
    for episode in parts.episodes.get(pk, []):
        dates += [episode.start_date, episode.end_date]
    dates += [r[1] for r in parts.reviews.get(pk, [])]
    for proc in parts.proceedings.get(pk, []):
        dates += [proc.issue_date, proc.concluded_date]
    dates += [h.hearing_date for h in hearings]
    for assessment in parts.assessments.get(pk, []):
        dates += [assessment.start_date, assessment.completed_date]
    dates += parts.support_plans.get(pk, [])
    known = [d for d in dates if d is not None and d <= on]
    return max(known, default=None)


def build_row(
    child: ChildRow, parts: Parts, on: dt.date, thresholds: rules.Thresholds
) -> Row | None:
    standing = rules.standing_on(parts.episodes.get(child.pk, []), on)
    if standing is None:  # cannot happen for a member; kept so a stray row never breaks a page
        return None
    open_proceedings = sorted(parts.proceedings.get(child.pk, []), key=lambda p: p.issue_date)
    hearings = [h for p in open_proceedings for h in parts.hearings.get(p.pk, [])]
    upcoming = sorted((h for h in hearings if h.hearing_date >= on), key=lambda h: h.hearing_date)
    final = next((h for h in upcoming if h.hearing_type == codes.HearingType.FINAL), None)
    plans = parts.plans.get(child.pk, [])
    plan = plans[-1] if plans else None
    assessments = parts.assessments.get(child.pk, [])
    reviews = sorted(r[1] for r in parts.reviews.get(child.pk, []) if r[1] >= standing.period_start)
    first = open_proceedings[0] if open_proceedings else None
    facts = rules.Facts(
        on=on,
        looked_after=standing.looked_after,
        period_start=standing.period_start,
        plan=plan.plan if plan else None,
        proceedings_issued=first.issue_date if first else None,
        final_hearing=final.hearing_date if final else None,
        full_assessment_started=any(a.stage == codes.AssessmentStage.FULL for a in assessments),
        support_plan_agreed=bool(parts.support_plans.get(child.pk)),
        reviews=reviews,
        previous_permanence=parts.previous.get(child.pk, set()),
        last_update=_last_update(child, parts, on, hearings),
    )
    flags = rules.evaluate(facts, thresholds)
    end = standing.ceased_date or on
    return Row(
        child=child,
        on=on,
        age=rules.age_on(child.date_of_birth, on),
        looked_after=standing.looked_after,
        period_start=standing.period_start,
        days_in_care=(end - standing.period_start).days,
        legal_status=standing.episode.legal_status,
        placement_type=standing.episode.placement_type,
        plan=plan,
        plan_stage=_plan_stage(plan, assessments, final, on),
        proceedings=first,
        proceedings_week=rules.proceedings_week(first.issue_date, on) if first else None,
        limit_date=(
            first.issue_date + dt.timedelta(days=thresholds.plo_overdue_days) if first else None
        ),
        next_hearing=upcoming[0] if upcoming else None,
        assessment=assessments[-1] if assessments else None,
        last_review=reviews[-1] if reviews else None,
        next_review=(
            rules.next_review_due(standing.period_start, reviews) if standing.looked_after else None
        ),
        panel_outcome=parts.panel_outcomes.get(child.pk),
        next_panel=parts.next_panels.get(child.pk),
        proposal=parts.proposals.get(child.pk),
        ceased_date=standing.ceased_date,
        reason_ceased=standing.reason_ceased,
        flags=flags,
        rag=rules.rag_of(flags),
    )


@gc_paused()
def tracker_rows(
    *,
    user: Any,
    on: dt.date | None = None,
    team_id: int | None = None,
    team_name: str = "",
    worker_id: int | None = None,
    rule_set: RuleSet | None = None,
    row_filter: RowFilter | None = None,
) -> list[Row]:
    """Every row the user may see on the tracker at `on` (today by the clock), in child ID
    order; with `row_filter`, only the rows it matches (narrowed in the database first where
    the filter allows, so a filtered page computes only the children it could show)."""
    on = on or clock.today()
    thresholds = rules.Thresholds.of(rule_set or current_rule_set())
    members = members_for(
        user=user, on=on, team_id=team_id, team_name=team_name, worker_id=worker_id
    )
    if row_filter is not None:
        members = row_filter.narrow(members, on)
    children = [
        _child_row(values) for values in _plain(members.order_by("child_id"), *CHILD_FIELDS)
    ]
    if not children:
        return []
    keep = row_filter.matches if row_filter is not None else bool
    parts = _fetch_parts(_pk_set([c.pk for c in children]), on)
    rows = (build_row(child, parts, on, thresholds) for child in children)
    return [row for row in rows if row is not None and keep(row)]


def iter_tracker_rows(
    *,
    user: Any,
    on: dt.date | None = None,
    team_id: int | None = None,
    worker_id: int | None = None,
    row_filter: RowFilter | None = None,
    batch_size: int = 2000,
) -> Iterator[list[Row]]:
    """The same rows as `tracker_rows`, in child ID order, a batch at a time, so that an
    export of a whole country's children holds one batch in memory rather than every row.
    Each batch costs the same fixed number of queries."""
    on = on or clock.today()
    thresholds = rules.Thresholds.of(current_rule_set())
    members = members_for(user=user, on=on, team_id=team_id, worker_id=worker_id)
    if row_filter is not None:
        members = row_filter.narrow(members, on)
    keep = row_filter.matches if row_filter is not None else bool
    after = ""
    while True:
        with gc_paused():
            children = [
                _child_row(values)
                for values in _plain(
                    members.filter(child_id__gt=after).order_by("child_id")[:batch_size],
                    *CHILD_FIELDS,
                )
            ]
            if not children:
                return
            parts = _fetch_parts(_pk_set([c.pk for c in children]), on)
            rows = (build_row(child, parts, on, thresholds) for child in children)
            batch = [row for row in rows if row is not None and keep(row)]
        yield batch
        if len(children) < batch_size:
            return
        after = children[-1].child_id


# Filtering, sorting and counting the computed rows -----------------------------------------


@dataclass
class RowFilter:
    plan: str = ""  # a plan value, or "none"
    legal_status: str = ""
    rag: str = ""
    flag: str = ""
    looked_after: bool | None = None
    age_band: str = ""
    open_proceedings: bool | None = None

    def narrow(self, members: QuerySet[Child], on: dt.date) -> QuerySet[Child]:
        """The members this filter could match, narrowed in the database by the filters that
        need no flags (plan, in care or left, open proceedings, age band). Never narrower
        than `matches`, which still decides each row: the SQL only saves computing rows
        that cannot match."""
        if self.plan:
            plan = Subquery(
                PermanencePlan.objects.filter(child=OuterRef("pk"), agreed_date__lte=on)
                .order_by("-agreed_date", "-id")
                .values("plan")[:1]
            )
            members = members.annotate(tracker_plan=plan)
            if self.plan == "none":
                members = members.filter(tracker_plan__isnull=True)
            else:
                members = members.filter(tracker_plan=self.plan)
        if self.looked_after is not None:
            open_on = Episode.objects.filter(child=OuterRef("pk"), start_date__lte=on).filter(
                Q(end_date__isnull=True) | Q(end_date__gt=on)
            )
            members = members.filter(Exists(open_on) if self.looked_after else ~Exists(open_on))
        if self.open_proceedings is not None:
            open_proceedings = Proceedings.objects.filter(
                children=OuterRef("pk"), issue_date__lte=on
            ).filter(Q(status=codes.ProceedingsStatus.OPEN) | Q(concluded_date__gt=on))
            members = members.filter(
                Exists(open_proceedings) if self.open_proceedings else ~Exists(open_proceedings)
            )
        if self.age_band:
            members = members.filter(_born_for_band(self.age_band, on))
        return members

    def matches(self, row: Row) -> bool:
        checks = (
            not self.plan or (row.plan_value or "none") == self.plan,
            not self.legal_status or row.legal_status == self.legal_status,
            not self.rag or row.rag == self.rag,
            not self.flag or self.flag in row.flag_codes,
            self.looked_after is None or row.looked_after == self.looked_after,
            not self.age_band or (row.age is not None and row.age_band == self.age_band),
            self.open_proceedings is None or (row.proceedings is not None) == self.open_proceedings,
        )
        return all(checks)


def _born_for_band(band: str, on: dt.date) -> Q:
    """Dates of birth that could give an age in the band at `on`, a day wider at each end
    (29 February); children with no date of birth are never in a band."""
    low, high = next((lo, hi) for key, _, lo, hi in AGE_BANDS if key == band)
    latest = rules.add_months(on, -12 * low) + dt.timedelta(days=1)
    earliest = rules.add_months(on, -12 * (high + 1)) - dt.timedelta(days=1)
    return Q(date_of_birth__lte=latest, date_of_birth__gte=earliest)


def filter_rows(rows: list[Row], row_filter: RowFilter) -> list[Row]:
    return [row for row in rows if row_filter.matches(row)]


SORT_KEYS: dict[str, Callable[[Row], Any]] = {
    "child_id": lambda r: r.child.child_id,
    "name": lambda r: (r.child.last_name.lower(), r.child.first_name.lower()),
    "age": lambda r: r.age,
    "team": lambda r: r.child.team.name if r.child.team else None,
    "period_start": lambda r: r.period_start,
    "legal_status": lambda r: r.legal_status or None,
    "plan": lambda r: r.plan_value,
    "proceedings_week": lambda r: r.proceedings_week,
    "next_hearing": lambda r: r.next_hearing.hearing_date if r.next_hearing else None,
    "next_review": lambda r: r.next_review.due if r.next_review else None,
    "ceased_date": lambda r: r.ceased_date,
    "rag": lambda r: rules.SEVERITY[r.rag],
}


def sort_rows(rows: list[Row], *, sort: str, descending: bool = False) -> list[Row]:
    """Sorted by a column, blanks always last, then by child ID."""
    key = SORT_KEYS.get(sort, SORT_KEYS["child_id"])
    by_id = sorted(rows, key=lambda r: r.child.child_id)
    present = [r for r in by_id if key(r) is not None]
    blank = [r for r in by_id if key(r) is None]
    return sorted(present, key=key, reverse=descending) + blank


def counts_of(rows: list[Row]) -> dict[str, Any]:
    """The counts at the top of the page: by RAG and by plan."""
    rag = Counter(r.rag for r in rows)
    plans = Counter(r.plan_value or "none" for r in rows)
    labels = dict(codes.PermanencePlanType.choices) | {"none": "No plan"}
    return {
        "total": len(rows),
        "looked_after": sum(r.looked_after for r in rows),
        "left_care": sum(not r.looked_after for r in rows),
        "rag": [(level, rag.get(level, 0)) for level in (rules.RED, rules.AMBER, rules.GREEN)],
        "plans": [(value, labels.get(value, value), n) for value, n in plans.most_common()],
    }
