"""The exits page's content, shared with its CSV downloads and the reports: the answer so far
(sentences with their confidence intervals), the SPC charts of every measure, the
before-and-after comparisons, re-entry by cohort, outcomes after exit, and the tables.

Each part is a `Measure`: a title, a chart, a sentence, a table, and how the table's counts
add up from the base cells (`disclosure.py`), so that what leaves Assure is checked as one.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.safestring import SafeString

from assure.children.care import dates as care_dates
from assure.children.care import exits as care_exits
from assure.children.care import sgo as care_sgo

from . import before_after as ba
from . import charts, disclosure, measures, spc
from .exits import ROUTE_LABELS, ROUTES, Analysis, Exit, month_start_after, period_start

SUPPRESS_BELOW = disclosure.SUPPRESS_BELOW
SUPPRESSED = disclosure.HIDDEN
AFTER_LABEL = {False: "Before the programme start", True: "From the programme start"}
ROUTE_GROUPS: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("decisions", "All exit decisions", care_exits.DECISION_ROUTES),
    ("sgo", "Special guardianship orders", frozenset({"sgo"})),
    ("home", "Returns home (E4A, E4B, E13)", care_exits.RETURN_HOME_ROUTES),
    ("cao", "Child arrangements orders", frozenset({"cao"})),
    ("adoption", "Adoption", frozenset({"adoption"})),
)
ASSESSMENT_BANDS = (
    ("Under 8 weeks", 0, 56),
    ("8 to 16 weeks", 56, 112),
    ("16 to 26 weeks", 112, 182),
    ("26 weeks or more", 182, None),
)
NO_ASSESSMENT = "No assessment recorded"
OUTCOME_KINDS = (
    ("referral", "Referral to children's social care"),
    ("section_47", "Section 47 enquiry"),
    ("child_protection", "Child protection plan"),
)

Terms = dict[Any, int]


@dataclass
class Measure:
    """One part of the page: a chart, a sentence and a table. For disclosure: `terms` gives
    each count cell (row, column) as base cells; `derived` gives each other figure the count
    cells it rests on (None: every count in the table); `shadow_ok` is False for a figure
    that rests on a count of 1 to 4 the table does not show."""

    slug: str
    title: str
    headers: list[str]
    rows: list[list[Any]]
    chart: SafeString | str
    sentence: str
    guide: str = "exits-from-care"
    spc: measures.MeasureChart | None = None
    terms: dict[tuple[int, int], Terms] = field(default_factory=dict)
    derived: dict[tuple[int, int], set[tuple[int, int]] | None] = field(default_factory=dict)
    sentence_rests_on: set[tuple[int, int]] | None = None  # None: the whole table
    shadow_ok: bool = True
    exportable: bool = True
    note: str = ""
    depends_on: tuple[str, ...] = ()  # other measures whose counts its figures rest on

    @property
    def moved(self) -> bool:
        """Special cause variation now, by the one rule (`spc.Chart.moved`)."""
        return bool(self.spc and self.spc.chart.moved)

    @property
    def latest_label(self) -> str:
        """The period (or, on a t chart, the day) of the latest point: MDC's "now"."""
        if not self.spc or not self.spc.chart.points:
            return ""
        return self.spc.labels[self.spc.chart.points[-1].index]

    @property
    def now_text(self) -> str:
        """Where the signal now is, for the list of charts that moved: the latest point, or
        a t chart's open interval already beyond the upper limit."""
        now = self.spc.chart.signal_now() if self.spc else None
        if now is not None and now.open:
            return open_words(self.spc)
        return f"latest point, {self.latest_label}"

    @property
    def open_text(self) -> str:
        """A t chart's open interval in words, for beside its variation icon ("" without)."""
        if not self.spc or self.spc.chart.open_point is None:
            return ""
        return open_words(self.spc)

    @property
    def variation(self) -> str | None:
        return self.spc.chart.variation if self.spc else None

    @property
    def variation_text(self) -> str:
        return spc.VARIATION_TEXT[self.variation] if self.variation else ""

    @property
    def variation_icon(self) -> SafeString | str:
        if not self.spc or not self.spc.chart.points:
            return ""
        now = self.spc.chart.signal_now()
        return charts.variation_icon(self.variation, now.side if now else "")

    @property
    def assurance(self) -> str | None:
        return self.spc.chart.assurance if self.spc else None

    @property
    def assurance_text(self) -> str:
        if self.assurance:
            return spc.ASSURANCE_TEXT[self.assurance]
        if self.spc and self.spc.chart.target is not None:
            return "A target is set, but the chart has too few points to say whether it will be met"
        return "No target is set for this measure"

    @property
    def assurance_icon(self) -> SafeString | str:
        return charts.assurance_icon(self.assurance) if self.assurance else ""


# The sections of the methods page (insights/methods.html), by their anchors: a finding's
# link to its method names the section, for people who hear the links read out.
GUIDE_SECTIONS = {
    "exits-from-care": "Exits, routes and exit decisions",
    "reading-the-charts": "Reading the charts (Making Data Count)",
    "re-entry": "Re-entry within 12 months",
    "re-entry-over-time": "Re-entry over time (cumulative incidence)",
    "adjusted-re-entry": "Re-entry, adjusted for case mix",
    "before-and-after": "Before and after the programme start",
    "interrupted-time-series": "Interrupted time series",
    "audit-grades": "Audit grades of exits",
    "outcomes-after-exit": "Outcomes after exit",
    "disclosure": "What leaves Assure",
}


@dataclass(frozen=True)
class Finding:
    """A sentence of the answer so far, with the part of the page and the guide that back
    it. `rests_on` names (measure slug, row, column) count cells, for disclosure."""

    text: str
    anchor: str
    guide: str
    rests_on: tuple[tuple[str, int, int], ...] = ()
    shadow_ok: bool = True
    depends_on: tuple[str, ...] = ()

    @property
    def guide_section(self) -> str:
        return GUIDE_SECTIONS[self.guide]


@dataclass
class Page:
    analysis: Analysis
    programme_start: dt.date | None
    findings: list[Finding]
    spc_measures: list[Measure]
    sections: list[Measure]
    ledger: disclosure.Ledger
    cells: dict[tuple[str, int, int], int]  # (slug, row, column) -> ledger index

    @property
    def measures(self) -> list[Measure]:
        return self.spc_measures + self.sections

    @property
    def moved(self) -> list[Measure]:
        return [m for m in self.spc_measures if m.moved]

    def get(self, slug: str) -> Measure | None:
        return next((m for m in self.measures if m.slug == slug), None)


# Base cells (for disclosure) ---------------------------------------------------------------


