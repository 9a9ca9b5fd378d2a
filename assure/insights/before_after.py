"""Before and after the drive to reduce looked-after numbers: the estimates, each with a 95%
confidence interval, and the words a director reads.

The statistics come from statsmodels (numpy and scipy under it); the choices are recorded in
docs/decisions/0008 and explained in the user guide ("How the before-and-after figures are
worked out"):

- **Interrupted time series** for monthly entries, exits and looked-after numbers: a
  segmented regression (level and slope before, a change of level at the programme start and
  a change of slope after it), fitted by generalised least squares with first-order
  autoregressive errors (statsmodels GLSAR, iterated), because one month's figure leans on
  the last's and ordinary least squares would give intervals too narrow. At least
  `MIN_SIDE` months are needed each side.
- **Rate ratio** of monthly counts after against before: a Poisson model with the period as
  its one term (whose fit is the two means, so it is worked out directly), its interval
  widened by the Pearson over-dispersion (quasi-Poisson).
- **Proportions** (re-entry within 12 months of an exit decision whose 12 months have run;
  audits of exits graded below good): Wilson intervals for each, and Newcombe's hybrid score
  interval for the difference.
- **Medians** (time in care before an exit decision; SGO assessment start to order): the
  difference of medians with a percentile bootstrap interval (2,000 resamples, a fixed seed
  so a page gives the same interval every time).
- **Adjusted re-entry**: a logistic regression of re-entry within 12 months on after/before,
  age at exit, log days in care, whether the child had an earlier period of care, and the
  legal status at exit (care order, section 20, other); the odds ratio for "after" with its
  Wald interval. Only where there are at least `MIN_EVENTS` re-entries and as many who did
  not come back.
- **Cumulative incidence** of re-entry after an exit decision, with reaching 18 a competing
  risk (a young person cannot come back into care then) and exits not yet followed that far
  censored: the Aalen-Johansen estimate (statsmodels CumIncidenceRight) with pointwise 95%
  bands.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

Z = 1.959963984540054
MIN_SIDE = 6
MIN_EVENTS = 10
BOOTSTRAP = 2000
SEED = 16
DAYS_PER_MONTH = 30.4375


@dataclass(frozen=True)
class Interval:
    estimate: float
    lower: float
    upper: float

    def excludes(self, value: float) -> bool:
        return not self.lower <= value <= self.upper


# Proportions -------------------------------------------------------------------------------


def wilson(count: int, total: int) -> Interval | None:
    if total <= 0:
        return None
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(count, total, alpha=0.05, method="wilson")
    return Interval(count / total, float(low), float(high))


def difference(before: tuple[int, int], after: tuple[int, int]) -> Interval | None:
    """After minus before, as proportions (counts, totals), Newcombe's interval."""
    (x0, n0), (x1, n1) = before, after
    if n0 <= 0 or n1 <= 0:
        return None
    from statsmodels.stats.proportion import confint_proportions_2indep

    low, high = confint_proportions_2indep(
        x1, n1, x0, n0, method="newcomb", compare="diff", alpha=0.05
    )
    return Interval(x1 / n1 - x0 / n0, float(low), float(high))


# Counts ------------------------------------------------------------------------------------


def rate_ratio(before: Sequence[int], after: Sequence[int]) -> Interval | None:
    """The mean count a period after against before, quasi-Poisson: the log rate ratio's
    Poisson standard error, widened by the Pearson dispersion when it is over 1 (the fitted
    values of a Poisson model with the period as its one term are the two means)."""
    if len(before) < MIN_SIDE or len(after) < MIN_SIDE or not sum(before) or not sum(after):
        return None
    mean_b, mean_a = statistics.fmean(before), statistics.fmean(after)
    pearson = sum((y - mean_b) ** 2 / mean_b for y in before) + sum(
        (y - mean_a) ** 2 / mean_a for y in after
    )
    scale = max(pearson / (len(before) + len(after) - 2), 1.0)
    se = math.sqrt((1 / sum(after) + 1 / sum(before)) * scale)
    ratio = mean_a / mean_b
    return Interval(ratio, ratio * math.exp(-Z * se), ratio * math.exp(Z * se))


