"""Reads of the evidence: items entered here (or written by a concluded practice review) and
audit findings from assure.audits, as one list of rows filtered by the access policy
(evidence about a child the person may not see is left out, and so is a practice review's
unless they may see every child it covers), with counts, trends and the triangulation matrix
(theme x source)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, Subquery

from assure.audits.models import Finding, OverallGrade, Theme
from assure.core.access import visible_children
from assure.families.models import PracticeReview

from .exits import period_label, period_start
from .models import EvidenceItem, Kind, Source

SOURCE_LABELS = dict(Source.choices)
KIND_LABELS = dict(Kind.choices)
NO_THEME = "(no theme)"
NOT_GRADED = "(not yet graded)"


@dataclass(frozen=True)
class EvidenceRow:
    key: str  # "item-<id>" or "finding-<id>"
    source: str
    date: dt.date
    kind: str
    summary: str
    themes: tuple[str, ...]  # theme slugs
    team: str
    child_id: str
    # For an audit finding, the current overall grade of its audit (label, position on the
    # scale), if it has one; nothing for other evidence.
    grade: str = ""
    grade_position: int | None = None

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS[self.source]

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


@dataclass(frozen=True)
class EvidenceFilter:
    source: str = ""
    theme: str = ""
    kind: str = ""
    team: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def matches(self, row: EvidenceRow) -> bool:
        return (
            (not self.source or row.source == self.source)
            and (
                not self.theme
                or self.theme in row.themes
                or (self.theme == NO_THEME and not row.themes)
            )
            and (not self.kind or row.kind == self.kind)
            and (not self.team or row.team == self.team)
            and (self.date_from is None or row.date >= self.date_from)
            and (self.date_to is None or row.date <= self.date_to)
        )


def evidence_rows(*, user: Any, filters: EvidenceFilter | None = None) -> list[EvidenceRow]:
    """Every piece of evidence this person may see, newest first: four queries whatever the
    number (items and their themes, findings and their themes)."""
    visible = visible_children(user).values("pk")
    # A practice review's evidence only for those who may see every child it covers.
    hidden_review_child = PracticeReview.children.through.objects.filter(
        practicereview_id=OuterRef("practice_review_id")
    ).exclude(child_id__in=visible)
    items = (
        EvidenceItem.objects.filter(Q(child__isnull=True) | Q(child__in=visible))
        .exclude(Exists(hidden_review_child))
        .select_related("team", "child__team")
        .prefetch_related("themes")
    )
    # The audit's current grade comes in the findings' own query (a subquery per column), so
    # the grade counts cost no query of their own.
    current = OverallGrade.objects.filter(audit=OuterRef("audit_id"), is_current=True)
    findings = (
        Finding.objects.filter(audit__child__in=visible)
        .select_related("audit__child__team")
        .prefetch_related("themes")
        .annotate(
            grade_label=Subquery(current.values("grade__label")[:1]),
            grade_position=Subquery(current.values("grade__position")[:1]),
        )
    )
    rows = [
        EvidenceRow(
            key=f"item-{i.pk}",
            source=i.source,
            date=i.date,
            kind=i.kind,
            summary=i.summary,
            themes=tuple(sorted(t.slug for t in i.themes.all())),
            team=_team_of(i),
            child_id=i.child.child_id if i.child else "",
        )
        for i in items
    ] + [
        EvidenceRow(
            key=f"finding-{f.pk}",
            source=Source.AUDIT_FINDING,
            date=f.created_at.date(),
            kind=f.type,
            summary=f.text,
            themes=tuple(sorted(t.slug for t in f.themes.all())),
            team=f.audit.child.team.name if f.audit.child.team else "",
            child_id=f.audit.child.child_id,
            grade=f.grade_label or "",
            grade_position=f.grade_position,
        )
        for f in findings
    ]
    wanted = filters or EvidenceFilter()
    return sorted(
        (r for r in rows if wanted.matches(r)), key=lambda r: (r.date, r.key), reverse=True
    )


def _team_of(item: EvidenceItem) -> str:
    """The item's own team, else the child's."""
    if item.team:
        return item.team.name
    return item.child.team.name if item.child and item.child.team else ""


def theme_labels() -> dict[str, str]:
    return {t.slug: t.label for t in Theme.objects.all()}


def counts(rows: list[EvidenceRow]) -> dict[str, Counter]:
    """Counts by theme, strength/area, team and source; and the audit findings by the current
    overall grade of their audit, keyed (position on the scale, label) so they sort best
    first, ungraded audits last."""
    by_theme: Counter = Counter()
    for row in rows:
        by_theme.update(row.themes or (NO_THEME,))
    return {
        "theme": by_theme,
        "kind": Counter(r.kind for r in rows),
        "team": Counter(r.team or "(no team)" for r in rows),
        "source": Counter(r.source for r in rows),
        "grade": Counter(
            (r.grade_position, r.grade) if r.grade else (None, NOT_GRADED)
            for r in rows
            if r.source == Source.AUDIT_FINDING
        ),
    }


def grade_counts(tally: Counter) -> list[tuple[str, int]]:
    """The grade counts as (label, findings), best grade first, ungraded audits last."""
    ordered = sorted(tally.items(), key=lambda kv: (kv[0][0] is None, kv[0][0] or 0))
    return [(label, n) for (_, label), n in ordered]


def theme_trend(rows: list[EvidenceRow]) -> tuple[list[dt.date], dict[str, list[tuple[int, int]]]]:
    """For each theme, (strengths, areas for development) per quarter, oldest first."""
    if not rows:
        return [], {}
    quarters = sorted({period_start(r.date, "quarter") for r in rows})
    tally: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        quarter = period_start(row.date, "quarter")
        for theme in row.themes or (NO_THEME,):
            tally[theme][(quarter, row.kind)] += 1
    return quarters, {
        theme: [(c[(q, Kind.STRENGTH)], c[(q, Kind.AREA_FOR_DEVELOPMENT)]) for q in quarters]
        for theme, c in sorted(tally.items())
    }


def quarter_label(start: dt.date) -> str:
    return period_label(start, "quarter")


@dataclass(frozen=True)
class MatrixRow:
    theme: str
    label: str
    cells: list[tuple[str, int, int]]  # (source, strengths, areas for development)
    sources: int  # how many independent sources hold evidence on this theme

    @property
    def total(self) -> int:
        return sum(s + a for _, s, a in self.cells)


def matrix(rows: list[EvidenceRow], labels: dict[str, str]) -> list[MatrixRow]:
    """Theme x source: where independent sources agree, a theme has evidence from two or more
    of them. Most-corroborated themes first."""
    tally: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        for theme in row.themes or (NO_THEME,):
            tally[theme][(row.source, row.kind)] += 1
    found = []
    for theme, c in tally.items():
        cells = [
            (source, c[(source, Kind.STRENGTH)], c[(source, Kind.AREA_FOR_DEVELOPMENT)])
            for source in SOURCE_LABELS
        ]
        found.append(
            MatrixRow(
                theme=theme,
                label=labels.get(theme, theme),
                cells=cells,
                sources=sum(1 for _, s, a in cells if s + a),
            )
        )
    return sorted(found, key=lambda m: (-m.sources, -m.total, m.label))
