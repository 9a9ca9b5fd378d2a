"""The SPC measures: what each counts, which way is better, and which chart fits it.

One registry serves the exits page, the reports and `GET /api/v1/insights/spc/{measure}`,
so that the three cannot chart a measure differently.

- Counts by month (exits, by route and by kind; entries; broken-down SGOs) are XmR charts,
  unless they average **under 2 a month**: then the months are mostly zeros and ones, which
  XmR reads badly, so the measure is a **t chart** of the days between events, with the days
  from the latest event to today (or the end of the range, if earlier) as its **open
  interval** (`spc.open_point`).
- **Looked after** is a stock: next month's count is this month's plus entries less exits,
  so the counts run on one side of any mean and XmR flags every point. It is charted by its
  **change** from one month end to the next; its level is tested in the before-and-after
  analysis (`before_after.py`), which allows for the autocorrelation.
- **Rates** are Laney's charts: **exits per 100 looked after** (u': exits in the month over
  the children looked after at the start of it, in hundreds) and the **re-entry rate** (p':
  of the month's exit decisions whose 12 months have run, the share who came back within
  them; months whose windows have not all run are left out, so the rate never reads low).

No count is called better or worse by default (`improvement` None): whether more exits, or
fewer children in care, is good is the question the analysis is asking. Re-entry and
broken-down SGOs are harms: lower is better. A t chart of a harm has the direction turned
over (longer between events is better).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from assure.children.care import exits as care_exits
from assure.core.formats import day_words

from . import spc
from .exits import Analysis, Exit, period_label, period_start

RARE_PER_MONTH = 2.0


@dataclass(frozen=True)
class MeasureSpec:
    slug: str
    title: str
    subject: str  # the start of a sentence about it
    improvement: str | None
    kind: str  # "count", "change", "u_prime" or "p_prime"
    unit: str = ""  # what a value is ("exits", "children", "%")
    guide: str = "exits-from-care"  # the user guide's anchor for its method
    routes: frozenset[str] = frozenset()
    exit_kind: str | None = None  # "decision", "adulthood", "other": exits of that kind


def _exits(
    slug: str,
    title: str,
    subject: str,
    *,
    routes: Iterable[str] = (),
    exit_kind: str | None = None,
) -> MeasureSpec:
    return MeasureSpec(
        slug=slug,
        title=title,
        subject=subject,
        improvement=None,
        kind="count",
        unit="exits",
        routes=frozenset(routes),
        exit_kind=exit_kind,
    )


SPECS: dict[str, MeasureSpec] = {
    s.slug: s
    for s in (
        _exits("exits", "All exits from care", "Exits from care"),
        _exits(
            "exit_decisions",
            "Exit decisions (SGO, child arrangements order, adoption, return home)",
            "Exit decisions",
            exit_kind="decision",
        ),
        _exits(
            "exits_adulthood",
            "Exits on reaching adulthood",
            "Exits on reaching adulthood",
            exit_kind="adulthood",
        ),
        _exits(
            "exits_sgo",
            "Exits through special guardianship orders",
            "Exits through special guardianship orders",
            routes={"sgo"},
        ),
        _exits(
            "exits_cao",
            "Exits through child arrangements orders",
            "Exits through child arrangements orders",
            routes={"cao"},
        ),
        _exits(
            "exits_return_home",
            "Returns home (E4A, E4B and E13)",
            "Returns home",
            routes=care_exits.RETURN_HOME_ROUTES,
        ),
        _exits(
            "exits_adoption",
            "Exits through adoption",
            "Exits through adoption",
            routes={"adoption"},
        ),
        _exits(
            "exits_other", "Exits for other reasons", "Exits for other reasons", exit_kind="other"
        ),
        MeasureSpec(
            slug="entries",
            title="Children entering care",
            subject="Entries to care",
            improvement=None,
            kind="count",
            unit="entries",
        ),
        MeasureSpec(
            slug="looked_after",
            title="Change in the number of children looked after, month end to month end",
            subject="The month-to-month change in the number looked after",
            improvement=None,
            kind="change",
            unit="children",
        ),
        MeasureSpec(
            slug="exits_per_100",
            title="Exits per 100 children looked after",
            subject="Exits per 100 children looked after",
            improvement=None,
            kind="u_prime",
            unit="per 100",
        ),
        MeasureSpec(
            slug="reentry_rate",
            title="Re-entry within 12 months of an exit decision",
            subject="The share of exit decisions followed by re-entry within 12 months",
            improvement=spc.DOWN,
            kind="p_prime",
            unit="%",
            guide="re-entry",
        ),
        MeasureSpec(
            slug="sgo_breakdowns",
            title="Children entering care after an SGO broke down (P2)",
            subject="Entries to care after a special guardianship order broke down",
            improvement=spc.DOWN,
            kind="count",
            unit="entries",
            guide="outcomes-after-exit",
        ),
    )
}
ORDER = tuple(SPECS)


@dataclass
class MeasureChart:
    """A measure charted over a range: the chart, and for each of its points the period it
    stands for (a month, or for a t chart the day of the event), its label, and the counts
    it rests on (numerator and denominator), which disclosure control needs."""

    spec: MeasureSpec
    chart: spc.Chart
    period_starts: list[dt.date]
    labels: list[str]
    counts: list[int]  # the count each point rests on (events, or the numerator)
    denominators: list[int] = field(default_factory=list)
    programme_start: dt.date | None = None
    note: str = ""
    open_to: dt.date | None = None  # a t chart's open interval runs to this day
    open_to_records: bool = False  # ... because the imported records run no further

    @property
    def slug(self) -> str:
        return self.spec.slug

    @property
    def improvement(self) -> str | None:
        return self.chart.improvement

    @property
    def open_label(self) -> str:
        """The open interval's label in its table and chart: "open, to 15 July 2026"."""
        return f"open, to {day_label(self.open_to)}" if self.open_to else ""

    @property
    def last_event(self) -> dt.date | None:
        """The day of the latest event of a t chart (where its open interval starts)."""
        return self.period_starts[-1] if self.chart.kind == spc.T and self.period_starts else None


