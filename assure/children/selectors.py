"""Reads of children, always through the access policy (core.access)."""

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from assure.core import access, clock
from assure.people.models import StaffMember, Team

from . import codes
from .care import history, periods, sgo
from .care import plans as plans_rules
from .care.history import CareFacts
from .models import Child, Episode, Hearing, PermanencePlan, Proceedings

SORTS = {
    "child_id": "child_id",
    "name": "last_name",
    "date_of_birth": "date_of_birth",
    "team": "team__name",
    "legal_status": "current_legal_status",
    "period_start": "latest_start",
}


def children_for(
    *,
    user: Any,
    search: str = "",
    team_id: int | None = None,
    worker_id: int | None = None,
    legal_status: str = "",
    placement_type: str = "",
    care_status: str = "",
    sort: str = "child_id",
    descending: bool = False,
) -> QuerySet[Child]:
    """The children list: one annotated query, filtered by the access policy."""
    today = clock.today()
    children = (
        access.visible_children(user)
        .select_related("team", "worker")
        .annotate(
            current_legal_status=periods.current_episode_subquery(today, "legal_status"),
            current_placement_type=periods.current_episode_subquery(today, "placement_type"),
            latest_start=periods.current_episode_subquery(today, "start_date"),
            looked_after=periods.looked_after_exists(today),
        )
    )
    if search:
        term = search.strip()
        children = children.filter(
            Q(child_id__iexact=term)
            | Q(child_id__istartswith=term)
            | Q(first_name__icontains=term)
            | Q(last_name__icontains=term)
        )
    if team_id:
        children = children.filter(team_id=team_id)
    if worker_id:
        children = children.filter(worker_id=worker_id)
    if legal_status:
        children = children.filter(current_legal_status=legal_status)
    if placement_type:
        children = children.filter(current_placement_type=placement_type)
    if care_status == "in_care":
        children = children.filter(looked_after=True)
    elif care_status == "left_care":
        children = children.filter(looked_after=False)
    order = SORTS.get(sort, "child_id")
    return children.order_by(f"-{order}" if descending else order, "child_id")


# A select of more workers than this is no use to anyone (and slow to send); above it the
# worker filter asks for a team first.
MAX_WORKER_CHOICES = 200


def filter_options_for(*, user: Any, team_id: int | None = None) -> dict[str, Any]:
    """Choices for the list's filter: only teams and workers of children the user may see.
    Workers are those of the chosen team when there is one."""
    visible = access.visible_children(user)
    if team_id:
        visible = visible.filter(team_id=team_id)
    workers = list(
        StaffMember.objects.filter(pk__in=visible.values("worker_id")).order_by("name")[
            : MAX_WORKER_CHOICES + 1
        ]
    )
    too_many = len(workers) > MAX_WORKER_CHOICES
    return {
        "teams": list(
            Team.objects.filter(pk__in=access.visible_children(user).values("team_id")).order_by(
                "name"
            )
        ),
        "workers": [] if too_many else workers,
        "workers_need_team": too_many,
        "legal_statuses": codes.LegalStatus.choices,
        "placement_types": codes.PlacementType.choices,
    }


def child_counts_for(*, user: Any) -> dict[str, int]:
    today = clock.today()
    children = access.visible_children(user).annotate(la=periods.looked_after_exists(today))
    totals = children.aggregate(total=Count("pk"), looked_after=Count("pk", filter=Q(la=True)))
    return {"total": totals["total"], "looked_after": totals["looked_after"]}


def child_get_for_user(*, user: Any, child_id: str, via: str, where: str) -> Child:
    """One child, if the user may see them; 404 otherwise, exactly as for a child that does
    not exist. Every successful read is logged (ARCHITECTURE rule 2)."""
    child = (
        access.visible_children(user)
        .select_related("team", "team__service", "worker", "iro")
        .filter(child_id=child_id)
        .first()
    )
    if child is None:
        raise Http404("No child with that ID")
    access.record_access(user=user, child=child, via=via, where=where)
    return child


@dataclass
class TimelineEntry:
    date: dt.date
    kind: str
    title: str
    detail: list[str] = field(default_factory=list)


@dataclass
class PermanenceBefore:
    """What permanence a child had before one period of care (903 PrevPerm), in words."""

    period_start: dt.date
    period_end: dt.date | None
    words: list[str]
    broke_down: bool  # an SGO broke down before this period (P2)


_PARTIAL_DATE = re.compile(r"^(\d{2}|zz)/(\d{2}|zz)/(\d{4})$", re.IGNORECASE)


def date_of_permanence_words(value: str) -> str:
    """DATE_PERM in the house date format: "29 Apr 2024", "Apr 2024" or "2024" when parts are
    not known (zz), "" when the year is not known either or the date is not a real one."""
    match = _PARTIAL_DATE.match((value or "").strip())
    if not match:
        return ""
    day, month, year = match.groups()
    try:
        if day.isdigit() and month.isdigit():
            return f"{int(day)} {dt.date(int(year), int(month), int(day)):%b %Y}"
        if month.isdigit():
            return f"{dt.date(int(year), int(month), 1):%b %Y}"
    except ValueError:
        return ""
    return year


