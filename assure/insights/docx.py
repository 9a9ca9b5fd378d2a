"""A report as a Word document (python-docx): headings, paragraphs and tables, with counts
under 5 suppressed in tables about children."""

from __future__ import annotations

import io

from docx import Document
from docx.shared import Inches, Pt

from .reports import Report, Table


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
    document = Document()
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(11)
    document.core_properties.title = report.title
    document.add_heading(report.title, level=0)
    document.add_paragraph(report.subtitle)
    document.add_paragraph(
        "Counts under 5 about children are shown as \u201cfewer than 5\u201d. A chart is "
        "included only where no count in it is under 5; every chart is on the printable page "
        "in Assure. In the charts the solid line is the mean, the dashed lines the process "
        "limits; triangles marked HIGH or LOW are special causes."
    )
    for section in report.sections:
        document.add_heading(section.heading, level=1)
        for text in section.paragraphs:
            document.add_paragraph(text)
        for table in section.tables:
            _table(document, table, table.exported_rows())
        for figure in section.figures:
            document.add_heading(figure.table.caption, level=2)
            if figure.png:
                document.add_picture(io.BytesIO(figure.png), width=Inches(6.3))
            document.add_paragraph(figure.exported_sentence)
            _table(document, figure.table, figure.exported)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
