"""Charts as PNG for the Word reports: the page's own SVG, rasterised by resvg (resvg-py), so
the report and the page draw every chart from one definition. Text is set in the machine's
fonts (the charts ask for Arial, then Liberation Sans, then DejaVu Sans: Debian ships the
last two)."""

from __future__ import annotations

SCALE = 2.0  # twice the SVG's size: sharp when printed at the page's width


def png(svg: str, *, zoom: float = SCALE) -> bytes:
    import resvg_py

    return bytes(
        resvg_py.svg_to_bytes(
            svg_string=str(svg),
            zoom=zoom,
            background="#ffffff",
            sans_serif_family="DejaVu Sans",
        )
    )