def _permanence_words(code: str, when: str) -> str:
    if code == codes.PreviousPermanence.Z1:
        return "None"
    if code == codes.PreviousPermanence.P4:
        return "Not known"
    known = code in codes.PreviousPermanence.values
    label = codes.PreviousPermanence(code).label if known else code
    shown = date_of_permanence_words(when)
    return f"{label}, {shown}" if shown else f"{label}, date not known"


def _permanence_before(episodes: list[Episode], previous: list[Any]) -> list[PermanenceBefore]:
    """Each period of care with the permanence before it (care.sgo decides which period a
    record belongs to), latest period first."""
    ends = {x.period_start: x.date for x in periods.exits_of(episodes)}
    by_period = sgo.previous_permanence_by_period(
        [(p.previous_permanence, p.date_of_permanence) for p in previous],
        periods.period_starts(episodes),
    )
    return [
        PermanenceBefore(
            period_start=start,
            period_end=ends.get(start),
            words=[_permanence_words(code, when) for code, when in records],
            broke_down=any(code == codes.PreviousPermanence.P2 for code, _ in records),
        )
        for start, records in reversed(by_period.items())
    ]


@dataclass
class ChildRecord:
    child: Child
    episodes: list[Episode]
    reviews: list[Any]
    permanence_before: list[PermanenceBefore]  # by period of care, latest first
    proceedings: list[Proceedings]
    plans: list[PermanencePlan]
    assessments: list[Any]
    support_plans: list[Any]
    facts: CareFacts  # what is true today, by the one set of care-history rules
    timeline: list[TimelineEntry]

    @property
    def looked_after(self) -> bool:
        return self.facts.looked_after

    @property
    def current_episode(self) -> Episode | None:
        """The episode that says where the child stands today (care.periods)."""
        return periods.current_episode(self.episodes, self.facts.on)

    @property
    def current_plan(self) -> PermanencePlan | None:
        return self.facts.plan

    @property
    def exits(self) -> list[periods.Exit]:
        return periods.exits_of(self.episodes)

    @property
    def permanence_before_now(self) -> PermanenceBefore | None:
        """The permanence before the period of care the child stands in today."""
        start = self.facts.period_start
        return next((p for p in self.permanence_before if p.period_start == start), None)


def child_record(*, child: Child) -> ChildRecord:
    """Everything on a child's page, in a fixed number of queries."""
    episodes = list(child.episodes.order_by("start_date"))
    reviews = list(child.reviews.order_by("review_date"))
    previous = list(child.previous_permanence.all())
    proceedings = list(
        child.proceedings.order_by("issue_date").prefetch_related(
            Prefetch("hearings", queryset=Hearing.objects.order_by("hearing_date"))
        )
    )
    # Recording order for the rules (ties on a day go to the later); the page lists them by
    # the day each took effect.
    in_recording_order = list(child.permanence_plans.order_by("id"))
    plans = sorted(in_recording_order, key=lambda p: (plans_rules.in_force_from(p), p.pk))
    assessments = list(child.sgo_assessments.order_by("start_date", "id"))
    support_plans = list(child.sgo_support_plans.order_by("agreed_date", "id"))
    facts = history.facts_at(
        on=clock.today(),
        date_of_birth=child.date_of_birth,
        episodes=episodes,
        review_dates=[r.review_date for r in reviews],
        plan_history=in_recording_order,
        proceedings_list=proceedings,
        hearings_of={p.pk: list(p.hearings.all()) for p in proceedings},
        assessments=assessments,
        support_plan_dates=[s.agreed_date for s in support_plans],
        previous_permanence=[(p.previous_permanence, p.date_of_permanence) for p in previous],
        latest_only_reviews={r.review_date for r in reviews if r.earlier_not_known},
    )
    return ChildRecord(
        child=child,
        episodes=episodes,
        reviews=reviews,
        permanence_before=_permanence_before(episodes, previous),
        proceedings=proceedings,
        plans=plans,
        assessments=assessments,
        support_plans=support_plans,
        facts=facts,
        timeline=_timeline(episodes, reviews, proceedings, plans, assessments, support_plans),
    )


