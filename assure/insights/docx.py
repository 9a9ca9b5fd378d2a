"""A report as a Word document (python-docx): headings, the answer so far, paragraphs, the
charts (the pages' own SVG rasterised by resvg) and tables, with disclosure control applied
(`reports.protect` and `dashboard.export`): what this writes is what leaves Assure."""

from __future__ import annotations

import io

from docx import Document
from docx.shared import Inches, Pt

from . import disclosure
from .reports import Report, Table, prepare_for_sharing


def _table(document: Document, table: Table, rows: list[list[object]]) -> None:
    document.add_paragraph(table.caption, style="Caption")
    grid = document.add_table(rows=1, cols=len(table.headers))
    grid.style = "Table Grid"
    for cell, header in zip(grid.rows[0].cells, table.headers, strict=True):
        cell.text = str(header)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = grid.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = "" if value is None else str(value)
    if not rows:
        document.add_paragraph("None.")


def render(report: Report) -> bytes:
    prepare_for_sharing(report)
    document = Document()
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(11)
    document.core_properties.title = report.title
    document.add_heading(report.title, level=0)
    document.add_paragraph(report.subtitle)
    document.add_paragraph(
        disclosure.HIDDEN_NOTE + " Means, limits, rates and intervals resting on a hidden "
        "figure are hidden too. A chart is included where none of its figures is hidden; "
        "every chart is on the printable page in Assure. In the charts the solid line is the "
        "mean and the dashed lines the process limits; a triangle is a special cause (up for "
        "high, down for low), labelled with its rule; the ringed letter in the corner is the "
        "Making Data Count variation icon (H or L for a special cause high or low, a wave for "
        "common cause)."
    )
    for section in report.sections:
        document.add_heading(section.heading, level=1)
        if section.findings:
            document.add_heading("The answer so far", level=2)
            for text in section.exported_findings:
                document.add_paragraph(text, style="List Bullet")
            if len(section.exported_findings) < len(section.findings):
                document.add_paragraph(
                    "Other findings rest on figures of 1 to 4 children and are on the "
                    "page in Assure."
                )
        for text in section.paragraphs:
            document.add_paragraph(text)
        for table in section.tables:
            _table(document, table, table.exported_rows())
        for figure in section.figures:
            document.add_heading(figure.table.caption, level=2)
            if figure.png:
                document.add_picture(io.BytesIO(figure.png), width=Inches(6.3))
            if figure.note:
                document.add_paragraph(figure.note)
                continue
            document.add_paragraph(figure.exported_sentence)
            _table(document, figure.table, figure.table.exported_rows())
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
