"""The stage-review report and the monthly assurance summary: one structure of sections,
paragraphs, tables and charts, rendered as a printable page and as a Word document.

Both are built from the same selectors as the pages, so they count only what the person may
see. Tables marked `suppress` hide counts under 5 in the Word document, which is what leaves
the product; the Word document holds a chart (a PNG drawn by `png.py`) only for a series with
no count under 5, because a chart of small numbers would show what the tables suppress (the
printable page, inside the product, has every chart)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.safestring import SafeString

from assure.audits.models import Audit, CaseAction, Escalation, Finding, OverallGrade, Status
from assure.core import clock
from assure.core.access import visible_children

from . import dashboard, evidence, plan, png, selectors
from .exits import add_months
from .models import InsightsSettings


def _long(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


@dataclass
class Table:
    caption: str
    headers: list[str]
    rows: list[list[Any]]
    suppress: bool = True  # counts about children: under 5 hidden when exported

    def exported_rows(self) -> list[list[Any]]:
        if not self.suppress:
            return self.rows
        return [
            [
                dashboard.SUPPRESSED
                if isinstance(v, int) and not isinstance(v, bool) and v < dashboard.SUPPRESS_BELOW
                else v
                for v in row
            ]
            for row in self.rows
        ]


@dataclass
class Figure:
    chart: SafeString
    sentence: str
    table: Table
    # How the measure's table is exported (derived columns suppressed with their counts).
    exported: list[list[Any]]
    # The chart as a PNG for the Word document: only when no count in it is under 5, since
    # a chart of small numbers would show what the table suppresses.
    png: bytes | None = None

    @property
    def exported_sentence(self) -> str:
        """The sentence for the Word document: a sentence gives its numbers outright, so
        where the table had to suppress a count the sentence would undo it."""
        if any(dashboard.SUPPRESSED in row for row in self.exported):
            return (
                "Some of these figures are fewer than 5 and are not shown; see the table, and "
                "the chart and its description on the page in Assure."
            )
        return self.sentence


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)


@dataclass
class Report:
    kind: str
    title: str
    subtitle: str
    sections: list[Section]


def _month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    start = month.replace(day=1)
    return start, add_months(start, 1) - dt.timedelta(days=1)


def _exits_section(
    user: Any,
    *,
    date_from: dt.date,
    date_to: dt.date,
    interval: str,
    programme_start: dt.date | None,
    slugs: tuple[str, ...] | None = None,
) -> Section:
    analysis = selectors.exits_analysis(
        user=user, date_from=date_from, date_to=date_to, interval=interval
    )
    grades = selectors.exit_audit_grades(user=user, analysis=analysis)
    measures = dashboard.measures(
        analysis,
        programme_start=programme_start,
        grades=grades,
        assessment_starts=selectors.sgo_assessment_starts(user=user, analysis=analysis),
    )
    section = Section(
        heading="Were exits from care safe?",
        paragraphs=[
            f"Exits from care from {_long(date_from)} to {_long(date_to)} by {interval}, "
            "with statistical process control (NHS England's Making Data Count: limits at "
            "three sigma, runs and trends of seven)."
            + (
                f" Limits recalculated from the programme start on {_long(programme_start)}."
                if programme_start
                else ""
            )
        ],
    )
    for m in measures:
        if slugs and m.slug not in slugs:
            continue
        table = Table(caption=m.title, headers=m.headers, rows=m.rows)
        shareable = bool(m.points) and all(p.value >= dashboard.SUPPRESS_BELOW for p in m.points)
        section.figures.append(
            Figure(
                chart=m.chart,
                sentence=m.sentence,
                table=table,
                exported=m.exported_rows(),
                png=png.spc_png(m.points, m.labels) if shareable else None,
            )
        )
    return section


def _plan_section() -> Section:
    report = plan.progress_report()
    totals = report.totals
    return Section(
        heading="Response plan progress",
        paragraphs=[
            f"{totals['total']} actions: {totals['status'].get('complete', 0)} complete, "
            f"{totals['status'].get('in_progress', 0)} in progress, "
            f"{totals['status'].get('not_started', 0)} not started; {totals['overdue']} overdue."
        ],
        tables=[
            Table(
                caption="Progress by work stream",
                headers=[
                    "Work stream",
                    "Actions",
                    "Complete",
                    "In progress",
                    "Red",
                    "Amber",
                    "Overdue",
                ],
                rows=[
                    [
                        s.name,
                        s.total,
                        s.status.get("complete", 0),
                        s.status.get("in_progress", 0),
                        s.rag.get("red", 0),
                        s.rag.get("amber", 0),
                        s.overdue,
                    ]
                    for s in report.streams
                ],
                suppress=False,
            ),
            Table(
                caption="Overdue actions",
                headers=["Action", "Work stream", "Owner", "Due"],
                rows=[
                    [
                        a.description[:150],
                        a.work_stream.name,
                        a.owner,
                        f"{a.due_date.day} {a.due_date:%b %Y}",
                    ]
                    for a in report.overdue
                ],
                suppress=False,
            ),
        ],
    )


def _audit_sections(user: Any, start: dt.date, end: dt.date) -> list[Section]:
    visible = visible_children(user).values("pk")
    in_month = Q(closed_at__date__gte=start, closed_at__date__lte=end)
    closed = Audit.objects.filter(in_month, status=Status.CLOSED, child__in=visible)
    grades = Counter(
        OverallGrade.objects.filter(audit__in=closed, is_current=True).values_list(
            "grade__label", flat=True
        )
    )
    findings = Finding.objects.filter(
        audit__child__in=visible, created_at__date__gte=start, created_at__date__lte=end
    ).prefetch_related("themes")
    by_theme: Counter = Counter()
    for f in findings:
        for theme in f.themes.all() or [None]:
            by_theme[(theme.label if theme else "(no theme)", f.type)] += 1
    themes = sorted({t for t, _ in by_theme})
    escalations = Escalation.objects.filter(
        child__in=visible, raised_at__date__gte=start, raised_at__date__lte=end
    ).count()
    overdue_case_actions = CaseAction.objects.filter(
        audit__child__in=visible, status=CaseAction.ActionStatus.OPEN, due_date__lt=end
    ).count()
    return [
        Section(
            heading="Audits done and their grades",
            paragraphs=[f"{closed.count()} audits closed in the month."],
            tables=[
                Table(
                    caption="Audits closed by overall grade",
                    headers=["Grade", "Audits"],
                    rows=[[g, n] for g, n in sorted(grades.items())],
                )
            ],
        ),
        Section(
            heading="Findings by theme",
            tables=[
                Table(
                    caption="Audit findings recorded in the month",
                    headers=["Theme", "Strengths", "Areas for development"],
                    rows=[
                        [t, by_theme[(t, "strength")], by_theme[(t, "area_for_development")]]
                        for t in themes
                    ],
                )
            ],
        ),
        Section(
            heading="Escalations and overdue audit actions",
            tables=[
                Table(
                    caption="Escalations and actions",
                    headers=["Measure", "Count"],
                    rows=[
                        ["Escalations raised in the month", escalations],
                        [
                            "Audit actions open past their due date at month end",
                            overdue_case_actions,
                        ],
                    ],
                )
            ],
        ),
    ]


def _tracker_section(user: Any, on: dt.date) -> Section:
    from assure.tracker import rules
    from assure.tracker import selectors as tracker

    rows = tracker.tracker_rows(user=user, on=on)
    red = sum(r.rag == "red" for r in rows)
    flags = Counter(f.code for r in rows for f in r.flags if f.level == "red")
    return Section(
        heading="Tracker red flags",
        paragraphs=[f"{red} children on the permanency tracker were red at {_long(on)}."],
        tables=[
            Table(
                caption="Red flags at month end",
                headers=["Flag", "Children"],
                rows=[[rules.FLAG_TITLES.get(c, c), n] for c, n in flags.most_common()],
            )
        ],
    )


def monthly_summary(*, user: Any, month: dt.date) -> Report:
    start, end = _month_bounds(month)
    year_before = add_months(start, -11)
    return Report(
        kind="monthly",
        title=f"Monthly assurance summary: {start:%B %Y}",
        subtitle=(
            f"Prepared {_long(clock.today())}. Counts are of the children the author may see."
        ),
        sections=[
            *_audit_sections(user, start, end),
            _tracker_section(user, end),
            _exits_section(
                user,
                date_from=year_before,
                date_to=end,
                interval="month",
                programme_start=InsightsSettings.current().programme_start,
            ),
            _plan_section(),
        ],
    )


def stage_review(
    *, user: Any, date_from: dt.date, date_to: dt.date, programme_start: dt.date | None
) -> Report:
    rows = evidence.evidence_rows(
        user=user, filters=evidence.EvidenceFilter(date_from=date_from, date_to=date_to)
    )
    labels = evidence.theme_labels()
    grid = evidence.matrix(rows, labels)
    tallies = evidence.counts(rows)
    recommendations = list(plan.recommendation_list())
    return Report(
        kind="stage-review",
        title="Stage review: independent assurance",
        subtitle=(f"{_long(date_from)} to {_long(date_to)}. Prepared {_long(clock.today())}."),
        sections=[
            Section(
                heading="Evidence gathered",
                paragraphs=[
                    f"{len(rows)} pieces of evidence: {tallies['kind'].get('strength', 0)} "
                    f"strengths and {tallies['kind'].get('area_for_development', 0)} areas for "
                    "development."
                ],
                tables=[
                    Table(
                        caption="Evidence by source",
                        headers=["Source", "Evidence"],
                        rows=[
                            [evidence.SOURCE_LABELS[s], n]
                            for s, n in tallies["source"].most_common()
                        ],
                        suppress=False,
                    ),
                    Table(
                        caption="Triangulation: themes by the number of sources agreeing",
                        headers=["Theme", "Sources", "Strengths", "Areas for development"],
                        rows=[
                            [
                                m.label,
                                m.sources,
                                sum(s for _, s, _ in m.cells),
                                sum(a for _, _, a in m.cells),
                            ]
                            for m in grid
                        ],
                        suppress=False,
                    ),
                ],
            ),
            _exits_section(
                user,
                date_from=date_from,
                date_to=date_to,
                interval="quarter" if (date_to - date_from).days > 3 * 366 else "month",
                programme_start=programme_start,
            ),
            Section(
                heading="Recommendations",
                tables=[
                    Table(
                        caption="Recommendations and the director's decisions",
                        headers=["Recommendation", "Decision", "Reasons", "Actions"],
                        rows=[
                            [r.title, r.get_decision_display(), r.decision_reason, r.action_count]
                            for r in recommendations
                        ],
                        suppress=False,
                    )
                ],
            ),
            _plan_section(),
        ],
    )