class Base:
    """The finest split of the facts the page counts, with every split a reader could
    think possible (zero or not), so that the disclosure check is the reader's own."""

    def __init__(self, analysis: Analysis, programme_start: dt.date | None) -> None:
        self.analysis, self.programme_start = analysis, programme_start
        self.cells: dict[Any, int] = {}
        self.identities: list[Terms] = []
        self.fixed: set[Any] = set()
        for period in analysis.periods:
            for route in ROUTES:
                for kind in self._kinds(route):
                    for s12 in self._statuses(period):
                        for after in self._afters(period):
                            self.cells[("x", route, kind, period, s12, after)] = 0
        for x in analysis.exits:
            self.cells[self.exit_key(x)] += 1
        # Every count picks exit cells by a test; most pick one period's or one route's, so
        # they are indexed once (in the cells' order) rather than scanned for each count.
        self._exit_keys = [k for k in self.cells if k[0] == "x"]
        self._by_period: dict[dt.date, list[tuple]] = {}
        self._by_route: dict[str, list[tuple]] = {}
        for k in self._exit_keys:
            self._by_period.setdefault(k[3], []).append(k)
            self._by_route.setdefault(k[1], []).append(k)

    def _end(self, period: dt.date) -> dt.date:
        months = 3 if self.analysis.interval == "quarter" else 1
        return min(month_start_after(period, months) - dt.timedelta(days=1), self.analysis.date_to)

    @staticmethod
    def _kinds(route: str) -> tuple[str, ...]:
        if route == "adulthood":
            return ("adulthood",)
        if route in care_exits.DECISION_ROUTES:
            return ("decision", "adulthood")
        return ("other", "adulthood")

    def _statuses(self, period: dt.date) -> tuple[str, ...]:
        today = self.analysis.today
        if care_exits.follow_up_complete(self._end(period), today):
            return ("b", "n")
        if not care_exits.follow_up_complete(max(period, self.analysis.date_from), today):
            return ("w",)
        return ("w", "b", "n")

    def _afters(self, period: dt.date) -> tuple[bool, ...]:
        start = self.programme_start
        if start is None or self._end(period) < start:
            return (False,)
        if max(period, self.analysis.date_from) >= start:
            return (True,)
        return (False, True)

    def after(self, day: dt.date) -> bool:
        return self.programme_start is not None and day >= self.programme_start

    def status(self, x: Exit) -> str:
        if not care_exits.follow_up_complete(x.date, self.analysis.today):
            return "w"
        starts = self.analysis.by_child[x.child].period_starts()
        return "b" if care_exits.reentered(x.date, starts) else "n"

    def exit_key(self, x: Exit) -> tuple:
        period = period_start(x.date, self.analysis.interval)
        return ("x", x.route, x.kind, period, self.status(x), self.after(x.date))

    def exits(
        self,
        test: Callable[[tuple], bool] | None = None,
        *,
        period: dt.date | None = None,
        route: str | None = None,
    ) -> Terms:
        """The exit base cells a count adds up: those of `period` and `route` when given,
        and of those the ones `test` passes (it sees (route, kind, period, status, after))."""
        if period is not None:
            keys = self._by_period.get(period, [])
        elif route is not None:
            keys = self._by_route.get(route, [])
        else:
            keys = self._exit_keys
        return {
            k: 1 for k in keys if (route is None or k[1] == route) and (test is None or test(k[1:]))
        }

    def family(self, name: str, keys: Iterable[Any], values: Counter) -> None:
        for key in keys:
            self.cells[(name, *key)] = values.get(key, 0)


# Measures: SPC -----------------------------------------------------------------------------


def _fmt(value: float | None, percent: bool = False) -> str:
    if value is None:
        return ""
    return f"{100 * value:.1f}%" if percent else f"{value:.1f}"


def _signals(point: spc.Point) -> str:
    return "; ".join(spc.RULE_TEXT[s] for s in point.signals) or "None"


def _when(charted: measures.MeasureChart, point: spc.Point) -> str:
    return charted.labels[point.index]


MEANING_TEXT = {
    spc.IMPROVEMENT: "an improvement",
    spc.CONCERN: "a concern",
    spc.NEITHER: "a real change (neither better nor worse by itself)",
}


def _signal_text(point: spc.Point) -> str:
    way = "high" if point.side == "high" else "low"
    return f"{spc.RULE_TEXT[point.signals[0]]}, {way}"


def _plural_days(days: int) -> str:
    return f"{days} day" if days == 1 else f"{days} days"


def open_words(charted: measures.MeasureChart) -> str:
    """A t chart's open interval in words: "no event for 212 days, from 3 December 2025 to
    15 July 2026, longer than the upper limit of 127 days: events have become rarer"."""
    point, since = charted.chart.open_point, charted.last_event
    if point is None or since is None or charted.open_to is None:
        return ""
    days = round(point.value)
    words = (
        f"no event for {_plural_days(days)}, from {measures.day_label(since)} to "
        f"{measures.day_label(charted.open_to)}"
    )
    if charted.open_to_records:
        words += " (as far as the imported records run)"
    if point.upper is None:
        return words
    # One decimal where the whole days would read as equal to the limit.
    upper = f"{point.upper:.0f}" if round(point.upper) != days else f"{point.upper:.1f}"
    if point.special:
        return f"{words}, longer than the upper limit of {upper} days: events have become rarer"
    return f"{words}, within the upper limit of {upper} days"


def describe(charted: measures.MeasureChart) -> str:
    """The sentence, by Making Data Count's one rule for "now" (`spc.Chart.signal_now`: the
    latest point, or a t chart's open interval already beyond the upper limit): a special
    cause there, what it means for the measure and its date; or common cause now, naming the
    last special cause before it, if there was one, as past. A t chart's open interval that
    is not (yet) a signal is said after it."""
    spec, chart = charted.spec, charted.chart
    if len(chart.points) < 2:
        return f"{spec.subject}: too few points in the period to set process limits."
    base = (
        f"limits from the {chart.baseline_points} points before the programme start, "
        "carried forward"
        if chart.carried_forward
        else f"limits from all {chart.baseline_points} points"
    )
    now = chart.signal_now()
    if now is not None and now.open:
        meaning = MEANING_TEXT[chart.meaning(now.side)]
        return (
            f"{spec.subject}: special cause now: {open_words(charted)}, {meaning}. "
            f"({base.capitalize()}.)"
        )
    sentence = _describe_points(charted, now, base)
    if chart.open_point is not None:
        sentence += f" Since then, {open_words(charted)}."
    return sentence


def _describe_points(charted: measures.MeasureChart, now: spc.Point | None, base: str) -> str:
    spec, chart = charted.spec, charted.chart
    if now is not None:
        meaning = MEANING_TEXT[chart.meaning(now.side)]
        return (
            f"{spec.subject}: special cause at the latest point, {_when(charted, now)} "
            f"({_signal_text(now)}): {meaning}. ({base.capitalize()}.)"
        )
    past = chart.latest_signal()
    if past is None:
        return f"{spec.subject}: common cause variation only ({base}); no sign of a change."
    latest = _when(charted, chart.points[-1])
    return (
        f"{spec.subject}: common cause variation at the latest point, {latest}: no sign of a "
        f"change now. The last special cause was earlier, {_when(charted, past)} "
        f"({_signal_text(past)}). ({base.capitalize()}.)"
    )


def _open_row(charted: measures.MeasureChart, percent: bool) -> list[Any]:
    """A t chart's open interval as the last row of its table, marked "Open, to <day>"."""
    p = charted.chart.open_point
    if p is None:
        return []
    signals = (
        f"{_signals(p)} (open: already longer than the upper limit)"
        if p.special
        else "None yet (open: the time since the latest event is still growing)"
    )
    return [
        charted.open_label[:1].upper() + charted.open_label[1:],
        round(p.value),
        _fmt(p.mean, percent),
        _fmt(p.lower, percent),
        _fmt(p.upper, percent),
        signals,
    ]