@dataclass(frozen=True)
class Segmented:
    """An interrupted time series: the slope before (a month), the change of level at the
    start, and the change of slope after it, with the autocorrelation it allowed for."""

    slope_before: Interval
    level_change: Interval
    slope_change: Interval
    rho: float
    months_before: int
    months_after: int

    @property
    def slope_after(self) -> float:
        return self.slope_before.estimate + self.slope_change.estimate


def segmented(values: Sequence[float], start: int) -> Segmented | None:
    """The segmented regression of a monthly series broken at index `start`."""
    if start < MIN_SIDE or len(values) - start < MIN_SIDE:
        return None
    import warnings

    import numpy as np
    import statsmodels.api as sm

    y = np.array(values, dtype=float)
    t = np.arange(len(y), dtype=float)
    after = (t >= start).astype(float)
    x = np.column_stack([np.ones_like(t), t, after, (t - start) * after])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a perfect fit divides by zero in the iteration
        model = sm.GLSAR(y, x, rho=1)
        fit = model.iterative_fit(maxiter=20)
    bounds = fit.conf_int(alpha=0.05)
    if not np.all(np.isfinite(bounds)):
        return None

    def interval(i: int) -> Interval:
        return Interval(float(fit.params[i]), float(bounds[i][0]), float(bounds[i][1]))

    return Segmented(
        slope_before=interval(1),
        level_change=interval(2),
        slope_change=interval(3),
        rho=float(model.rho[0]),
        months_before=start,
        months_after=len(values) - start,
    )


# Medians -----------------------------------------------------------------------------------


def median_difference(before: Sequence[float], after: Sequence[float]) -> Interval | None:
    """Median after minus median before, with a percentile bootstrap interval."""
    if len(before) < 2 or len(after) < 2:
        return None
    import numpy as np

    rng = np.random.default_rng(SEED)
    b, a = np.asarray(before, dtype=float), np.asarray(after, dtype=float)
    draws_b = np.median(rng.choice(b, size=(BOOTSTRAP, len(b)), replace=True), axis=1)
    draws_a = np.median(rng.choice(a, size=(BOOTSTRAP, len(a)), replace=True), axis=1)
    low, high = np.percentile(draws_a - draws_b, [2.5, 97.5])
    return Interval(statistics.median(after) - statistics.median(before), float(low), float(high))


# Re-entry, adjusted and over time ----------------------------------------------------------


@dataclass(frozen=True)
class ExitCase:
    """One exit decision for the re-entry analyses."""

    after: bool
    reentered: bool  # within 12 months (only for exits whose 12 months have run)
    age: int | None
    days_in_care: int
    earlier_periods: int
    legal_status: str


def legal_group(code: str) -> str:
    if code.startswith("C") or code in {"D1", "E1"}:
        return "order"
    if code.startswith("V"):
        return "s20"
    return "other"


