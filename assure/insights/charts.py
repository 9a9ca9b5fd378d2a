"""Charts as server-rendered SVG: one definition for the pages, the printable reports and the
Word documents (which rasterise this same SVG with resvg: `raster.py`).

Every chart has a visible title, labelled axes and a legend, and a <title> and <desc> for
screen readers. Nothing is told by colour alone: special-cause points are triangles (up for
high, down for low) with a text label, ordinary points open circles, limits dashed, and the
Making Data Count (MDC) variation and assurance icons carry a letter and their words beside
them. A t chart's open interval (the days since the latest event, still growing) is hollow,
joined by a dashed line and labelled "Open" with its end and its days. MDC's colours: blue for
improvement, orange for concern, purple for a change that is neither (a measure with no
better direction), grey for common cause.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import spc

WIDTH, HEIGHT = 760, 360
LEFT, RIGHT, TOP, BOTTOM = 70, 24, 104, 64
INK, MUTED, WHITE = "#0b0c0c", "#505a5f", "#ffffff"
BLUE, ORANGE, PURPLE, GREY = "#1d70b8", "#f47738", "#4c2c92", "#b1b4b6"
FONT = "Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif"
MEANING_COLOUR = {spc.IMPROVEMENT: BLUE, spc.CONCERN: ORANGE, spc.NEITHER: PURPLE}
SHORT_RULE = {
    spc.OUTSIDE: "Outside limit",
    spc.SHIFT: "Shift",
    spc.TREND: "Trend",
    spc.TWO_OF_THREE: "2 of 3",
}


@dataclass(frozen=True)
class Frame:
    count: int
    top_value: float
    bottom_value: float = 0.0
    left: int = LEFT
    width: int = WIDTH
    height: int = HEIGHT

    def x(self, index: float) -> float:
        span = self.width - self.left - RIGHT
        return self.left + (span / 2 if self.count == 1 else span * index / (self.count - 1))

    def y(self, value: float) -> float:
        span = self.height - TOP - BOTTOM
        value = min(max(value, self.bottom_value), self.top_value)
        share = (value - self.bottom_value) / ((self.top_value - self.bottom_value) or 1)
        return TOP + span - span * share


def nice_top(value: float) -> float:
    if value <= 0:
        return 1.0
    for step in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500):
        if value <= step * 5:
            return round(step * (int(value / step) + 1), 6)
    return float(value * 1.1)


def ticks(low: float, high: float) -> list[float]:
    """Round values for an axis from `low` to `high` (about five)."""
    span = (high - low) or 1.0
    raw = span / 4
    magnitude = 10 ** int(f"{raw:e}".split("e")[1])
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = step * math.floor(low / step)
    found, value = [], first
    while value <= high + 1e-9:
        if value >= low - 1e-9:
            found.append(round(value, 10))
        value += step
    return found


def _text(
    x: float,
    y: float,
    text: str,
    *,
    anchor: str = "middle",
    size: int = 12,
    colour: str = INK,
    weight: str = "normal",
    rotate: bool = False,
) -> str:
    turn = f' transform="rotate(-90 {x:.1f} {y:.1f})"' if rotate else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
        f'font-family="{FONT}" fill="{colour}" font-weight="{weight}"{turn}>'
        f"{escape(text)}</text>"
    )


def _open(chart_id: str, width: int, height: int, title: str, description: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" data-testid="chart-{chart_id}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="{WHITE}"/>',
        _text(12, 24, title, anchor="start", size=16, weight="bold"),
    ]


def _marker(x: float, y: float, side: str, colour: str) -> str:
    if side == "high":  # a filled triangle pointing up
        return (
            f'<polygon points="{x:.1f},{y - 7:.1f} {x - 6:.1f},{y + 5:.1f} {x + 6:.1f},{y + 5:.1f}"'
            f' fill="{colour}" stroke="{INK}" stroke-width="1"/>'
        )
    if side == "low":  # a filled triangle pointing down
        return (
            f'<polygon points="{x:.1f},{y + 7:.1f} {x - 6:.1f},{y - 5:.1f} {x + 6:.1f},{y - 5:.1f}"'
            f' fill="{colour}" stroke="{INK}" stroke-width="1"/>'
        )
    return (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{WHITE}" stroke="{MUTED}" '
        'stroke-width="2"/>'
    )


def _open_marker(x: float, y: float, *, beyond: bool, colour: str) -> str:
    """A t chart's open interval: hollow (an up triangle beyond the upper limit, else a
    circle) with a dashed outline, so it reads as provisional without its colour."""
    if beyond:
        return (
            f'<polygon points="{x:.1f},{y - 8:.1f} {x - 7:.1f},{y + 6:.1f} {x + 7:.1f},{y + 6:.1f}"'
            f' fill="{WHITE}" stroke="{colour}" stroke-width="2.5" stroke-dasharray="3 2"/>'
        )
    return (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{WHITE}" stroke="{MUTED}" '
        'stroke-width="2" stroke-dasharray="3 2"/>'
    )


def _open_interval(frame: Frame, chart: spc.Chart, label: str) -> list[str]:
    """The open interval: a dashed line from the latest event to its hollow marker, and a
    label with its days and, beyond the upper limit, that it is outside it."""
    point, points = chart.open_point, chart.points
    if point is None or not points:
        return []
    last = points[-1]
    x0, y0 = frame.x(last.index), frame.y(last.value)
    x, y = frame.x(point.index), frame.y(point.value)
    colour = MEANING_COLOUR[chart.meaning(point.side)] if point.special else MUTED
    days = round(point.value)
    detail = f"{days} day{'' if days == 1 else 's'}"
    if point.special:
        detail += ", outside limit"
    heading = label[:1].upper() + label[1:] if label else "Open"
    # Two lines on the side of the marker away from the dashed line: above it when the line
    # climbs to it (the frame leaves room), below when it falls to it and there is room.
    below = y0 < y and y + 36 < HEIGHT - BOTTOM
    first = y + 22 if below else y - 27
    return [
        '<g class="app-open-interval">',
        f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="{MUTED}" '
        'stroke-width="1.5" stroke-dasharray="4 3"/>',
        _open_marker(x, y, beyond=point.special, colour=colour),
        _haloed(_text(x + 6, first, heading, anchor="end", size=10, weight="bold")),
        _haloed(_text(x + 6, first + 13, detail, anchor="end", size=10, weight="bold")),
        "</g>",
    ]


def _haloed(text: str) -> str:
    """A label with a white outline behind it, readable where it crosses a limit line."""
    return text.replace(
        "<text ", f'<text stroke="{WHITE}" stroke-width="3" paint-order="stroke" ', 1
    )


# MDC icons -------------------------------------------------------------------------------


def variation_letter(variation: str, side: str) -> str:
    if variation == spc.COMMON:
        return "~"
    return "H" if side == "high" else "L"


def icon(letter: str, colour: str, *, x: float = 16, y: float = 16, r: float = 14) -> str:
    """An MDC-style icon: a coloured ring with a letter, readable without its colour."""
    return (
        f'<circle cx="{x}" cy="{y}" r="{r}" fill="{WHITE}" stroke="{colour}" stroke-width="4"/>'
        + _text(x, y + 5, letter, size=int(r), colour=INK, weight="bold")
    )


def variation_icon(variation: str, side: str) -> SafeString:
    colour = MEANING_COLOUR.get(variation, GREY)
    letter = variation_letter(variation, side)
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32" viewBox="0 0 32 32" '
        'aria-hidden="true" focusable="false" class="app-mdc-icon">'
        + icon(letter, colour)
        + "</svg>"
    )
    return mark_safe(svg)  # noqa: S308 - fixed markup, escaped text


ASSURANCE_MARK = {spc.PASS: ("P", BLUE), spc.FAIL: ("F", ORANGE), spc.HIT_AND_MISS: ("?", GREY)}


def assurance_icon(assurance: str) -> SafeString:
    letter, colour = ASSURANCE_MARK.get(assurance, ("?", GREY))
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32" viewBox="0 0 32 32" '
        'aria-hidden="true" focusable="false" class="app-mdc-icon">'
        + icon(letter, colour)
        + "</svg>"
    )
    return mark_safe(svg)  # noqa: S308 - fixed markup


# SPC -----------------------------------------------------------------------------------------


def _axes(
    frame: Frame, labels: Sequence[str], *, x_title: str, y_title: str, fmt: str
) -> list[str]:
    bottom = frame.height - BOTTOM
    parts = [
        f'<line x1="{frame.left}" y1="{TOP}" x2="{frame.left}" y2="{bottom}" stroke="{INK}"/>',
        f'<line x1="{frame.left}" y1="{bottom}" x2="{frame.width - RIGHT}" y2="{bottom}" '
        f'stroke="{INK}"/>',
    ]
    for value in ticks(frame.bottom_value, frame.top_value):
        y = frame.y(value)
        parts.append(_text(frame.left - 6, y + 4, format(value, fmt), anchor="end", size=11))
        parts.append(
            f'<line x1="{frame.left - 3}" y1="{y:.1f}" x2="{frame.left}" y2="{y:.1f}" '
            f'stroke="{INK}"/>'
        )
    every = max(1, (len(labels) + 4) // 5)
    shown = ""
    for index, label in enumerate(labels):
        if (index % every == 0 or index == len(labels) - 1) and label != shown:
            if index == len(labels) - 1 and index % every and len(labels) > 2:
                continue  # the last label would crowd the one before it
            parts.append(_text(frame.x(index), bottom + 16, label, size=11))
            shown = label
    parts.append(_text((frame.left + frame.width - RIGHT) / 2, frame.height - 12, x_title, size=12))
    parts.append(_text(16, (TOP + bottom) / 2, y_title, size=12, rotate=True))
    return parts


def _legend(y: float, has_phase: bool) -> list[str]:
    x = LEFT
    parts = [
        f'<line x1="{x}" y1="{y}" x2="{x + 22}" y2="{y}" stroke="{MUTED}" stroke-width="2"/>',
        _text(x + 27, y + 4, "Mean", anchor="start", size=11),
        f'<line x1="{x + 70}" y1="{y}" x2="{x + 92}" y2="{y}" stroke="{MUTED}" '
        'stroke-width="1.5" stroke-dasharray="8 5"/>',
        _text(x + 97, y + 4, "Process limits", anchor="start", size=11),
        _marker(x + 195, y, "", MUTED),
        _text(x + 204, y + 4, "Common cause", anchor="start", size=11),
        _marker(x + 300, y, "high", PURPLE),
        _text(x + 309, y + 4, "Special cause, high", anchor="start", size=11),
        _marker(x + 435, y, "low", PURPLE),
        _text(x + 444, y + 4, "Special cause, low", anchor="start", size=11),
    ]
    if has_phase:
        parts += [
            f'<line x1="{x + 570}" y1="{y - 7}" x2="{x + 570}" y2="{y + 7}" stroke="{INK}" '
            'stroke-dasharray="2 3"/>',
            _text(x + 576, y + 4, "Programme start", anchor="start", size=11),
        ]
    return parts


def _segments(frame: Frame, points: Sequence[spc.Point], attr: str) -> list[str]:
    """A limit or mean line: straight across a phase for XmR, t and g, a stepped path for
    p' and u' (their limits move with each point's denominator)."""
    parts = []
    dash = "" if attr == "mean" else ' stroke-dasharray="8 5"'
    width = "2" if attr == "mean" else "1.5"
    for phase in sorted({p.phase for p in points}):
        members = [p for p in points if p.phase == phase and getattr(p, attr) is not None]
        if not members:
            continue
        if len(members) == 1:
            p = members[0]
            y = frame.y(getattr(p, attr))
            coords = [(frame.x(p.index) - 8, y), (frame.x(p.index) + 8, y)]
        else:
            coords = []
            for a, b in zip(members, members[1:], strict=False):
                ya, yb = frame.y(getattr(a, attr)), frame.y(getattr(b, attr))
                xm = (frame.x(a.index) + frame.x(b.index)) / 2
                coords += [(frame.x(a.index), ya), (xm, ya), (xm, yb)]
            coords.append((frame.x(members[-1].index), frame.y(getattr(members[-1], attr))))
        line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(
            f'<polyline points="{line}" fill="none" stroke="{MUTED}" stroke-width="{width}"{dash}/>'
        )
    return parts


def _target_line(frame: Frame, target: float | None, *, fmt: str) -> list[str]:
    """The council's target across the chart, labelled at its end (no legend to look up),
    when it falls inside the chart's scale."""
    if target is None or not frame.bottom_value <= target <= frame.top_value:
        return []
    y = frame.y(target)
    return [
        f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="{INK}" '
        'stroke-width="2" stroke-dasharray="1 4" stroke-linecap="round"/>',
        _text(WIDTH - RIGHT, y - 5, f"Target {target:{fmt}}", anchor="end", size=11),
    ]


def spc_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    chart: spc.Chart,
    labels: Sequence[str],
    x_title: str,
    y_title: str,
    programme_index: int | None = None,
    percent: bool = False,
    open_label: str = "",
) -> SafeString:
    """An SPC chart with its MDC variation icon in the corner; a t chart's open interval,
    when it has one, after its latest point (`open_label` names its end)."""
    points = chart.points
    # The open interval is placed, scaled and drawn against its limits like a point.
    judged = [*points, chart.open_point] if chart.open_point and points else list(points)
    values = [p.value for p in judged] + [p.upper for p in points if p.upper is not None]
    if chart.open_point and points:
        values.append(chart.open_point.value * 1.25)  # room above it for its label
    lows = [p.value for p in points] + [p.lower for p in points if p.lower is not None]
    bottom = min(0.0, min(lows, default=0.0))
    bottom_value = -nice_top(-bottom) if bottom < 0 else 0.0
    if chart.target is not None:
        values.append(chart.target)  # so the target's line is on the chart
    frame = Frame(
        count=max(len(judged), 1),
        top_value=nice_top(max(values, default=0)),
        bottom_value=bottom_value,
    )
    fmt = ".0%" if percent else "g"
    parts = _open(chart_id, WIDTH, HEIGHT, title, description)
    variation = chart.variation
    now = chart.signal_now()
    parts.append(
        '<g transform="translate(10,34)">'
        + icon(
            variation_letter(variation, now.side if now else ""),
            MEANING_COLOUR.get(variation, GREY),
            r=12,
        )
        + _text(34, 21, spc.VARIATION_TEXT[variation], anchor="start", size=12)
        + "</g>"
    )
    if chart.assurance:
        parts.append(
            f'<g transform="translate({WIDTH // 2},34)">'
            + icon(*ASSURANCE_MARK[chart.assurance], r=12)
            + _text(34, 21, spc.ASSURANCE_TEXT[chart.assurance], anchor="start", size=12)
            + "</g>"
        )
    parts += _legend(84, programme_index is not None)
    parts += _axes(frame, labels, x_title=x_title, y_title=y_title, fmt=fmt)
    if bottom_value < 0:
        y0 = frame.y(0)
        parts.append(
            f'<line x1="{LEFT}" y1="{y0:.1f}" x2="{WIDTH - RIGHT}" y2="{y0:.1f}" stroke="{GREY}"/>'
        )
    for attr in ("mean", "upper", "lower"):
        parts += _segments(frame, judged, attr)
    parts += _target_line(frame, chart.target, fmt=".0%" if percent else ".3g")
    if programme_index is not None and 0 < programme_index < len(points):
        x = (frame.x(programme_index) + frame.x(programme_index - 1)) / 2
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{HEIGHT - BOTTOM}" stroke="{INK}" '
            'stroke-dasharray="2 3"/>'
        )
    if points:
        line = " ".join(f"{frame.x(p.index):.1f},{frame.y(p.value):.1f}" for p in points)
        parts.append(f'<polyline points="{line}" fill="none" stroke="{MUTED}" stroke-width="1.5"/>')
    latest = chart.latest_signal()
    for i, p in enumerate(points):
        x, y = frame.x(p.index), frame.y(p.value)
        colour = MEANING_COLOUR[chart.meaning(p.side)] if p.special else MUTED
        parts.append(_marker(x, y, p.side if p.special else "", colour))
        # Label where a signal starts (a run of the same one is labelled once) and the
        # latest, so the labels do not pile up.
        starts = p.special and (i == 0 or points[i - 1].signals[:1] != p.signals[:1])
        if starts or p is latest:
            offset = -11 if p.side == "high" else 19
            parts.append(_text(x, y + offset, SHORT_RULE[p.signals[0]], size=10, weight="bold"))
    parts += _open_interval(frame, chart, open_label)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