def _spc_measure(charted: measures.MeasureChart, base: Base) -> Measure:
    spec, chart = charted.spec, charted.chart
    percent = spec.kind == "p_prime"
    slug = spec.slug.replace("_", "-")
    x_title = "Day of the event" if chart.kind == spc.T else "Month"
    if chart.kind == spc.T:
        y_title = "Days since the one before"
    elif spec.kind == "p_prime":
        y_title = "Share who came back within 12 months"
    elif spec.kind == "u_prime":
        y_title = "Exits per 100 looked after"
    elif spec.kind == "change":
        y_title = "Change in the number looked after"
    else:
        y_title = spec.unit.capitalize() or "Count"
    sentence = describe(charted)
    programme_index = (
        next((i for i, s in enumerate(charted.period_starts) if s >= charted.programme_start), None)
        if charted.programme_start
        else None
    )
    svg = (
        ""
        if len(chart.points) < 2
        else charts.spc_chart(
            chart_id=slug,
            title=spec.title,
            description=sentence,
            chart=chart,
            labels=charted.labels,
            x_title=x_title,
            y_title=y_title,
            programme_index=programme_index,
            percent=percent,
            open_label=charted.open_label,
        )
    )
    measure = Measure(
        slug=slug,
        title=spec.title,
        headers=[],
        rows=[],
        chart=svg,
        sentence=sentence,
        guide=spec.guide,
        spc=charted,
        note=charted.note,
    )
    periods = charted.period_starts
    for row, p in enumerate(chart.points):
        stats = [_fmt(p.mean, percent), _fmt(p.lower, percent), _fmt(p.upper, percent), _signals(p)]
        label = charted.labels[p.index]
        if chart.kind == spc.T:
            measure.rows.append([label, int(p.value), *stats])
            # Every row is one event and its date; the open row says that there were none
            # in the days after the latest, a zero that, left in a download, could pin a
            # hidden count of the same route's months. Neither leaves Assure.
            measure.exportable = False
        elif spec.kind == "change":
            measure.rows.append([label, charted.counts[p.index], int(p.value), *stats])
            measure.terms[(row, 1)] = _stock_terms(base, periods[p.index])
        elif spec.kind == "u_prime":
            measure.rows.append(
                [
                    label,
                    charted.counts[p.index],
                    charted.denominators[p.index],
                    _fmt(p.value),
                    *stats,
                ]
            )
            measure.terms[(row, 1)] = base.exits(period=periods[p.index])
            measure.terms[(row, 2)] = _stock_terms(base, periods[p.index], at_start=True)
        elif spec.kind == "p_prime":
            measure.rows.append(
                [
                    label,
                    charted.denominators[p.index],
                    charted.counts[p.index],
                    _fmt(p.value, True),
                    *stats,
                ]
            )
            s = periods[p.index]
            measure.terms[(row, 1)] = base.exits(
                lambda k: k[1] == "decision" and k[3] in "bn", period=s
            )
            measure.terms[(row, 2)] = base.exits(
                lambda k: k[1] == "decision" and k[3] == "b", period=s
            )
        else:
            measure.rows.append([label, int(p.value), *stats])
            measure.terms[(row, 1)] = _count_terms(spec, base, periods[p.index])
    if chart.open_point is not None:
        measure.rows.append(_open_row(charted, percent))
    width = len(measure.rows[0]) if measure.rows else 0
    measure.derived = {
        (r, c): None
        for r in range(len(measure.rows))
        for c in range(1, width)
        if (r, c) not in measure.terms
    }
    if chart.kind == spc.T:
        measure.headers = [
            "Event",
            "Days since the one before",
            "Mean",
            "Lower limit",
            "Upper limit",
            "Special cause",
        ]
    elif spec.kind == "change":
        measure.headers = [
            "Month",
            "Looked after at the end",
            "Change",
            "Mean",
            "Lower limit",
            "Upper limit",
            "Special cause",
        ]
    elif spec.kind == "u_prime":
        measure.headers = [
            "Month",
            "Exits",
            "Looked after at the start",
            "Per 100",
            "Mean",
            "Lower limit",
            "Upper limit",
            "Special cause",
        ]
    elif spec.kind == "p_prime":
        measure.headers = [
            "Month",
            "Exit decisions followed up 12 months",
            "Back within 12 months",
            "Rate",
            "Mean",
            "Lower limit",
            "Upper limit",
            "Special cause",
        ]
    else:
        measure.headers = ["Month", "Count", "Mean", "Lower limit", "Upper limit", "Special cause"]
    return measure


def _count_terms(spec: measures.MeasureSpec, base: Base, period: dt.date) -> Terms:
    if spec.slug == "entries":
        return {("e", period): 1}
    if spec.slug == "sgo_breakdowns":
        return {k: 1 for k in base.cells if k[0] == "p2" and k[1] == period}
    return base.exits(
        lambda k: (
            (not spec.routes or k[0] in spec.routes)
            and (not spec.exit_kind or k[1] == spec.exit_kind)
        ),
        period=period,
    )


def _stock_terms(base: Base, period: dt.date, *, at_start: bool = False) -> Terms:
    """Looked after at the end of `period` (or the day before it starts) as the reader can
    work it out: the number at the start of the range, plus entries, less exits, and a
    known correction for anything the records do not add up on."""
    periods = base.analysis.periods
    last = periods.index(period) - (1 if at_start else 0)
    terms: Terms = {("s0",): 1}
    for p in periods[: last + 1]:
        terms[("e", p)] = 1
        for k in base.exits(period=p):
            terms[k] = -1
        terms[("sd", p)] = 1
    return terms


def _stock_base(base: Base) -> None:
    """The stock's base cells: the number at the start, entries by period, and for each
    period the correction that makes the sum the count the records give."""
    analysis = base.analysis
    starts = [p - dt.timedelta(days=1) for p in analysis.periods]
    ends = [base._end(p) for p in analysis.periods]
    stock = analysis.looked_after_on([starts[0], *ends]) if starts else [0]
    base.cells[("s0",)] = stock[0]
    entries = Counter(period_start(d, analysis.interval) for d in analysis.entries())
    exits = Counter(period_start(x.date, analysis.interval) for x in analysis.exits)
    running = stock[0]
    for index, period in enumerate(analysis.periods):
        base.cells[("e", period)] = entries.get(period, 0)
        running += entries.get(period, 0) - exits.get(period, 0)
        base.cells[("sd", period)] = stock[index + 1] - running
        base.fixed.add(("sd", period))
        running = stock[index + 1]


# Measures: tables --------------------------------------------------------------------------


def _rate(back: int, total: int) -> str:
    return f"{back / total:.0%}" if total else ""


