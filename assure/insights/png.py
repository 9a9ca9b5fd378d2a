"""A tiny pure-Python PNG writer for the Word reports' charts (python-docx needs raster
images and no imaging library is installed): lines, dashes, markers and a 3x5 pixel font
for axis labels. Enough for an XmR chart; the chart's sentence and table carry the detail."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence

from .spc import Point

Colour = tuple[int, int, int]
INK: Colour = (11, 12, 12)
MUTED: Colour = (80, 90, 95)
HIGH: Colour = (212, 53, 28)
LOW: Colour = (29, 112, 184)
WHITE: Colour = (255, 255, 255)

# 3x5 glyphs, rows top to bottom, "#" lit.
_GLYPHS = {
    "0": ["###", "#.#", "#.#", "#.#", "###"],
    "1": [".#.", "##.", ".#.", ".#.", "###"],
    "2": ["###", "..#", "###", "#..", "###"],
    "3": ["###", "..#", ".##", "..#", "###"],
    "4": ["#.#", "#.#", "###", "..#", "..#"],
    "5": ["###", "#..", "###", "..#", "###"],
    "6": ["###", "#..", "###", "#.#", "###"],
    "7": ["###", "..#", ".#.", ".#.", ".#."],
    "8": ["###", "#.#", "###", "#.#", "###"],
    "9": ["###", "#.#", "###", "..#", "###"],
    "A": [".#.", "#.#", "###", "#.#", "#.#"],
    "B": ["##.", "#.#", "##.", "#.#", "##."],
    "C": [".##", "#..", "#..", "#..", ".##"],
    "D": ["##.", "#.#", "#.#", "#.#", "##."],
    "E": ["###", "#..", "##.", "#..", "###"],
    "F": ["###", "#..", "##.", "#..", "#.."],
    "G": [".##", "#..", "#.#", "#.#", ".##"],
    "H": ["#.#", "#.#", "###", "#.#", "#.#"],
    "I": ["###", ".#.", ".#.", ".#.", "###"],
    "J": ["..#", "..#", "..#", "#.#", ".#."],
    "K": ["#.#", "#.#", "##.", "#.#", "#.#"],
    "L": ["#..", "#..", "#..", "#..", "###"],
    "M": ["#.#", "###", "###", "#.#", "#.#"],
    "N": ["##.", "#.#", "#.#", "#.#", "#.#"],
    "O": [".#.", "#.#", "#.#", "#.#", ".#."],
    "P": ["##.", "#.#", "##.", "#..", "#.."],
    "Q": [".#.", "#.#", "#.#", "##.", ".##"],
    "R": ["##.", "#.#", "##.", "#.#", "#.#"],
    "S": [".##", "#..", ".#.", "..#", "##."],
    "T": ["###", ".#.", ".#.", ".#.", ".#."],
    "U": ["#.#", "#.#", "#.#", "#.#", "###"],
    "V": ["#.#", "#.#", "#.#", "#.#", ".#."],
    "W": ["#.#", "#.#", "###", "###", "#.#"],
    "X": ["#.#", "#.#", ".#.", "#.#", "#.#"],
    "Y": ["#.#", "#.#", ".#.", ".#.", ".#."],
    "Z": ["###", "..#", ".#.", "#..", "###"],
    " ": ["...", "...", "...", "...", "..."],
    "-": ["...", "...", "###", "...", "..."],
    ".": ["...", "...", "...", "...", ".#."],
    "%": ["#.#", "..#", ".#.", "#..", "#.#"],
    ":": ["...", ".#.", "...", ".#.", "..."],
}


class Canvas:
    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.pixels = bytearray(WHITE * (width * height))

    def dot(self, x: int, y: int, colour: Colour) -> None:
        if 0 <= x < self.width and 0 <= y < self.height:
            i = 3 * (y * self.width + x)
            self.pixels[i : i + 3] = bytes(colour)

    def line(
        self,
        x0: float,
        y0: float,
        x1: float,
        y1: float,
        colour: Colour,
        *,
        width: int = 1,
        dash: tuple[int, int] | None = None,
    ) -> None:
        steps = int(max(abs(x1 - x0), abs(y1 - y0))) or 1
        for step in range(steps + 1):
            if dash and step % sum(dash) >= dash[0]:
                continue
            x = round(x0 + (x1 - x0) * step / steps)
            y = round(y0 + (y1 - y0) * step / steps)
            for d in range(width):
                self.dot(x, y + d, colour) if abs(x1 - x0) >= abs(y1 - y0) else self.dot(
                    x + d, y, colour
                )

    def triangle(self, x: float, y: float, size: int, colour: Colour, *, up: bool) -> None:
        for row in range(size + 1):
            half = row * 0.6
            yy = round(y - size / 2 + row) if up else round(y + size / 2 - row)
            for xx in range(round(x - half), round(x + half) + 1):
                self.dot(xx, yy, colour)

    def circle(self, x: float, y: float, radius: int, colour: Colour) -> None:
        for dy in range(-radius, radius + 1):
            for dx in range(-radius, radius + 1):
                if radius - 1.5 <= (dx * dx + dy * dy) ** 0.5 <= radius + 0.5:
                    self.dot(round(x) + dx, round(y) + dy, colour)

    def text(self, x: int, y: int, text: str, colour: Colour = INK, *, scale: int = 2) -> None:
        for index, char in enumerate(text.upper()):
            glyph = _GLYPHS.get(char, _GLYPHS[" "])
            for row, bits in enumerate(glyph):
                for col, bit in enumerate(bits):
                    if bit == "#":
                        for sy in range(scale):
                            for sx in range(scale):
                                self.dot(
                                    x + (index * 4 + col) * scale + sx, y + row * scale + sy, colour
                                )

    @staticmethod
    def text_width(text: str, scale: int = 2) -> int:
        return len(text) * 4 * scale - scale

    def png(self) -> bytes:
        raw = b"".join(
            b"\x00" + bytes(self.pixels[3 * y * self.width : 3 * (y + 1) * self.width])
            for y in range(self.height)
        )

        def chunk(kind: bytes, data: bytes) -> bytes:
            body = kind + data
            return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        return (
            b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 9))
            + chunk(b"IEND", b"")
        )


def spc_png(points: Sequence[Point], labels: Sequence[str]) -> bytes:
    """An XmR chart: mean solid, limits dashed, common-cause points as open circles,
    special causes as filled triangles with HIGH or LOW written above or below."""
    width, height, left, right, top, bottom = 900, 340, 60, 30, 20, 50
    canvas = Canvas(width, height)
    values = [p.value for p in points] + [p.upper for p in points if p.upper is not None]
    top_value = max(max(values, default=0) * 1.15, 1.0)
    span_x, span_y = width - left - right, height - top - bottom

    def x_of(i: int) -> float:
        return left + (span_x / 2 if len(points) == 1 else span_x * i / (len(points) - 1))

    def y_of(v: float) -> float:
        return top + span_y - span_y * max(v, 0) / top_value

    canvas.line(left, top, left, height - bottom, INK, width=2)
    canvas.line(left, height - bottom, width - right, height - bottom, INK, width=2)
    for fraction in (0, 0.5, 1):
        value = top_value * fraction
        label = f"{value:.0f}"
        canvas.text(left - 8 - canvas.text_width(label), round(y_of(value)) - 5, label)
    every = max(1, (len(labels) + 5) // 6)
    for i, label in enumerate(labels):
        if i % every == 0 or i == len(labels) - 1:
            short = label.replace(" to ", "-")
            text = short[:3] + " " + short[-2:] if len(short) > 6 else short
            canvas.text(round(x_of(i) - canvas.text_width(text) / 2), height - bottom + 10, text)
    for phase in sorted({p.phase for p in points}):
        members = [p for p in points if p.phase == phase]
        x0, x1 = x_of(members[0].index), x_of(members[-1].index)
        canvas.line(x0, y_of(members[0].mean), x1, y_of(members[0].mean), MUTED, width=2)
        for limit in (members[0].upper, members[0].lower):
            if limit is not None and limit > 0:
                canvas.line(x0, y_of(limit), x1, y_of(limit), MUTED, dash=(8, 6))
    for a, b in zip(points, points[1:], strict=False):
        canvas.line(x_of(a.index), y_of(a.value), x_of(b.index), y_of(b.value), MUTED)
    for p in points:
        x, y = x_of(p.index), y_of(p.value)
        if p.direction:
            up = p.direction == "high"
            canvas.triangle(x, y, 12, HIGH if up else LOW, up=up)
            word = "HIGH" if up else "LOW"
            canvas.text(
                round(x - canvas.text_width(word) / 2), round(y - 22 if up else y + 12), word
            )
        else:
            canvas.circle(x, y, 5, MUTED)
    return canvas.png()
