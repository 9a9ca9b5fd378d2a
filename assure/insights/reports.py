"""The stage-review report and the monthly assurance summary: one structure of sections,
paragraphs, tables and charts, rendered as a printable page and as a Word document.

Both are built from the same selectors as the pages, so they count only what the person may
see. What leaves the product (the Word document) has disclosure control applied across the
whole document (`disclosure.py`): counts of 1 to 4 children are hidden, and so is
anything that would let one be worked out. Its charts are the pages' own SVG rasterised by
resvg (`raster.py`), included only for a measure none of whose counts is hidden, because a
chart shows every value (the printable page, inside the product, has every chart)."""

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
from assure.core.formats import day_words

from . import dashboard, disclosure, evidence, plan, raster, selectors
from .exits import month_start_after
from .models import InsightsSettings


@dataclass
class Table:
    caption: str
    headers: list[str]
    rows: list[list[Any]]
    suppress: bool = True  # counts about children: disclosure control when exported
    # A row that is the sum of the others, column by column (the reader knows it).
    total_row: int | None = None
    exported: list[list[Any]] | None = None  # set by `protect`

    def exported_rows(self) -> list[list[Any]]:
        if not self.suppress:
            return self.rows
        if self.exported is None:
            raise RuntimeError("Disclosure control has not been applied to this report.")
        return self.exported


@dataclass
class Figure:
    chart: SafeString | str
    sentence: str
    table: Table
    exported_sentence: str = ""
    png: bytes | None = None  # the chart for the Word document, when it may be shared
    note: str = ""
    measure: Any = None  # the exits page's measure it shows


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)  # the answer so far, on the page
    exported_findings: list[str] = field(default_factory=list)
    page: Any = None  # the exits page the section shows (dashboard.Page)


@dataclass
class Report:
    kind: str
    title: str
    subtitle: str
    sections: list[Section]
    shareable: bool = False  # disclosure control applied and charts rasterised


def _month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    start = month.replace(day=1)
    return start, month_start_after(start, 1) - dt.timedelta(days=1)


def _exits_section(
    user: Any,
    *,
    date_from: dt.date,
    date_to: dt.date,
    interval: str,
    programme_start: dt.date | None,
) -> Section:
    analysis = selectors.exits_analysis(
        user=user, date_from=date_from, date_to=date_to, interval=interval
    )
    page = dashboard.build(
        analysis,
        programme_start=programme_start,
        grades=selectors.exit_audit_grades(user=user, analysis=analysis),
        assessment_starts=selectors.sgo_assessment_starts(user=user, analysis=analysis),
        events=selectors.events_after_exit(user=user, analysis=analysis),
        rebases=selectors.rebases_by_measure(),
        targets=selectors.targets_by_measure(),
    )
    section = Section(
        heading="Were exits from care safe?",
        paragraphs=[
            f"Exits from care from {day_words(date_from)} to {day_words(date_to)} by {interval}, "
            "with statistical process control as in NHS England's Making Data Count (limits "
            "at three sigma; shifts and trends of seven; two of three beyond two sigma)."
            + (
                f" Limits from the points before the programme start on "
                f"{day_words(programme_start)}, carried forward."
                if programme_start
                else ""
            )
        ],
        findings=[f.text for f in page.findings],
        page=page,
    )
    for m in page.measures:
        if not m.rows:
            continue
        section.figures.append(
            Figure(
                chart=m.chart,
                sentence=m.sentence,
                table=Table(caption=m.title, headers=m.headers, rows=m.rows),
                measure=m,
                note=(
                    ""
                    if m.exportable
                    else "Each point of this chart is one event and its date, so it is "
                    "not in the Word document; see the page in Assure."
                ),
            )
        )
    return section