def _reentry_measure(analysis: Analysis, base: Base) -> Measure:
    """Re-entry within 12 calendar months by route: the rate only over exits whose 12 months
    have run; those still in them are shown apart, never counted as not having come back."""
    headers = [
        "Exit route",
        "Exits",
        "Still in the 12 months",
        "Followed up 12 months",
        "Back within 12 months",
        "Rate",
    ]
    rows, terms = [], {}
    groups = [(ROUTE_LABELS[r], frozenset({r})) for r in ROUTES]
    for index, (label, routes) in enumerate(groups):

        def pick(status: str, routes: frozenset[str] = routes) -> Terms:
            return base.exits(lambda key: key[0] in routes and key[3] in status)

        counts = [pick("wbn"), pick("w"), pick("bn"), pick("b")]
        values = [sum(base.cells[cell] for cell in t) for t in counts]
        rows.append([label, *values, _rate(values[3], values[2])])
        for col, t in enumerate(counts, start=1):
            terms[(index, col)] = t
    total = sum(r[1] for r in rows)
    followed = sum(r[3] for r in rows)
    back = sum(r[4] for r in rows)
    decisions = [
        r for r, route in zip(rows, ROUTES, strict=True) if route in care_exits.DECISION_ROUTES
    ]
    dec_f, dec_b = sum(r[3] for r in decisions), sum(r[4] for r in decisions)
    sentence = (
        f"Of {total} exits in the period, {followed} have had their full 12 months; "
        f"{back} of those children came back into care within them. Of the exit decisions "
        f"followed up, {dec_b} of {dec_f} came back"
        + (f" ({dec_b / dec_f:.1%})." if dec_f else ".")
        + f" The other {total - followed} exits are still in their 12 months and are not in "
        "any rate."
    )
    return Measure(
        slug="reentry",
        title="Re-entry to care within 12 months, by exit route",
        headers=headers,
        rows=rows,
        chart=charts.bar_chart(
            chart_id="reentry",
            title="Re-entry within 12 months, by exit route (exits followed up 12 months)",
            description=sentence,
            bars=[(r[0], None if not r[3] else round(100 * r[4] / r[3], 1)) for r in rows],
            unit="%",
            x_title="Share who came back into care within 12 months",
        ),
        sentence=sentence,
        guide="re-entry",
        terms=terms,
        derived={(r, 5): {(r, 3), (r, 4)} for r in range(len(rows))},
    )


def _cases(analysis: Analysis, base: Base, routes: frozenset[str]) -> list[Exit]:
    return [x for x in analysis.exits if x.decision and x.route in routes]


def _compare_reentry(analysis: Analysis, base: Base) -> tuple[Measure, list[Finding]]:
    """Re-entry before and after the programme start, by route group, exits followed up."""
    headers = [
        "Exit route",
        "Period",
        "Exit decisions followed up 12 months",
        "Back within 12 months",
        "Rate (95% CI)",
        "Change (95% CI)",
    ]
    rows, terms, derived, findings = [], {}, {}, []
    for label, routes in ((g[1], g[2]) for g in ROUTE_GROUPS):
        pair = {}
        for after in (False, True):
            row = len(rows)
            followed = base.exits(
                lambda k, a=after, routes=routes: (
                    k[0] in routes and k[1] == "decision" and k[3] in "bn" and k[4] == a
                )
            )
            came = {
                k: 1 for k in followed if k[4] == "b"
            }  # ("x", route, kind, period, status, after)
            n = sum(base.cells[k] for k in followed)
            x = sum(base.cells[k] for k in came)
            interval = ba.wilson(x, n)
            pair[after] = (x, n)
            rows.append(
                [
                    label,
                    AFTER_LABEL[after],
                    n,
                    x,
                    f"{ba.pct(interval.estimate)} ({ba.pct(interval.lower)} to "
                    f"{ba.pct(interval.upper)})"
                    if interval
                    else "",
                    "",
                ]
            )
            terms[(row, 2)], terms[(row, 3)] = followed, came
            derived[(row, 4)] = {(row, 2), (row, 3)}
        diff = ba.difference(pair[False][::-1], pair[True][::-1])
        if diff is not None:
            rows[-1][5] = (
                f"{ba.signed(100 * diff.estimate, ' points')} ({ba.signed(100 * diff.lower)} "
                f"to {ba.signed(100 * diff.upper)})"
            )
            derived[(len(rows) - 1, 5)] = {
                (len(rows) - 2, 2),
                (len(rows) - 2, 3),
                (len(rows) - 1, 2),
                (len(rows) - 1, 3),
            }
        if label == "All exit decisions" and diff is not None:
            b0, b1 = ba.wilson(*pair[False]), ba.wilson(*pair[True])
            r = len(rows) - 2
            findings.append(
                Finding(
                    text=(
                        f"Re-entry within 12 months of an exit decision (counting only exits "
                        f"whose 12 months have run): {ba.pct(b0.estimate)} before the "
                        f"programme start ({pair[False][0]} of {pair[False][1]}; "
                        f"{ba.ci_text(b0, ba.pct)}) and {ba.pct(b1.estimate)} from it "
                        f"({pair[True][0]} of {pair[True][1]}; {ba.ci_text(b1, ba.pct)}): "
                        f"a change of {ba.signed(100 * diff.estimate, ' percentage points')} "
                        f"({ba.ci_text(diff, lambda v: ba.signed(100 * v))})."
                        + (
                            " The interval includes no change."
                            if not diff.excludes(0)
                            else " The interval excludes no change."
                        )
                    ),
                    anchor="compare-reentry",
                    guide="before-and-after",
                    rests_on=(
                        ("compare-reentry", r, 2),
                        ("compare-reentry", r, 3),
                        ("compare-reentry", r + 1, 2),
                        ("compare-reentry", r + 1, 3),
                    ),
                )
            )
    measure = Measure(
        slug="compare-reentry",
        title="Re-entry within 12 months before and after the programme start",
        headers=headers,
        rows=rows,
        chart="",
        sentence=findings[0].text
        if findings
        else (
            "Too few exit decisions followed up for 12 months on one side of the programme "
            "start to compare re-entry."
        ),
        guide="before-and-after",
        terms=terms,
        derived=derived,
        sentence_rests_on={(0, 2), (0, 3), (1, 2), (1, 3)},
    )
    return measure, findings


def _adjusted(analysis: Analysis, base: Base) -> Finding | None:
    cases = [
        ba.ExitCase(
            after=base.after(x.date),
            reentered=base.status(x) == "b",
            age=x.age,
            days_in_care=x.days_in_care,
            earlier_periods=x.earlier_periods,
            legal_status=x.legal_status,
        )
        for x in analysis.exits
        if x.decision and base.status(x) != "w"
    ]
    odds = ba.adjusted_odds_ratio(cases)
    if odds is None:
        return None
    return Finding(
        text=(
            "Allowing for age at exit, time in care, earlier periods of care and legal status "
            f"(logistic regression), the odds of re-entry after an exit decision from the "
            f"programme start were {odds.estimate:.2f} times those before "
            f"({ba.ci_text(odds)})."
        ),
        anchor="compare-reentry",
        guide="adjusted-re-entry",
        rests_on=(
            ("compare-reentry", 0, 2),
            ("compare-reentry", 0, 3),
            ("compare-reentry", 1, 2),
            ("compare-reentry", 1, 3),
        ),
    )


