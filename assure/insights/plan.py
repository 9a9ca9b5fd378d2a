"""Reads of recommendations and the response plan: lists, the overdue view and the progress
report. No child data lives here, so everyone who may see insights sees the same plan."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from assure.core import clock

from .evidence import NO_THEME
from .models import ActionStatus, PlanAction, ProgressUpdate, Recommendation, WorkStream


def recommendation_list(*, include_merged: bool = False) -> QuerySet[Recommendation]:
    """Recommendations with their counts. Those merged into another are left out unless
    asked for: they would repeat what the one kept says."""
    found = Recommendation.objects.all()
    if not include_merged:
        found = found.filter(merged_into__isnull=True)
    return found.select_related("decided_by", "created_by").annotate(
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
        recommendations=Counter(
            Recommendation.objects.filter(merged_into__isnull=True).values_list(
                "decision", flat=True
            )
        ),
    )


DUPLICATE_THRESHOLD = 0.8
_NOT_WORDS = re.compile(r"[^a-z0-9]+")


def normalise(text: str) -> str:
    """Lower case, punctuation and runs of spaces made single spaces: "Improve management
    oversight (SGO)." and "improve management oversight - SGO" read the same."""
    return _NOT_WORDS.sub(" ", text.lower()).strip()


def similarity(a: Recommendation, b: Recommendation) -> float:
    """The closer of title to title and title-with-detail to title-with-detail."""
    best = 0.0
    for left, right in (
        (normalise(a.title), normalise(b.title)),
        (normalise(f"{a.title} {a.detail}"), normalise(f"{b.title} {b.detail}")),
    ):
        matcher = SequenceMatcher(None, left, right, autojunk=False)
        if matcher.real_quick_ratio() > best and matcher.quick_ratio() > best:
            best = max(best, matcher.ratio())
    return best


def recommendation_themes(ids: list[int]) -> dict[int, set[str]]:
    """The themes of each recommendation's evidence and findings, in two queries."""
    themes: dict[int, set[str]] = {pk: set() for pk in ids}
    for path in ("evidence__themes__slug", "findings__themes__slug"):
        rows = Recommendation.objects.filter(pk__in=ids, **{f"{path}__isnull": False})
        for pk, slug in rows.values_list("pk", path).order_by():
            themes[pk].add(slug)
    return {pk: found or {NO_THEME} for pk, found in themes.items()}


@dataclass
class DuplicateGroup:
    keep: Recommendation
    duplicates: list[Recommendation]
    score: float  # the lowest similarity that joined the group


def _preferred(group: list[Recommendation]) -> Recommendation:
    """The one to keep: accepted before awaiting before not accepted, then the oldest."""
    order = {"accepted": 0, "proposed": 1, "not_accepted": 2}
    return min(group, key=lambda r: (order.get(r.decision, 3), r.created_at, r.pk))


def likely_duplicates(
    recommendations: list[Recommendation], *, threshold: float = DUPLICATE_THRESHOLD
) -> list[DuplicateGroup]:
    """Recommendations (not merged) that probably say the same thing: text similarity of at
    least `threshold` and at least one theme in common. Pairs join into groups, so three
    sources saying one thing make one group. Three queries whatever the number."""
    candidates = [r for r in recommendations if not r.merged_into_id]
    themes = recommendation_themes([r.pk for r in candidates])
    parent = {r.pk: r.pk for r in candidates}
    scores: dict[int, float] = {}

    def root(pk: int) -> int:
        while parent[pk] != pk:
            pk = parent[pk]
        return pk

    for i, a in enumerate(candidates):
        for b in candidates[i + 1 :]:
            if not themes[a.pk] & themes[b.pk]:
                continue
            score = similarity(a, b)
            if score >= threshold:
                ra, rb = root(a.pk), root(b.pk)
                parent[rb] = ra
                scores[ra] = min(score, scores.get(ra, 1.0), scores.pop(rb, 1.0))
    groups: dict[int, list[Recommendation]] = {}
    for r in candidates:
        groups.setdefault(root(r.pk), []).append(r)
    found = []
    for pk, members in groups.items():
        if len(members) > 1:
            keep = _preferred(members)
            found.append(DuplicateGroup(keep, [m for m in members if m.pk != keep.pk], scores[pk]))
    return sorted(found, key=lambda g: -g.score)