def prepare_for_sharing(report: Report) -> Report:
    """What the Word document holds: disclosure control over the exits analysis (as one)
    and over the report's own tables, and the charts that may be shared, rasterised. Done
    only for the Word document: the printable page, inside Assure, shows everything."""
    if report.shareable:
        return report
    for section in report.sections:
        if section.page is None:
            continue
        shared = dashboard.export(section.page)
        section.exported_findings = shared.findings()
        for figure in section.figures:
            m = figure.measure
            figure.table.exported = shared.rows(m) if m.exportable else []
            figure.exported_sentence = shared.sentence(m)
            whole = m.exportable and m.shadow_ok and not shared._measure_hidden(m)
            whole = whole and not shared._depends_hidden(m.depends_on)
            figure.png = raster.png(m.chart) if m.chart and whole else None
    protect(report)
    report.shareable = True
    return report


def protect(report: Report) -> Report:
    """Disclosure control over the report's own tables (the exits section carries its own,
    over the whole exits analysis): each count is a base cell, a total row is the sum of the
    rows above it, and a hidden count stays so across the document."""
    ledger = disclosure.Ledger(base={})
    places: dict[tuple[int, int, int], int] = {}
    tables = [t for s in report.sections for t in s.tables if t.suppress and t.exported is None]
    for number, table in enumerate(tables):
        counts = [
            (r, c)
            for r, row in enumerate(table.rows)
            for c, v in enumerate(row)
            if isinstance(v, int) and not isinstance(v, bool)
        ]
        for r, c in counts:
            if r != table.total_row:
                ledger.base[(number, r, c)] = table.rows[r][c]
        for r, c in counts:
            if r == table.total_row:
                terms = {(number, rr, c): 1 for rr, cc in counts if cc == c and rr != r}
            else:
                terms = {(number, r, c): 1}
            places[(number, r, c)] = ledger.add(terms)
    hidden = ledger.protect()
    for number, table in enumerate(tables):
        table.exported = [
            [
                disclosure.HIDDEN if places.get((number, r, c)) in hidden else v
                for c, v in enumerate(row)
            ]
            for r, row in enumerate(table.rows)
        ]
    return report


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
    closed_count = closed.count()
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
            paragraphs=["Audits closed in the month, by their current overall grade."],
            tables=[
                Table(
                    caption="Audits closed by overall grade",
                    headers=["Grade", "Audits"],
                    rows=[
                        *([g, n] for g, n in sorted(grades.items())),
                        ["Not graded", closed_count - sum(grades.values())],
                        ["All audits closed in the month", closed_count],
                    ],
                    total_row=len(grades) + 1,
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

    red_rows = tracker.tracker_rows(user=user, on=on, row_filter=tracker.RowFilter(rag="red"))
    flags = Counter(f.code for r in red_rows for f in r.flags if f.level == "red")
    return Section(
        heading="Tracker red flags",
        paragraphs=[f"Children on the permanency tracker red at {day_words(on)}, by flag."],
        tables=[
            Table(
                caption="Red flags at month end",
                headers=["Flag", "Children"],
                rows=[
                    *([rules.FLAG_TITLES.get(c, c), n] for c, n in flags.most_common()),
                    ["Children red on the tracker (a child may have several flags)", len(red_rows)],
                ],
            )
        ],
    )


def monthly_summary(*, user: Any, month: dt.date) -> Report:
    start, end = _month_bounds(month)
    year_before = month_start_after(start, -11)
    return protect(
        Report(
            kind="monthly",
            title=f"Monthly assurance summary: {start:%B %Y}",
            subtitle=(
                f"Prepared {day_words(clock.today())}. "
                "Counts are of the children the author may see."
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
    return protect(
        Report(
            kind="stage-review",
            title="Stage review: independent assurance",
            subtitle=(
                f"{day_words(date_from)} to {day_words(date_to)}. "
                f"Prepared {day_words(clock.today())}."
            ),
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
                                [
                                    r.title,
                                    r.get_decision_display(),
                                    r.decision_reason,
                                    r.action_count,
                                ]
                                for r in recommendations
                            ],
                            suppress=False,
                        )
                    ],
                ),
                _plan_section(),
            ],
        )
    )