def _incidence(analysis: Analysis, base: Base) -> Measure:
    """Cumulative incidence of re-entry after exit decisions, before and after, by route."""
    rows, terms, derived, curves = [], {}, {}, []
    shadow_ok = True
    for key, label, routes in ROUTE_GROUPS[:3]:
        for after in (False, True):
            chosen = [x for x in _cases(analysis, base, routes) if base.after(x.date) == after]
            cases = []
            for x in chosen:
                starts = analysis.by_child[x.child].period_starts()
                later = [s for s in starts if s > x.date]
                dob = analysis.by_child[x.child].date_of_birth
                cases.append(
                    ba.incidence_case(
                        exit_date=x.date,
                        after=after,
                        next_start=min(later, default=None),
                        eighteenth=care_dates.birthday(dob, 18) if dob else None,
                        today=analysis.today,
                    )
                )
            curve = ba.cumulative_incidence(f"{label}: {AFTER_LABEL[after].lower()}", cases)
            events = sum(c.event == 1 for c in cases)
            if 0 < events < SUPPRESS_BELOW or 0 < len(cases) - events < SUPPRESS_BELOW:
                shadow_ok = False
            row = len(rows)
            cells = []
            for months in (6, 12, 24):
                got = curve.at(months) if curve else None
                cells.append(
                    f"{ba.pct(got[0])} ({ba.pct(got[1])} to {ba.pct(got[2])})" if got else ""
                )
            rows.append([label, AFTER_LABEL[after], len(cases), *cells])
            terms[(row, 2)] = base.exits(
                lambda k, a=after, routes=routes: (
                    k[0] in routes and k[1] == "decision" and k[4] == a
                )
            )
            for col in (3, 4, 5):
                derived[(row, col)] = {(row, 2)}
            if curve and key == "decisions":
                curves.append((AFTER_LABEL[after], curve.points))
    description = (
        "Cumulative incidence of re-entry after an exit decision, before and from the "
        "programme start, with 95% bands; reaching 18 is a competing risk."
    )
    chart = charts.curve_chart(
        chart_id="reentry-incidence",
        title="Re-entry after an exit decision: cumulative incidence",
        description=description,
        curves=curves,
        x_title="Months since the exit",
        y_title="Came back into care",
        x_max=24,
    )
    return Measure(
        slug="reentry-incidence",
        title="Re-entry over time after an exit decision (cumulative incidence)",
        headers=[
            "Exit route",
            "Period",
            "Exit decisions",
            "By 6 months (95% CI)",
            "By 12 months (95% CI)",
            "By 24 months (95% CI)",
        ],
        rows=rows,
        chart=chart,
        sentence=description,
        guide="re-entry-over-time",
        terms=terms,
        derived=derived,
        shadow_ok=shadow_ok,
        sentence_rests_on=set(),
    )


def _its(
    analysis: Analysis, base: Base, programme_start: dt.date | None
) -> tuple[Measure, list[Finding]]:
    """Interrupted time series of entries, exits and looked-after numbers."""
    periods = analysis.periods
    start = (
        next((i for i, p in enumerate(periods) if p >= programme_start), None)
        if (programme_start)
        else None
    )
    ends = [base._end(p) for p in periods]
    series = {
        "Entries to care a month": (analysis.entries_by_period(), "entries"),
        "Exit decisions a month": (
            analysis.count_by_period(x for x in analysis.exits if x.decision),
            "exit decisions",
        ),
        "Children looked after at the month end": (analysis.looked_after_on(ends), "children"),
    }
    rows, findings = [], []
    for label, (values, unit) in series.items():
        fit = ba.segmented(values, start) if start is not None else None
        if fit is None:
            rows.append([label, start or 0, len(values) - (start or 0), "", "", ""])
            continue
        rows.append(
            [
                label,
                fit.months_before,
                fit.months_after,
                f"{fit.slope_before.estimate:+.2f} ({fit.slope_before.lower:+.2f} to "
                f"{fit.slope_before.upper:+.2f})",
                f"{fit.level_change.estimate:+.1f} ({fit.level_change.lower:+.1f} to "
                f"{fit.level_change.upper:+.1f})",
                f"{fit.slope_change.estimate:+.2f} ({fit.slope_change.lower:+.2f} to "
                f"{fit.slope_change.upper:+.2f})",
            ]
        )
        findings.append(
            Finding(
                text=(
                    f"{label.split(' a month')[0].split(' at the')[0]}: before the programme "
                    f"start the number changed by {fit.slope_before.estimate:+.2f} "
                    f"{unit} a month ({ba.ci_text(fit.slope_before)}); at the start it "
                    f"{'rose' if fit.level_change.estimate >= 0 else 'fell'} by "
                    f"{abs(fit.level_change.estimate):.1f} ({ba.ci_text(fit.level_change)}), "
                    f"and from then it changed by {fit.slope_after:+.2f} a month, "
                    f"{fit.slope_change.estimate:+.2f} against before "
                    f"({ba.ci_text(fit.slope_change)})."
                ),
                anchor="its",
                guide="interrupted-time-series",
                depends_on=ITS_SERIES,
            )
        )
    sentence = (
        "A segmented regression of each monthly series with the programme start as the break, "
        "allowing for one month leaning on the last (first-order autocorrelation)."
        if start is not None
        else "Set a programme start with at least 6 months either side to test for a change."
    )
    measure = Measure(
        slug="its",
        title="Entries, exit decisions and looked-after numbers: interrupted time series",
        headers=[
            "Series",
            "Months before",
            "Months after",
            "Change a month before (95% CI)",
            "Change of level at the start (95% CI)",
            "Change of slope after (95% CI)",
        ],
        rows=rows,
        chart="",
        sentence=sentence,
        guide="interrupted-time-series",
    )
    # The fits rest on every monthly count of the three series' charts.
    measure.derived = {(r, c): None for r in range(len(rows)) for c in (3, 4, 5)}
    measure.sentence_rests_on = set()
    measure.depends_on = ITS_SERIES
    return measure, findings


ITS_SERIES = ("entries", "exit-decisions", "looked-after")


def _rate_ratio(
    analysis: Analysis, base: Base, programme_start: dt.date | None
) -> tuple[Measure, list[Finding]]:
    periods = analysis.periods
    rows, terms, derived, findings = [], {}, {}, []
    groups = (
        ("Exit decisions", lambda k: k[1] == "decision"),
        ("Exits on reaching adulthood", lambda k: k[1] == "adulthood"),
        ("All exits", lambda k: True),
    )
    counts = {}
    for label, test in groups:
        by_period = [sum(base.cells[k] for k in base.exits(test, period=p)) for p in periods]
        counts[label] = by_period
    for label, test in groups:
        by_period = counts[label]
        if programme_start is None:
            continue
        split = next((i for i, p in enumerate(periods) if p >= programme_start), len(periods))
        before, after = by_period[:split], by_period[split:]
        # Whole periods only: a period the start cuts counts on neither side.
        if split < len(periods) and periods[split] != programme_start and split > 0:
            pass
        ratio = ba.rate_ratio(before, after)
        row = len(rows)
        rows.append(
            [
                label,
                sum(before),
                len(before),
                sum(after),
                len(after),
                f"{statistics.fmean(before):.1f}" if before else "",
                f"{statistics.fmean(after):.1f}" if after else "",
                f"{ratio.estimate:.2f} ({ratio.lower:.2f} to {ratio.upper:.2f})" if ratio else "",
            ]
        )
        early, late = set(periods[:split]), set(periods[split:])
        terms[(row, 1)] = base.exits(lambda k, t=test, s=early: t(k) and k[2] in s)
        terms[(row, 3)] = base.exits(lambda k, t=test, s=late: t(k) and k[2] in s)
        derived.update({(row, 5): {(row, 1)}, (row, 6): {(row, 3)}, (row, 7): {(row, 1), (row, 3)}})
        if ratio and label == "Exit decisions":
            findings.append(
                Finding(
                    text=(
                        f"Exit decisions averaged {statistics.fmean(before):.1f} a "
                        f"{analysis.interval} before the programme start and "
                        f"{statistics.fmean(after):.1f} from it: {ratio.estimate:.2f} times as "
                        f"many ({ba.ci_text(ratio)})."
                    ),
                    anchor="rate-ratio",
                    guide="before-and-after",
                    rests_on=(("rate-ratio", row, 1), ("rate-ratio", row, 3)),
                )
            )
    measure = Measure(
        slug="rate-ratio",
        title="Exits a month before and after the programme start",
        headers=[
            "Exits",
            "Before",
            "Months before",
            "After",
            "Months after",
            "Mean before",
            "Mean after",
            "Rate ratio (95% CI)",
        ],
        rows=rows,
        chart="",
        sentence=findings[0].text
        if findings
        else ("Set a programme start with at least 6 months either side to compare exits."),
        guide="before-and-after",
        terms=terms,
        derived=derived,
        sentence_rests_on={(0, 1), (0, 3)},
    )
    return measure, findings