def day_label(day: dt.date) -> str:
    """A day as the house writes one: "15 July 2026"."""
    return day_words(day)


def _selected(spec: MeasureSpec, exits: Iterable[Exit]) -> list[Exit]:
    if spec.routes:
        return [x for x in exits if x.route in spec.routes]
    if spec.exit_kind:
        return [x for x in exits if x.kind == spec.exit_kind]
    return list(exits)


def _index(starts: list[dt.date], day: dt.date | None) -> int | None:
    if day is None:
        return None
    return next((i for i, s in enumerate(starts) if s >= day), None)


def _months(interval: str) -> int:
    return 3 if interval == "quarter" else 1


def _rebase_indexes(starts: list[dt.date], rebases: Iterable[dt.date]) -> list[int]:
    found = [_index(starts, day) for day in rebases]
    return [i for i in found if i is not None]


def _count_chart(
    spec: MeasureSpec,
    analysis: Analysis,
    dates: list[dt.date],
    *,
    programme_start: dt.date | None,
    rebases: Iterable[dt.date],
) -> MeasureChart:
    """XmR of the counts by period, or a t chart of the days between events when they
    average under 2 a month."""
    counts = dict.fromkeys(analysis.periods, 0)
    for day in dates:
        counts[period_start(day, analysis.interval)] += 1
    values = list(counts.values())
    months = len(values) * _months(analysis.interval)
    rebases = list(rebases)
    if months and len(dates) / months < RARE_PER_MONTH:
        gaps = [(b - a).days for a, b in zip(dates, dates[1:], strict=False)]
        improvement = {spc.DOWN: spc.UP, spc.UP: spc.DOWN}.get(spec.improvement or "")
        event_days = dates[1:]
        open_to = open_interval_end(analysis)
        by_records = open_to < min(analysis.date_to, analysis.today)
        chart = spc.t_chart(
            gaps,
            improvement=improvement,
            programme_start=_index(event_days, programme_start),
            rebases=_rebase_indexes(event_days, rebases),
            open_days=(open_to - dates[-1]).days if dates else None,
        )
        return MeasureChart(
            spec=spec,
            chart=chart,
            period_starts=event_days,
            labels=[day_label(d) for d in event_days],
            counts=[1] * len(event_days),
            programme_start=programme_start,
            open_to=open_to if chart.open_point else None,
            open_to_records=bool(chart.open_point) and by_records,
            note=(
                f"Fewer than {RARE_PER_MONTH:g} a month on average ({len(dates)} in "
                f"{months} months): charted as the days between one and the next (a t chart)."
            ),
        )
    chart = spc.xmr(
        values,
        improvement=spec.improvement,
        programme_start=_index(analysis.periods, programme_start),
        rebases=_rebase_indexes(analysis.periods, rebases),
    )
    return MeasureChart(
        spec=spec,
        chart=chart,
        period_starts=list(analysis.periods),
        labels=[period_label(p, analysis.interval) for p in analysis.periods],
        counts=values,
        programme_start=programme_start,
    )