# Bars and curves ---------------------------------------------------------------------------


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[tuple[str, float | None]],
    unit: str = "",
    x_title: str = "",
) -> SafeString:
    """Horizontal bars, each labelled with its value in text (a blank bar says "none")."""
    row, label_width = 30, 380
    height = 60 + row * len(bars) + 40
    top_value = nice_top(max((v for _, v in bars if v is not None), default=0))
    if unit == "%":
        top_value = min(top_value, 100.0)
    span = WIDTH - label_width - RIGHT - 70
    parts = _open(chart_id, WIDTH, height, title, description)
    for index, (label, value) in enumerate(bars):
        y = 50 + index * row
        parts.append(_text(label_width - 8, y + 15, label, anchor="end", size=11))
        if value is None:
            parts.append(_text(label_width + 4, y + 15, "none", anchor="start", size=12))
            continue
        width = span * value / top_value
        parts.append(
            f'<rect x="{label_width}" y="{y + 2}" width="{width:.1f}" height="{row - 10}" '
            f'fill="{BLUE}" stroke="{INK}" stroke-width="1"/>'
        )
        parts.append(
            _text(label_width + width + 6, y + 15, f"{value:g}{unit}", anchor="start", size=12)
        )
    axis_y = 50 + row * len(bars) + 4
    parts.append(
        f'<line x1="{label_width}" y1="{axis_y}" x2="{label_width + span}" y2="{axis_y}" '
        f'stroke="{INK}"/>'
    )
    parts.append(_text(label_width, axis_y + 16, "0", size=11))
    parts.append(_text(label_width + span, axis_y + 16, f"{top_value:g}{unit}", size=11))
    if x_title:
        parts.append(_text(label_width + span / 2, axis_y + 32, x_title, size=12))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