def _time_measures(
    analysis: Analysis, base: Base, assessment_starts: dict[int, list[dt.date]] | None
) -> tuple[Measure, Measure | None, list[Finding]]:
    """Time in care before exit by route, and before and after for exit decisions; the SGO
    assessment's length in bands and before and after."""
    rows, terms, derived = [], {}, {}
    for index, route in enumerate(ROUTES):
        days = [x.days_in_care for x in analysis.exits if x.route == route]
        rows.append(
            [ROUTE_LABELS[route], len(days), f"{statistics.median(days):g}" if days else ""]
        )
        terms[(index, 1)] = base.exits(route=route)
        derived[(index, 2)] = {(index, 1)}
    findings = []
    time_rows = []
    if base.programme_start:
        before = [x.days_in_care for x in analysis.exits if x.decision and not base.after(x.date)]
        after = [x.days_in_care for x in analysis.exits if x.decision and base.after(x.date)]
        diff = ba.median_difference(before, after)
        for flag, values in ((False, before), (True, after)):
            row = len(rows)
            rows.append(
                [
                    f"Exit decisions: {AFTER_LABEL[flag].lower()}",
                    len(values),
                    f"{statistics.median(values):g}" if values else "",
                ]
            )
            terms[(row, 1)] = base.exits(lambda k, a=flag: k[1] == "decision" and k[4] == a)
            derived[(row, 2)] = {(row, 1)}
            time_rows.append(row)
        if diff:
            findings.append(
                Finding(
                    text=(
                        "Median time in care before an exit decision: "
                        f"{statistics.median(before):g} days before the programme start and "
                        f"{statistics.median(after):g} from it, a difference of "
                        f"{diff.estimate:+g} days ({ba.ci_text(diff, _days)})."
                    ),
                    anchor="time-in-care",
                    guide="before-and-after",
                    rests_on=tuple(("time-in-care", r, 1) for r in time_rows),
                )
            )
    known = [r for r in rows[: len(ROUTES)] if r[2] and r[1] >= SUPPRESS_BELOW]
    sentence = (
        "Median days in care before leaving: "
        + "; ".join(f"{r[0].lower()} {r[2]}" for r in known)
        + "."
        if known
        else "Too few exits in the period to compare time in care by route."
    )
    time_measure = Measure(
        slug="time-in-care",
        title="Time in care before exit (median days)",
        headers=["Exit route", "Exits", "Median days in care"],
        rows=rows,
        chart=charts.bar_chart(
            chart_id="time-in-care",
            title="Median days in care before exit, by exit route",
            description=sentence,
            bars=[(r[0], float(r[2]) if r[2] else None) for r in rows[: len(ROUTES)]],
            unit=" days",
            x_title="Median days in care",
        ),
        sentence=sentence,
        terms=terms,
        derived=derived,
    )
    if assessment_starts is None:
        return time_measure, None, findings
    sgo_exits = [x for x in analysis.exits if x.route == "sgo"]
    lengths: dict[int, tuple[str, bool, int | None]] = {}
    for i, x in enumerate(sgo_exits):
        before = [d for d in assessment_starts.get(x.child, []) if d <= x.date]
        days = (x.date - max(before)).days if before else None
        band = NO_ASSESSMENT
        if days is not None:
            band = next(
                lbl
                for lbl, low, high in ASSESSMENT_BANDS
                if low <= days and (high is None or days < high)
            )
        lengths[i] = (band, base.after(x.date), days)
    bands = [b for b, _, _ in ASSESSMENT_BANDS] + [NO_ASSESSMENT]
    afters = (False, True) if base.programme_start else (False,)
    base.family(
        "a",
        [(b, a) for b in bands for a in afters],
        Counter((b, a) for b, a, _ in lengths.values()),
    )
    for a in afters:
        identity = {("a", b, a): 1 for b in bands}
        identity.update({k: -1 for k in base.exits(lambda k, a=a: k[4] == a, route="sgo")})
        base.identities.append(identity)
    rows, terms, derived = [], {}, {}
    for index, band in enumerate(bands):
        rows.append([band, sum(1 for b, _, _ in lengths.values() if b == band)])
        terms[(index, 1)] = {("a", band, a): 1 for a in afters}
    days_all = [d for _, _, d in lengths.values() if d is not None]
    median = statistics.median(days_all) if days_all else None
    sentence = (
        f"Of {len(sgo_exits)} exits through special guardianship orders, {len(days_all)} had an "
        f"SGO assessment recorded; the median time from its start to the order was "
        f"{median:g} days ({rows[0][1]} under 8 weeks)."
        if days_all
        else "No exit through a special guardianship order in the period had an SGO assessment "
        "recorded."
    )
    if base.programme_start:
        before = [d for _, a, d in lengths.values() if d is not None and not a]
        after = [d for _, a, d in lengths.values() if d is not None and a]
        diff = ba.median_difference(before, after)
        rows_before = len(rows)
        for flag, values in ((False, before), (True, after)):
            row = len(rows)
            rows.append([f"With an assessment: {AFTER_LABEL[flag].lower()}", len(values)])
            terms[(row, 1)] = {("a", b, flag): 1 for b, _, _ in ASSESSMENT_BANDS}
        if diff:
            findings.append(
                Finding(
                    text=(
                        f"Median time from the SGO assessment starting to the order: "
                        f"{statistics.median(before):g} days before the programme start and "
                        f"{statistics.median(after):g} from it, a difference of {diff.estimate:+g} "
                        f"days ({ba.ci_text(diff, _days)})."
                    ),
                    anchor="sgo-assessment",
                    guide="before-and-after",
                    rests_on=(
                        ("sgo-assessment", rows_before, 1),
                        ("sgo-assessment", rows_before + 1, 1),
                    ),
                )
            )
    assessment = Measure(
        slug="sgo-assessment",
        title="Time from the SGO assessment starting to the order",
        headers=["Time from assessment start to order", "SGO exits"],
        rows=rows,
        chart=charts.bar_chart(
            chart_id="sgo-assessment",
            title="SGO exits by time from the assessment starting to the order",
            description=sentence,
            bars=[(r[0], float(r[1])) for r in rows[: len(bands)]],
            x_title="SGO exits",
        ),
        sentence=sentence,
        terms=terms,
        derived=derived,
    )
    return time_measure, assessment, findings


def _days(value: float) -> str:
    return f"{value:+.0f}"