def open_interval_end(analysis: Analysis) -> dt.date:
    """Where a t chart's open interval ends: today, the end of the range, or as far as
    imported records run, whichever is earliest (no quiet time is claimed after the range,
    nor after the records' last day: a late import is not a quiet spell)."""
    return min(analysis.date_to, analysis.today, analysis.records_to or analysis.today)


def _looked_after_chart(
    spec: MeasureSpec, analysis: Analysis, *, programme_start: dt.date | None, rebases
) -> MeasureChart:
    ends = [p - dt.timedelta(days=1) for p in analysis.periods]
    ends.append(
        min(
            analysis.date_to,
            _next_start(analysis.periods[-1], analysis.interval) - dt.timedelta(days=1),
        )
        if analysis.periods
        else analysis.date_to
    )
    stock = analysis.looked_after_on(ends)
    changes = [b - a for a, b in zip(stock, stock[1:], strict=False)]
    chart = spc.xmr(
        changes,
        improvement=None,
        programme_start=_index(analysis.periods, programme_start),
        rebases=_rebase_indexes(analysis.periods, rebases),
    )
    return MeasureChart(
        spec=spec,
        chart=chart,
        period_starts=list(analysis.periods),
        labels=[period_label(p, analysis.interval) for p in analysis.periods],
        counts=stock[1:],
        denominators=stock[:-1],
        programme_start=programme_start,
        note=(
            "Looked-after numbers are a stock, so they are charted by their change over each "
            f"{analysis.interval}; the counts at each end are in the table."
        ),
    )


def _next_start(start: dt.date, interval: str) -> dt.date:
    from .exits import month_start_after

    return month_start_after(start, _months(interval))


def _exits_per_100(
    spec: MeasureSpec, analysis: Analysis, *, programme_start, rebases
) -> MeasureChart:
    starts = [p - dt.timedelta(days=1) for p in analysis.periods]
    at_start = analysis.looked_after_on(starts)
    exits = analysis.count_by_period(analysis.exits)
    kept = [i for i, n in enumerate(at_start) if n > 0]
    periods = [analysis.periods[i] for i in kept]
    chart = spc.laney(
        [exits[i] for i in kept],
        [at_start[i] / 100 for i in kept],
        proportion=False,
        improvement=None,
        programme_start=_index(periods, programme_start),
        rebases=_rebase_indexes(periods, rebases),
    )
    return MeasureChart(
        spec=spec,
        chart=chart,
        period_starts=periods,
        labels=[period_label(p, analysis.interval) for p in periods],
        counts=[exits[i] for i in kept],
        denominators=[at_start[i] for i in kept],
        programme_start=programme_start,
    )


def reentry_cohorts(analysis: Analysis) -> list[tuple[dt.date, int, int]]:
    """(period, exit decisions followed up, re-entered within 12 months) for each period
    whose every exit decision has had its 12 months: a period with one still in its window
    is left out whole, so no rate rests on an incomplete window."""
    by_period: dict[dt.date, list[Exit]] = {p: [] for p in analysis.periods}
    for exit_ in analysis.exits:
        if exit_.decision:
            by_period[period_start(exit_.date, analysis.interval)].append(exit_)
    found = []
    for start, exits in by_period.items():
        period_end = _next_start(start, analysis.interval) - dt.timedelta(days=1)
        if not care_exits.follow_up_complete(min(period_end, analysis.date_to), analysis.today):
            continue
        if not exits:
            continue
        back = sum(
            care_exits.reentered(x.date, analysis.by_child[x.child].period_starts()) for x in exits
        )
        found.append((start, len(exits), back))
    return found


