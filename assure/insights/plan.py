"""Reads of recommendations and the response plan: lists, the overdue view and the progress
report. No child data lives here, so everyone who may see insights sees the same plan."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from assure.core import clock

from .models import ActionStatus, PlanAction, ProgressUpdate, Recommendation, WorkStream


def recommendation_list() -> QuerySet[Recommendation]:
    return Recommendation.objects.select_related("decided_by", "created_by").annotate(
        evidence_count=Count("evidence", distinct=True),
        finding_count=Count("findings", distinct=True),
        action_count=Count("actions", distinct=True),
    )


def overdue_actions(on: dt.date | None = None) -> QuerySet[PlanAction]:
    on = on or clock.today()
    return PlanAction.objects.filter(due_date__lt=on).exclude(status=ActionStatus.COMPLETE)


def is_overdue(action: PlanAction, on: dt.date) -> bool:
    return action.due_date < on and action.status != ActionStatus.COMPLETE


def plan_streams(*, overdue_only: bool = False) -> list[WorkStream]:
    """Work streams with their actions and each action's updates, in three queries."""
    actions = PlanAction.objects.select_related("recommendation").prefetch_related(
        Prefetch("updates", queryset=ProgressUpdate.objects.order_by("-date", "-id"))
    )
    if overdue_only:
        actions = actions.filter(pk__in=overdue_actions().values("pk"))
    return list(WorkStream.objects.prefetch_related(Prefetch("actions", queryset=actions)))


@dataclass
class StreamProgress:
    name: str
    total: int
    status: Counter
    rag: Counter
    overdue: int


@dataclass
class ProgressReport:
    on: dt.date
    streams: list[StreamProgress]
    overdue: list[PlanAction]
    recommendations: Counter

    @property
    def totals(self) -> dict[str, Any]:
        status: Counter = Counter()
        rag: Counter = Counter()
        for s in self.streams:
            status.update(s.status)
            rag.update(s.rag)
        return {
            "total": sum(s.total for s in self.streams),
            "status": status,
            "rag": rag,
            "overdue": len(self.overdue),
        }


def progress_report(on: dt.date | None = None) -> ProgressReport:
    on = on or clock.today()
    streams = []
    for stream in WorkStream.objects.prefetch_related("actions"):
        actions = list(stream.actions.all())
        streams.append(
            StreamProgress(
                name=stream.name,
                total=len(actions),
                status=Counter(a.status for a in actions),
                rag=Counter(a.rag for a in actions),
                overdue=sum(is_overdue(a, on) for a in actions),
            )
        )
    return ProgressReport(
        on=on,
        streams=streams,
        overdue=list(overdue_actions(on).select_related("work_stream").order_by("due_date")),
        recommendations=Counter(Recommendation.objects.values_list("decision", flat=True)),
    )