def adjusted_odds_ratio(cases: Sequence[ExitCase]) -> Interval | None:
    """The odds ratio of re-entry after against before, adjusted (see the module's notes)."""
    events = sum(c.reentered for c in cases)
    if events < MIN_EVENTS or len(cases) - events < MIN_EVENTS:
        return None
    if len({c.after for c in cases}) < 2:
        return None
    import warnings

    import numpy as np
    import statsmodels.api as sm

    ages = [c.age for c in cases if c.age is not None]
    mean_age = statistics.fmean(ages) if ages else 0.0
    rows = []
    for c in cases:
        group = legal_group(c.legal_status)
        rows.append(
            [
                1.0,
                float(c.after),
                float(c.age if c.age is not None else mean_age),
                math.log1p(max(c.days_in_care, 0)),
                float(c.earlier_periods > 0),
                float(group == "s20"),
                float(group == "other"),
            ]
        )
    x = np.array(rows)
    keep = [0, 1] + [j for j in range(2, x.shape[1]) if np.ptp(x[:, j]) > 0]
    x = x[:, keep]
    y = np.array([float(c.reentered) for c in cases])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = sm.GLM(y, x, family=sm.families.Binomial()).fit()
    except Exception:  # noqa: BLE001 - separation or a singular design: no estimate
        return None
    beta, se = float(fit.params[1]), float(fit.bse[1])
    if not math.isfinite(se) or se > 10:
        return None
    return Interval(math.exp(beta), math.exp(beta - Z * se), math.exp(beta + Z * se))


@dataclass(frozen=True)
class IncidenceCase:
    """An exit decision followed up to a day: re-entered, reached 18 first, or neither yet."""

    after: bool
    months: float  # to the event, or to the day it was last followed (censored)
    event: int  # 1 re-entered, 2 reached 18 first (competing), 0 censored


def incidence_case(
    *,
    exit_date: dt.date,
    after: bool,
    next_start: dt.date | None,
    eighteenth: dt.date | None,
    today: dt.date,
    horizon_months: int = 24,
) -> IncidenceCase:
    end = min(today, exit_date + dt.timedelta(days=round(horizon_months * DAYS_PER_MONTH)))
    options = []
    if next_start is not None and exit_date < next_start <= end:
        options.append((next_start, 1))
    if eighteenth is not None and exit_date < eighteenth <= end:
        options.append((eighteenth, 2))
    when, event = min(options) if options else (end, 0)
    months = max((when - exit_date).days, 0) / DAYS_PER_MONTH
    return IncidenceCase(after=after, months=months, event=event)


@dataclass(frozen=True)
class Curve:
    label: str
    cases: int
    points: list[tuple[float, float, float, float]]  # (months, estimate, lower, upper)

    def at(self, months: float) -> tuple[float, float, float] | None:
        """The estimate and band at `months` (the step in force then)."""
        found = None
        for x, y, low, high in self.points:
            if x <= months:
                found = (y, low, high)
        return found


def cumulative_incidence(label: str, cases: Sequence[IncidenceCase]) -> Curve | None:
    """Re-entry's cumulative incidence over months since the exit, reaching 18 competing."""
    if not cases:
        return None
    import numpy as np

    times = np.array([max(c.months, 1e-6) for c in cases])
    status = np.array([c.event for c in cases])
    if not (status == 1).any():
        return Curve(label=label, cases=len(cases), points=[(0.0, 0.0, 0.0, 0.0)])
    import warnings

    from statsmodels.duration.survfunc import CumIncidenceRight

    with warnings.catch_warnings():
        # The variance divides by the number at risk less the events, zero at the last
        # event when everyone left has it: that band is then taken as none (below).
        warnings.simplefilter("ignore", RuntimeWarning)
        fit = CumIncidenceRight(times, status)
    estimate, se = fit.cinc[0], fit.cinc_se[0]
    points = [(0.0, 0.0, 0.0, 0.0)]
    for x, y, s in zip(fit.times, estimate, se, strict=True):
        s = 0.0 if not math.isfinite(s) else float(s)
        points.append((float(x), float(y), max(0.0, float(y) - Z * s), min(1.0, float(y) + Z * s)))
    return Curve(label=label, cases=len(cases), points=points)


# Words -------------------------------------------------------------------------------------


def pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def ci_text(interval: Interval, fmt: Any = None) -> str:
    show = fmt or (lambda v: f"{v:.2f}")
    return f"95% CI {show(interval.lower)} to {show(interval.upper)}"


def signed(value: float, unit: str = "") -> str:
    return f"{value:+.1f}{unit}".replace("-", "\u2212")