def _grades_measure(
    analysis: Analysis, base: Base, grades: dict[tuple[int, dt.date], Any]
) -> tuple[Measure, list[Finding]]:
    labels = sorted({(g.position, g.label, g.below_good) for g in grades.values()})
    names = [label for _, label, _ in labels]
    below_names = {label for _, label, below in labels if below}
    afters = (False, True) if base.programme_start else (False,)
    seen = Counter()
    for x in analysis.exits:
        g = grades.get((x.child, x.date))
        seen[(x.route, g.label if g else "none", base.after(x.date))] += 1
    base.family("g", [(r, n, a) for r in ROUTES for n in [*names, "none"] for a in afters], seen)
    for r in ROUTES:
        for a in afters:
            identity = {("g", r, n, a): 1 for n in [*names, "none"]}
            identity.update({k: -1 for k in base.exits(lambda k, a=a: k[4] == a, route=r)})
            base.identities.append(identity)
    rows, terms, bars = [], {}, []
    for index, route in enumerate(ROUTES):
        cells = [
            base.exits(route=route),
            {("g", route, n, a): 1 for n in names for a in afters},
        ]
        cells += [{("g", route, n, a): 1 for a in afters} for n in names]
        cells.append({("g", route, n, a): 1 for n in below_names for a in afters})
        values = [sum(base.cells[k] * c for k, c in t.items()) for t in cells]
        rows.append([ROUTE_LABELS[route], *values])
        for col, t in enumerate(cells, start=1):
            terms[(index, col)] = t
        bars.append(
            (ROUTE_LABELS[route], round(100 * values[-1] / values[1], 1) if values[1] else None)
        )
    audited = sum(r[2] for r in rows)
    below_all = sum(r[-1] for r in rows)
    sentence = (
        f"{audited} of {len(analysis.exits)} exits had an audit closed within a year of leaving; "
        f"{below_all} of those audits were graded below good."
        if audited
        else "None of the exits in the period had an audit closed within a year of leaving."
    )
    findings = []
    if base.programme_start:
        pair = {}
        for flag in (False, True):
            row = len(rows)
            audited_t = {("g", r, n, flag): 1 for r in care_exits.DECISION_ROUTES for n in names}
            below_t = {
                ("g", r, n, flag): 1 for r in care_exits.DECISION_ROUTES for n in below_names
            }
            n = sum(base.cells[k] for k in audited_t)
            b = sum(base.cells[k] for k in below_t)
            pair[flag] = (b, n)
            rows.append(
                [f"Exit decisions: {AFTER_LABEL[flag].lower()}", "", n] + [""] * len(names) + [b]
            )
            terms[(row, 2)], terms[(row, len(names) + 3)] = audited_t, below_t
        diff = ba.difference(pair[False], pair[True])
        if diff:
            findings.append(
                Finding(
                    text=(
                        f"Audits of exit decisions graded below good: {pair[False][0]} of "
                        f"{pair[False][1]} before the programme start and {pair[True][0]} of "
                        f"{pair[True][1]} from it, a change of "
                        f"{ba.signed(100 * diff.estimate, ' percentage points')} "
                        f"({ba.ci_text(diff, lambda v: ba.signed(100 * v))})."
                    ),
                    anchor="audit-grades",
                    guide="before-and-after",
                    rests_on=(
                        ("audit-grades", len(rows) - 2, 2),
                        ("audit-grades", len(rows) - 2, len(names) + 3),
                        ("audit-grades", len(rows) - 1, 2),
                        ("audit-grades", len(rows) - 1, len(names) + 3),
                    ),
                )
            )
    return Measure(
        slug="audit-grades",
        title="Audit grades of the exits, by exit route",
        headers=["Exit route", "Exits", "Audited", *names, "Below good"],
        rows=rows,
        chart=charts.bar_chart(
            chart_id="audit-grades",
            title="Share of audited exits graded below good, by exit route",
            description=sentence,
            bars=bars,
            unit="%",
            x_title="Share of audited exits graded below good",
        ),
        sentence=sentence,
        terms=terms,
        guide="audit-grades",
    ), findings


def _sgo_breakdowns(analysis: Analysis, base: Base) -> Measure:
    """Broken-down SGOs tied to the order that broke down: a P2 entry is tied to the child's
    SGO exit on or before the order's date (DATE_PERM) when Assure holds one; the order's
    length is from that exit to the new period of care."""
    tied_rows = []
    for child, when in analysis.p2_records:
        history = analysis.by_child.get(child)
        if history is None:
            continue
        start = care_sgo.period_after_order(history.period_starts(), when)
        if start is None or not analysis.date_from <= start <= analysis.date_to:
            continue
        after = care_sgo.permanence_after(when)
        orders = [
            x
            for x in _all_exits(history)
            if x[1] == "sgo" and x[0] < start and (after is None or x[0] <= after)
        ]
        order = max(orders, default=None)
        tied_rows.append((start, order[0] if order else None))
    periods = analysis.periods
    seen = Counter((period_start(s, analysis.interval), o is not None) for s, o in tied_rows)
    base.family("p2", [(p, t) for p in periods for t in (False, True)], seen)
    tied = [(s, o) for s, o in tied_rows if o is not None]
    months = [(s - o).days / ba.DAYS_PER_MONTH for s, o in tied]
    rows = [
        ["Entries after an SGO broke down (P2)", len(tied_rows), ""],
        [
            "Tied to an SGO exit Assure holds",
            len(tied),
            f"{statistics.median(months):.0f}" if months else "",
        ],
        [
            "Not tied (an order made elsewhere, or before the records)",
            len(tied_rows) - len(tied),
            "",
        ],
    ]
    terms = {
        (0, 1): {k: 1 for k in base.cells if k[0] == "p2"},
        (1, 1): {k: 1 for k in base.cells if k[0] == "p2" and k[2]},
        (2, 1): {k: 1 for k in base.cells if k[0] == "p2" and not k[2]},
    }
    sentence = (
        f"{len(tied_rows)} children entered care in the period after an SGO broke down; "
        f"{len(tied)} of those orders were exits Assure holds, lasting a median of "
        f"{statistics.median(months):.0f} months."
        if months
        else f"{len(tied_rows)} children entered care in the period after an SGO broke down; "
        "none of those orders is an exit Assure holds."
    )
    return Measure(
        slug="sgo-breakdowns-tied",
        title="SGOs that broke down, tied to the order",
        headers=["Children", "Count", "Median months the order lasted"],
        rows=rows,
        chart="",
        sentence=sentence,
        guide="outcomes-after-exit",
        terms=terms,
        derived={(1, 2): {(1, 1)}},
    )


def _all_exits(history: Any) -> list[tuple[dt.date, str]]:
    from assure.children.care import periods

    return [(x.date, care_exits.route_of(x.reason)) for x in periods.exits_of(history.episodes)]