def _reentry_rate(
    spec: MeasureSpec, analysis: Analysis, *, programme_start, rebases
) -> MeasureChart:
    cohorts = reentry_cohorts(analysis)
    periods = [p for p, _, _ in cohorts]
    chart = spc.laney(
        [b for _, _, b in cohorts],
        [n for _, n, _ in cohorts],
        proportion=True,
        improvement=spec.improvement,
        programme_start=_index(periods, programme_start),
        rebases=_rebase_indexes(periods, rebases),
    )
    return MeasureChart(
        spec=spec,
        chart=chart,
        period_starts=periods,
        labels=[period_label(p, analysis.interval) for p in periods],
        counts=[b for _, _, b in cohorts],
        denominators=[n for _, n, _ in cohorts],
        programme_start=programme_start,
        note=(
            "Only months whose exit decisions have all had their 12 months are charted: "
            "later months would read low."
        ),
    )


def _p2_dates(analysis: Analysis) -> list[dt.date]:
    from assure.children.care import sgo

    found = []
    for child, when in analysis.p2_records:
        history = analysis.by_child.get(child)
        if history is None:
            continue
        start = sgo.period_after_order(history.period_starts(), when)
        if start is not None and analysis.date_from <= start <= analysis.date_to:
            found.append(start)
    return sorted(found)


def chart_measure(
    slug: str,
    analysis: Analysis,
    *,
    programme_start: dt.date | None,
    rebases: Iterable[dt.date] = (),
    target: float | None = None,
) -> MeasureChart:
    """The measure charted, with the council's target (in the measure's unit: a count a
    month, or a percentage) set on the chart for Making Data Count's assurance."""
    charted = _chart_measure(slug, analysis, programme_start=programme_start, rebases=rebases)
    if target is not None and charted.spec.improvement is not None:
        charted.chart.target = target_on_chart(charted, target, interval=analysis.interval)
    return charted


DAYS_IN_A_MONTH = 365.25 / 12


def target_on_chart(charted: MeasureChart, target: float, *, interval: str) -> float | None:
    """A target in the measure's unit, in the chart's: a percentage as a proportion; a count
    a month as a count a period, or, on a t chart of rare events, as the days between events
    it means (fewer events a month is more days between; the t chart's improvement is turned
    round to match)."""
    kind = charted.chart.kind
    if kind == spc.T:
        return DAYS_IN_A_MONTH / target if target > 0 else None
    if kind == spc.P_PRIME:
        return target / 100
    return target * _months(interval)


def _chart_measure(
    slug: str,
    analysis: Analysis,
    *,
    programme_start: dt.date | None,
    rebases: Iterable[dt.date] = (),
) -> MeasureChart:
    spec = SPECS[slug]
    common = {"programme_start": programme_start, "rebases": list(rebases)}
    if spec.kind == "change":
        return _looked_after_chart(spec, analysis, **common)
    if spec.kind == "u_prime":
        return _exits_per_100(spec, analysis, **common)
    if spec.kind == "p_prime":
        return _reentry_rate(spec, analysis, **common)
    dates: list[dt.date]
    if slug == "entries":
        dates = analysis.entries()
    elif slug == "sgo_breakdowns":
        dates = _p2_dates(analysis)
    else:
        dates = [x.date for x in _selected(spec, analysis.exits)]
    return _count_chart(spec, analysis, dates, **common)


def chart_all(
    analysis: Analysis,
    *,
    programme_start: dt.date | None,
    rebases: dict[str, list[dt.date]] | None = None,
    targets: dict[str, float] | None = None,
    only: Callable[[str], bool] = lambda slug: True,
) -> list[MeasureChart]:
    rebases, targets = rebases or {}, targets or {}
    return [
        chart_measure(
            slug,
            analysis,
            programme_start=programme_start,
            rebases=rebases.get(slug, []),
            target=targets.get(slug),
        )
        for slug in ORDER
        if only(slug)
    ]
