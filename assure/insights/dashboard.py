"""The exits dashboard's measures: each an XmR or bar chart, a plain sentence saying what it
shows, and the same numbers as a table (suppressed for export: counts under 5)."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from typing import Any

from django.utils.safestring import SafeString

from . import charts, spc
from .exits import ROUTE_LABELS, ROUTES, Analysis, period_label

SUPPRESS_BELOW = 5
SUPPRESSED = "fewer than 5"
REENTRY_WINDOWS = (365, 730)
ROUTE_SUBJECTS = {
    "sgo": "Exits through special guardianship orders",
    "cao": "Exits through child arrangements orders",
    "return_home_planned": "Returns home as part of the care plan",
    "return_home_unplanned": "Returns home not as part of the care plan",
    "adoption": "Exits through adoption",
    "other": "Exits for other reasons",
}


@dataclass
class Measure:
    slug: str
    title: str
    headers: list[str]
    rows: list[list[Any]]
    chart: SafeString
    sentence: str
    # Columns holding counts (suppressed under 5 on export) and columns derived from them
    # (suppressed when the count they rest on is): {derived column: count column}.
    count_columns: set[int] = field(default_factory=set)
    derived_columns: dict[int, int] = field(default_factory=dict)
    # An SPC measure's points and period labels, for the Word report's raster chart.
    points: list[spc.Point] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)

    def exported_rows(self) -> list[list[Any]]:
        out = []
        for row in self.rows:
            hidden = {
                i for i in self.count_columns if isinstance(row[i], int) and row[i] < SUPPRESS_BELOW
            }
            hidden |= {d for d, c in self.derived_columns.items() if c in hidden}
            out.append([SUPPRESSED if i in hidden else v for i, v in enumerate(row)])
        return out


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _phase_index(periods: list[dt.date], programme_start: dt.date | None) -> int | None:
    if programme_start is None:
        return None
    for index, start in enumerate(periods):
        if start >= programme_start:
            return index or None
    return None


def describe(subject: str, points: list[spc.Point], labels: list[str], unit: str) -> str:
    """One plain sentence: the latest special cause if there is one, else that the
    variation is noise."""
    if len(points) < 2:
        return f"{subject}: too few {unit}s in the period to set process limits."
    special = [p for p in points if p.special]
    if special:
        last = special[-1]
        signal = last.signals[0]
        when = labels[last.index]
        verb = {
            "above_upper": f"rose above the upper process limit in {when}",
            "below_lower": f"fell below the lower process limit in {when}",
            "run_above": f"stayed above the mean for seven or more {unit}s in a row, up to {when}",
            "run_below": f"stayed below the mean for seven or more {unit}s in a row, up to {when}",
            "trend_up": f"rose for seven or more {unit}s in a row, up to {when}",
            "trend_down": f"fell for seven or more {unit}s in a row, up to {when}",
        }[signal]
        return f"{subject} {verb}: a real change, not noise."
    low = min(p.value for p in points)
    high = max(p.value for p in points)
    shift = ""
    if points[-1].phase == 1:
        before = points[0].mean
        shift = (
            f" Since the programme start the mean is {points[-1].mean:.1f} a {unit}, "
            f"against {before:.1f} before."
        )
    return (
        f"{subject} varied between {low:g} and {high:g} a {unit}, inside the process limits: "
        f"ordinary variation (noise), with no sign of a real change.{shift}"
    )


def spc_measure(
    *,
    slug: str,
    title: str,
    subject: str,
    values: list[int],
    periods: list[dt.date],
    labels: list[str],
    unit: str,
    programme_start: dt.date | None,
) -> Measure:
    points = spc.xmr(values, phase_start=_phase_index(periods, programme_start))
    sentence = describe(subject, points, labels, unit)
    specials = ", ".join(
        f"{labels[p.index]} ({', '.join(spc.SIGNAL_TEXT[s] for s in p.signals)})"
        for p in points
        if p.special
    )
    description = (
        (
            f"{title}, one point a {unit} from {labels[0]} to {labels[-1]}. "
            + (f"Special-cause points: {specials}. " if specials else "No special-cause points. ")
            + sentence
        )
        if labels
        else title
    )
    rows = [
        [
            labels[p.index],
            int(p.value),
            _fmt(p.mean),
            _fmt(max(p.lower, 0) if p.lower is not None else None),
            _fmt(p.upper),
            "; ".join(spc.SIGNAL_TEXT[s] for s in p.signals) or "None",
        ]
        for p in points
    ]
    return Measure(
        slug=slug,
        title=title,
        headers=[unit.capitalize(), "Count", "Mean", "Lower limit", "Upper limit", "Special cause"],
        rows=rows,
        chart=charts.spc_chart(
            chart_id=slug, title=title, description=description, points=points, labels=labels
        ),
        sentence=sentence,
        count_columns={1},
        points=points,
        labels=labels,
    )


def _reentry_measure(analysis: Analysis) -> Measure:
    by_window = {w: {i.route: i for i in analysis.reentry(within_days=w)} for w in REENTRY_WINDOWS}
    rows = []
    for route in ROUTES:
        first, second = by_window[365][route], by_window[730][route]
        rows.append(
            [
                ROUTE_LABELS[route],
                first.exits,
                first.reentered,
                "" if first.rate is None else f"{first.rate:.0%}",
                second.reentered,
                "" if second.rate is None else f"{second.rate:.0%}",
            ]
        )
    bars = [
        (
            ROUTE_LABELS[r],
            None if by_window[365][r].rate is None else round(100 * by_window[365][r].rate, 1),
        )
        for r in ROUTES
    ]
    total = sum(i.exits for i in by_window[365].values())
    back = sum(i.reentered for i in by_window[365].values())
    worst = max(
        (i for i in by_window[365].values() if i.exits >= SUPPRESS_BELOW),
        key=lambda i: i.rate or 0,
        default=None,
    )
    sentence = (
        f"Of {total} exits in the period, {back} children came back into care within 12 months"
        + (
            f"; the highest rate was after {ROUTE_LABELS[worst.route].lower()} "
            f"({worst.rate:.0%} of {worst.exits})."
            if worst and worst.rate
            else "."
        )
        + " Exits in the last 12 months have not yet had a full year in which to return."
    )
    return Measure(
        slug="reentry",
        title="Re-entry to care within 12 and 24 months, by exit route",
        headers=[
            "Exit route",
            "Exits",
            "Back within 12 months",
            "Rate (12 months)",
            "Back within 24 months",
            "Rate (24 months)",
        ],
        rows=rows,
        chart=charts.bar_chart(
            chart_id="reentry",
            title="Re-entry to care within 12 months, by exit route",
            description=sentence,
            bars=bars,
            unit="%",
        ),
        sentence=sentence,
        count_columns={1, 2, 4},
        derived_columns={3: 2, 5: 4},
    )


def _time_measure(analysis: Analysis) -> Measure:
    times = analysis.time_in_care()
    rows = [
        [ROUTE_LABELS[t.route], t.exits, "" if t.median_days is None else f"{t.median_days:g}"]
        for t in times
    ]
    known = [t for t in times if t.median_days is not None and t.exits >= SUPPRESS_BELOW]
    sentence = (
        "Median days in care before leaving: "
        + "; ".join(f"{ROUTE_LABELS[t.route].lower()} {t.median_days:g}" for t in known)
        + "."
        if known
        else "Too few exits in the period to compare time in care by route."
    )
    return Measure(
        slug="time-in-care",
        title="Time in care before exit (median days), by exit route",
        headers=["Exit route", "Exits", "Median days in care"],
        rows=rows,
        chart=charts.bar_chart(
            chart_id="time-in-care",
            title="Median days in care before exit, by exit route",
            description=sentence,
            bars=[(ROUTE_LABELS[t.route], t.median_days) for t in times],
            unit=" days",
        ),
        sentence=sentence,
        count_columns={1},
        derived_columns={2: 1},
    )


def _grades_measure(analysis: Analysis, grades: dict[tuple[int, dt.date], Any]) -> Measure:
    labels = sorted({(g.position, g.label) for g in grades.values()})
    rows, bars = [], []
    for route in ROUTES:
        exits = [x for x in analysis.exits if x.route == route]
        graded = [grades[(x.child, x.date)] for x in exits if (x.child, x.date) in grades]
        below = sum(g.below_good for g in graded)
        rows.append(
            [ROUTE_LABELS[route], len(exits), len(graded)]
            + [sum(g.label == label for g in graded) for _, label in labels]
            + [below]
        )
        bars.append((ROUTE_LABELS[route], round(100 * below / len(graded), 1) if graded else None))
    audited = sum(row[2] for row in rows)
    below_all = sum(row[-1] for row in rows)
    sentence = (
        f"{audited} of {len(analysis.exits)} exits had an audit closed within a year of leaving; "
        f"{below_all} of those audits were graded below good."
        if audited
        else "None of the exits in the period had an audit closed within a year of leaving."
    )
    width = len(rows[0])
    return Measure(
        slug="audit-grades",
        title="Audit grades of the exits, by exit route",
        headers=["Exit route", "Exits", "Audited"]
        + [label for _, label in labels]
        + ["Below good"],
        rows=rows,
        chart=charts.bar_chart(
            chart_id="audit-grades",
            title="Share of audited exits graded below good, by exit route",
            description=sentence,
            bars=bars,
            unit="%",
        ),
        sentence=sentence,
        count_columns=set(range(1, width)),
    )


ASSESSMENT_BANDS = (
    ("Under 8 weeks", 0, 56),
    ("8 to 16 weeks", 56, 112),
    ("16 to 26 weeks", 112, 182),
    ("26 weeks or more", 182, None),
)


def _assessment_measure(analysis: Analysis, starts: dict[int, list[dt.date]]) -> Measure:
    """Days from the latest SGO assessment started on or before the order to the order: a
    short assessment is a warning sign for the safety of the decision."""
    sgo = [x for x in analysis.exits if x.route == "sgo"]
    days = []
    for exit_ in sgo:
        before = [d for d in starts.get(exit_.child, []) if d <= exit_.date]
        if before:
            days.append((exit_.date - max(before)).days)
    rows = [
        [label, sum(low <= d and (high is None or d < high) for d in days)]
        for label, low, high in ASSESSMENT_BANDS
    ]
    rows.append(["No assessment recorded", len(sgo) - len(days)])
    median = statistics.median(days) if days else None
    sentence = (
        f"Of {len(sgo)} exits through special guardianship orders, {len(days)} had an SGO "
        f"assessment recorded; the median time from its start to the order was {median:g} days"
        f" ({rows[0][1]} under 8 weeks)."
        if days
        else "No exit through a special guardianship order in the period had an SGO "
        "assessment recorded."
    )
    return Measure(
        slug="sgo-assessment",
        title="Time from the SGO assessment starting to the order",
        headers=["Time from assessment start to order", "SGO exits"],
        rows=rows,
        chart=charts.bar_chart(
            chart_id="sgo-assessment",
            title="SGO exits by time from the assessment starting to the order",
            description=sentence,
            bars=[(label, float(n)) for label, n in rows],
        ),
        sentence=sentence,
        count_columns={1},
    )


def measures(
    analysis: Analysis,
    *,
    programme_start: dt.date | None,
    grades: dict[tuple[int, dt.date], Any] | None = None,
    assessment_starts: dict[int, list[dt.date]] | None = None,
) -> list[Measure]:
    unit = analysis.interval
    labels = [period_label(p, analysis.interval) for p in analysis.periods]
    common = {
        "periods": analysis.periods,
        "labels": labels,
        "unit": unit,
        "programme_start": programme_start,
    }
    found = [
        spc_measure(
            slug="exits-all",
            title="All exits from care",
            subject="Exits from care",
            values=analysis.totals_by_period(),
            **common,
        ),
    ]
    for route in ROUTES:
        found.append(
            spc_measure(
                slug=f"exits-{route.replace('_', '-')}",
                title=ROUTE_SUBJECTS[route],
                subject=ROUTE_SUBJECTS[route],
                values=analysis.route_by_period(route),
                **common,
            )
        )
    found.append(_reentry_measure(analysis))
    looked_after = analysis.looked_after()
    month_starts = [end.replace(day=1) for end, _ in looked_after]
    found.append(
        spc_measure(
            slug="looked-after",
            title="Children looked after at each month end",
            subject="The number of children looked after",
            values=[n for _, n in looked_after],
            periods=month_starts,
            labels=[end.strftime("%B %Y") for end, _ in looked_after],
            unit="month",
            programme_start=programme_start,
        )
    )
    found.append(
        spc_measure(
            slug="p2-entries",
            title="Children entering care after an SGO broke down (P2)",
            subject="Children entering care after a special guardianship order broke down",
            values=analysis.p2_entries(),
            **common,
        )
    )
    found.append(_time_measure(analysis))
    if assessment_starts is not None:
        found.append(_assessment_measure(analysis, assessment_starts))
    if grades is not None:
        found.append(_grades_measure(analysis, grades))
    return found