def _timeline(
    episodes, reviews, proceedings, plans, assessments, support_plans
) -> list[TimelineEntry]:  # type: ignore[no-untyped-def]
    """Merge every dated event in the record, newest first."""
    entries: list[TimelineEntry] = []
    previous: Episode | None = None
    for episode in episodes:
        entries.append(_episode_entry(episode, previous, periods.starts_period(episode, episodes)))
        if periods.ends_period(episode):
            entries.append(
                TimelineEntry(
                    episode.end_date,
                    "left_care",
                    "Left care",
                    [
                        codes.describe(codes.ReasonCeased, episode.reason_ceased)
                        or "Reason not recorded"
                    ],
                )
            )
        previous = episode
    for review in reviews:
        entries.append(
            TimelineEntry(
                review.review_date,
                "review",
                "Looked-after review",
                [codes.describe(codes.ReviewCode, review.review_code)]
                if review.review_code
                else [],
            )
        )
    for proc in proceedings:
        if proc.issue_date:
            entries.append(
                TimelineEntry(
                    proc.issue_date,
                    "proceedings",
                    f"Proceedings issued: {proc.get_application_type_display()}",
                    [x for x in (proc.court, proc.case_number and f"Case {proc.case_number}") if x],
                )
            )
        for hearing in proc.hearings.all():
            entries.append(
                TimelineEntry(
                    hearing.hearing_date,
                    "hearing",
                    hearing.get_hearing_type_display(),
                    [x for x in (proc.court, hearing.outcome) if x],
                )
            )
        if proc.concluded_date:
            entries.append(
                TimelineEntry(
                    proc.concluded_date,
                    "proceedings",
                    f"Proceedings {proc.get_status_display().lower()}",
                    [proc.outcome] if proc.outcome else [],
                )
            )
    for plan in plans:
        detail = (
            [f"Parallel plan: {plan.get_parallel_plan_display()}"] if plan.parallel_plan else []
        )
        if plan.agreed_date is None:
            detail.append("Date agreed not known: shown from the day it was recorded")
        entries.append(
            TimelineEntry(
                plans_rules.in_force_from(plan),
                "plan",
                f"Permanence plan: {plan.get_plan_display()}",
                detail + [f"Source: {plan.get_source_display()}"],
            )
        )
    for assessment in assessments:
        if assessment.start_date:
            entries.append(
                TimelineEntry(
                    assessment.start_date,
                    "assessment",
                    f"SGO {assessment.get_stage_display().lower()} started",
                    [f"{assessment.carer_name} ({assessment.get_relationship_display().lower()})"],
                )
            )
        if assessment.completed_date:
            outcome = assessment.get_recommendation_display() or "No recommendation recorded"
            entries.append(
                TimelineEntry(
                    assessment.completed_date,
                    "assessment",
                    f"SGO {assessment.get_stage_display().lower()} completed",
                    [f"{assessment.carer_name}: {outcome}"],
                )
            )
    for support in support_plans:
        if support.agreed_date:
            entries.append(
                TimelineEntry(
                    support.agreed_date,
                    "support_plan",
                    "SGO support plan agreed",
                    [support.summary] if support.summary else [],
                )
            )
    entries.sort(key=lambda e: e.date, reverse=True)
    return entries


def _episode_entry(episode: Episode, previous: Episode | None, starts: bool) -> TimelineEntry:
    rne = episode.reason_new_episode
    if starts or previous is None:
        title = "Started to be looked after"
    elif rne == "L":
        title = "Legal status changed"
    elif rne in {"P", "T"}:
        title = "Placement changed"
    else:
        title = "Legal status and placement changed"
    detail = [
        codes.describe(codes.LegalStatus, episode.legal_status),
        codes.describe(codes.PlacementType, episode.placement_type),
    ]
    if episode.reason_place_change:
        detail.append(
            "Reason for move: "
            + codes.describe(codes.ReasonPlaceChange, episode.reason_place_change)
        )
    return TimelineEntry(episode.start_date, "episode", title, [d for d in detail if d])


def child_history(*, child: Child, limit: int = 100) -> list[dict[str, Any]]:
    """What was done to the record (domain events) and what changed in its fields (field
    history), newest first."""
    from assure.core.models import DomainEvent

    entries: list[dict[str, Any]] = [
        {
            "at": e.at,
            "who": e.actor.display_name if e.actor else "Assure",
            "what": e.summary or e.verb,
        }
        for e in DomainEvent.objects.filter(child=child).select_related("actor")[:limit]
    ]
    records = list(child.history.select_related("history_user").order_by("-history_date")[:limit])
    for newer, older in zip(records, records[1:] + [None], strict=False):
        if older is None:
            what = "Record created"
        else:
            changes = newer.diff_against(older).changes
            if not changes:
                continue
            what = "Changed " + ", ".join(
                f"{c.field.replace('_', ' ')} from “{c.old or 'blank'}” to “{c.new or 'blank'}”"
                for c in changes
            )
        who = newer.history_user.display_name if newer.history_user else "Assure (import or system)"
        entries.append({"at": newer.history_date, "who": who, "what": what})
    entries.sort(key=lambda e: e["at"], reverse=True)
    return entries[:limit]


def access_list_for(*, child: Child) -> list[Any]:
    return list(child.access_grants.select_related("user").order_by("user__username"))