def _outcomes(
    analysis: Analysis, base: Base, events: dict[int, list[tuple[str, dt.date]]] | None
) -> Measure:
    """Referrals, section 47 enquiries and child protection plans within 12 months of an
    exit decision whose 12 months have run (Annex A lists 3, 5 and 7)."""
    headers = [
        "Exit route",
        "Exit decisions followed up 12 months",
        *[label for _, label in OUTCOME_KINDS],
        "Any of these",
    ]
    if events is None:
        return Measure(
            slug="outcomes",
            title="Outcomes within 12 months of an exit decision",
            headers=headers,
            rows=[],
            chart="",
            sentence=(
                "Referrals, section 47 enquiries and child protection plans after an exit "
                "come from Ofsted's Annex A lists 3, 5 and 7, which have not been loaded."
            ),
            guide="outcomes-after-exit",
        )
    seen = Counter()
    followed = [x for x in analysis.exits if x.decision and base.status(x) != "w"]
    for x in followed:
        deadline = care_dates.add_months(x.date, 12)
        kinds = {k for k, d in events.get(x.child, []) if x.date < d <= deadline}
        for kind, _ in OUTCOME_KINDS:
            seen[(x.route, kind)] += kind in kinds
        seen[(x.route, "any")] += bool(kinds & {k for k, _ in OUTCOME_KINDS})
    keys = [
        (r, k) for r in care_exits.DECISION_ROUTES for k in [*(k for k, _ in OUTCOME_KINDS), "any"]
    ]
    base.family("o", keys, seen)
    rows, terms, derived = [], {}, {}
    for index, route in enumerate(r for r in ROUTES if r in care_exits.DECISION_ROUTES):
        n_terms = base.exits(lambda k: k[1] == "decision" and k[3] in "bn", route=route)
        row = [ROUTE_LABELS[route], sum(base.cells[k] for k in n_terms)]
        terms[(index, 1)] = n_terms
        for col, kind in enumerate([*(k for k, _ in OUTCOME_KINDS), "any"], start=2):
            row.append(seen[(route, kind)])
            terms[(index, col)] = {("o", route, kind): 1}
        rows.append(row)
    total = sum(r[1] for r in rows)
    anyone = sum(r[-1] for r in rows)
    sentence = (
        f"Of {total} exit decisions whose 12 months have run, {anyone} were followed within "
        "12 months by a referral, a section 47 enquiry or a child protection plan."
    )
    return Measure(
        slug="outcomes",
        title="Outcomes within 12 months of an exit decision",
        headers=headers,
        rows=rows,
        chart="",
        sentence=sentence,
        guide="outcomes-after-exit",
        terms=terms,
        derived=derived,
    )


# The page ----------------------------------------------------------------------------------


def build(
    analysis: Analysis,
    *,
    programme_start: dt.date | None,
    grades: dict[tuple[int, dt.date], Any] | None = None,
    assessment_starts: dict[int, list[dt.date]] | None = None,
    events: dict[int, list[tuple[str, dt.date]]] | None = None,
    rebases: dict[str, list[dt.date]] | None = None,
    targets: dict[str, float] | None = None,
) -> Page:
    base = Base(analysis, programme_start)
    _stock_base(base)
    charted = measures.chart_all(
        analysis, programme_start=programme_start, rebases=rebases, targets=targets
    )
    # P2 entries' base cells are made by the breakdown measure; make them first.
    breakdowns = _sgo_breakdowns(analysis, base)
    spc_measures = [_spc_measure(c, base) for c in charted]
    findings: list[Finding] = []
    sections: list[Measure] = []
    rate, found = _rate_ratio(analysis, base, programme_start)
    findings += found
    its, found = _its(analysis, base, programme_start)
    findings += found
    sections += [rate, its]
    sections.append(_reentry_measure(analysis, base))
    if programme_start:
        compare, found = _compare_reentry(analysis, base)
        findings += found
        adjusted = _adjusted(analysis, base)
        if adjusted:
            findings.append(adjusted)
        sections += [compare, _incidence(analysis, base)]
    time_measure, assessment, found = _time_measures(analysis, base, assessment_starts)
    findings += found
    sections.append(time_measure)
    if assessment:
        sections.append(assessment)
    if grades is not None:
        graded, found = _grades_measure(analysis, base, grades)
        findings += found
        sections.append(graded)
    sections += [breakdowns, _outcomes(analysis, base, events)]
    for m in spc_measures:
        # The summary names the charts that moved by the same rule as their list and their
        # sentences (`spc.Chart.moved`), in those sentences' words.
        if m.moved:
            findings.append(
                Finding(
                    text=m.sentence,
                    anchor=m.slug,
                    guide="reading-the-charts",
                    rests_on=tuple((m.slug, r, c) for (r, c) in m.terms),
                    shadow_ok=m.exportable,
                )
            )
    ledger = disclosure.Ledger(base=dict(base.cells), identities=base.identities, fixed=base.fixed)
    cells = {}
    for m in spc_measures + sections:
        if not m.exportable:
            continue
        for (r, c), t in m.terms.items():
            cells[(m.slug, r, c)] = ledger.add(t, label=f"{m.slug} {r} {c}")
    return Page(
        analysis=analysis,
        programme_start=programme_start,
        findings=findings,
        spc_measures=spc_measures,
        sections=sections,
        ledger=ledger,
        cells=cells,
    )


# What leaves Assure ------------------------------------------------------------------------


@dataclass
class Export:
    """The page with disclosure control applied: which count cells are hidden."""

    page: Page
    hidden: set[int]

    def hidden_cell(self, slug: str, row: int, col: int) -> bool:
        index = self.page.cells.get((slug, row, col))
        return index is not None and index in self.hidden

    def _measure_hidden(self, m: Measure) -> bool:
        return any(self.hidden_cell(m.slug, r, c) for (r, c) in m.terms)

    def _depends_hidden(self, slugs: tuple[str, ...]) -> bool:
        """A figure that rests on other measures' counts: hidden when any of theirs is, or
        when one is not exported at all (a t chart's events)."""
        for slug in slugs:
            other = self.page.get(slug)
            if other is None or not other.exportable or self._measure_hidden(other):
                return True
        return False

    def rows(self, m: Measure) -> list[list[Any]]:
        if not m.exportable:
            return []
        any_hidden = self._measure_hidden(m) or self._depends_hidden(m.depends_on)
        out = []
        for r, row in enumerate(m.rows):
            cells = []
            for c, value in enumerate(row):
                if (r, c) in m.terms:
                    cells.append(SUPPRESSED if self.hidden_cell(m.slug, r, c) else value)
                elif (r, c) in m.derived:
                    rests = m.derived[(r, c)]
                    hidden = (
                        (
                            any_hidden
                            if rests is None
                            else any(self.hidden_cell(m.slug, rr, cc) for rr, cc in rests)
                        )
                        or not m.shadow_ok
                        or self._depends_hidden(m.depends_on)
                    )
                    cells.append(SUPPRESSED if hidden and value not in ("", None) else value)
                else:
                    cells.append(value)
            out.append(cells)
        return out

    def sentence(self, m: Measure) -> str:
        rests = m.sentence_rests_on
        hidden = (
            self._measure_hidden(m)
            if rests is None
            else any(self.hidden_cell(m.slug, r, c) for r, c in rests)
        )
        if hidden or not m.shadow_ok or not m.exportable or self._depends_hidden(m.depends_on):
            return (
                "Some of the figures this rests on are 1 to 4 children, or would let one be worked "
                "out, so they are not shown here; see the page in Assure."
            )
        return m.sentence

    def findings(self) -> list[str]:
        shown = []
        for f in self.page.findings:
            if not f.shadow_ok or any(self.hidden_cell(*cell) for cell in f.rests_on):
                continue
            if self._depends_hidden(f.depends_on):
                continue
            shown.append(f.text)
        return shown


def export(page: Page) -> Export:
    return Export(page=page, hidden=page.ledger.protect())