DASHES = ("", "8 4", "2 3", "10 3 2 3")


def curve_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    curves: Sequence[tuple[str, Sequence[tuple[float, float, float, float]]]],
    x_title: str,
    y_title: str,
    x_max: float,
) -> SafeString:
    """Step curves with shaded confidence bands: each curve a list of (x, y, lower, upper),
    told apart by its dash pattern and named in the legend."""
    top = nice_top(max((u for _, c in curves for _, _, _, u in c), default=0.01))
    frame = Frame(count=2, top_value=top)
    parts = _open(chart_id, WIDTH, HEIGHT, title, description)

    def x_of(value: float) -> float:
        return frame.left + (WIDTH - frame.left - RIGHT) * (value / (x_max or 1))

    for index, (name, _) in enumerate(curves[:4]):
        x = LEFT + index * 170
        parts.append(
            f'<line x1="{x}" y1="56" x2="{x + 24}" y2="56" stroke="{INK}" stroke-width="2" '
            f'stroke-dasharray="{DASHES[index]}"/>'
        )
        parts.append(_text(x + 29, 60, name, anchor="start", size=11))
    bottom = HEIGHT - BOTTOM
    parts += [
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom}" stroke="{INK}"/>',
        f'<line x1="{LEFT}" y1="{bottom}" x2="{WIDTH - RIGHT}" y2="{bottom}" stroke="{INK}"/>',
    ]
    for value in ticks(0, top):
        parts.append(_text(LEFT - 6, frame.y(value) + 4, f"{value:.0%}", anchor="end", size=11))
    for month in range(0, int(x_max) + 1, 3):
        parts.append(_text(x_of(month), bottom + 16, str(month), size=11))
    parts.append(_text((LEFT + WIDTH - RIGHT) / 2, HEIGHT - 12, x_title, size=12))
    parts.append(_text(16, (TOP + bottom) / 2, y_title, size=12, rotate=True))
    for index, (_, curve) in enumerate(curves[:4]):
        if not curve:
            continue

        def stepped(values: list[tuple[float, float]]) -> list[tuple[float, float]]:
            path = []
            for (x0, y0), (x1, _) in zip(values, values[1:], strict=False):
                path += [(x_of(x0), frame.y(y0)), (x_of(x1), frame.y(y0))]
            path.append((x_of(values[-1][0]), frame.y(values[-1][1])))
            return path

        upper = stepped([(x, u) for x, _, _, u in curve])
        lower = list(reversed(stepped([(x, lo) for x, _, lo, _ in curve])))
        band = " ".join(f"{x:.1f},{y:.1f}" for x, y in upper + lower)
        parts.append(f'<polygon points="{band}" fill="{GREY}" fill-opacity="0.35"/>')
        steps = []
        for (x0, y0, _, _), (x1, _, _, _) in zip(curve, curve[1:], strict=False):
            steps += [(x_of(x0), frame.y(y0)), (x_of(x1), frame.y(y0))]
        steps.append((x_of(curve[-1][0]), frame.y(curve[-1][1])))
        line = " ".join(f"{x:.1f},{y:.1f}" for x, y in steps)
        parts.append(
            f'<polyline points="{line}" fill="none" stroke="{INK}" stroke-width="2" '
            f'stroke-dasharray="{DASHES[index]}"/>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
