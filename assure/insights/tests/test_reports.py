"""The monthly assurance summary and the stage-review report: read back from the Word
document (headings, tables, suppression) and shown as a printable page with charts."""

import io
import struct

import docx
import pytest

from assure.audits.models import Theme
from assure.core import clock
from assure.insights import charts, disclosure, raster, reports, services
from assure.insights.docx import render
from tests.factories import TeamFactory, UserFactory

from .helpers import D, child_with, period

pytestmark = pytest.mark.django_db
TODAY = D(2026, 7, 15)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(autouse=True)
def _today():
    with clock.frozen_at(TODAY):
        yield


@pytest.fixture
def lead():
    team = TeamFactory(name="North")
    for i in range(6):
        child = child_with(child_id=f"N{i}", team=team)
        period(child, start=D(2025, 1, 1), end=D(2026, 3, 10), reason="E45")
    child = child_with(child_id="R1", team=team)
    period(child, start=D(2025, 1, 1), end=D(2026, 4, 10), reason="E4B")
    lead = UserFactory(username="lead", roles=["assurance_lead"])
    theme = Theme.objects.create(slug="oversight", label="Management oversight")
    services.evidence_create(
        actor=lead,
        source="complaint",
        date=D(2026, 5, 1),
        kind="area_for_development",
        summary="No sign-off.",
        themes=[theme],
    )
    services.recommendation_create(actor=lead, title="Record oversight")
    return lead


def read_back(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def headings(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]


def table_with(document, first_header: str):
    for table in document.tables:
        if table.rows[0].cells[0].text == first_header:
            yield [[c.text for c in row.cells] for row in table.rows]


def test_stage_review_word_document(lead):
    report = reports.stage_review(
        user=lead, date_from=D(2025, 7, 1), date_to=D(2026, 6, 30), programme_start=D(2026, 1, 1)
    )
    document = read_back(render(report))
    found = headings(document)
    assert found[0] == "Stage review: independent assurance"
    for expected in (
        "Evidence gathered",
        "Were exits from care safe?",
        "The answer so far",
        "Recommendations",
        "Response plan progress",
        "Exits through special guardianship orders",
        "Re-entry to care within 12 months, by exit route",
    ):
        assert expected in found, expected
    reentry = next(table_with(document, "Exit route"))
    home = next(r for r in reentry if r[0].startswith("Returned home not"))
    assert home[1] == "c"  # one exit: hidden in what leaves the product
    # Nor does the re-entry measure's sentence give that count in words.
    reentry_measure = next(
        f for sec in report.sections for f in sec.figures if "Re-entry to care" in f.table.caption
    )
    texts = [p.text for p in document.paragraphs]
    assert reentry_measure.sentence not in texts
    assert reentry_measure.exported_sentence in texts
    assert "1 to 4 children" in reentry_measure.exported_sentence
    # Six SGO exits in 12 months is rare: a t chart, whose events are not in the document.
    assert any("one event and its date" in t for t in texts)
    recs = next(table_with(document, "Recommendation"))
    assert recs[1][:2] == ["Record oversight", "Awaiting the director's decision"]
    streams = next(table_with(document, "Work stream"))
    assert [r[0] for r in streams[1:]] == [
        "Practice development",
        "Workforce",
        "Communications",
        "HR",
    ]
    assert any(
        "Limits from the points before the programme start on 1 January 2026, carried forward"
        in p.text
        for p in document.paragraphs
    )
    assert disclosure.HIDDEN_NOTE in texts[2]


def test_monthly_summary_word_document_and_printable_page(client, lead):
    client.force_login(lead)
    response = client.get("/insights/reports/monthly/?month=2026-06-01&format=docx")
    assert response["Content-Type"] == DOCX
    assert "assurance-summary-2026-06.docx" in response["Content-Disposition"]
    document = read_back(response.content)
    found = headings(document)
    assert found[0] == "Monthly assurance summary: June 2026"
    for expected in (
        "Audits done and their grades",
        "Findings by theme",
        "Escalations and overdue audit actions",
        "Tracker red flags",
        "Were exits from care safe?",
        "Response plan progress",
    ):
        assert expected in found, expected
    measures = next(table_with(document, "Measure"))
    assert measures[1] == ["Escalations raised in the month", "0"]
    page = client.get("/insights/reports/monthly/?month=2026-06-01")
    html = page.content.decode()
    assert page.status_code == 200 and html.count('role="img"') >= 9
    assert 'data-testid="docx-link"' in html and "format=docx" in html


def test_stage_review_page_defaults_and_bad_input(client, lead):
    client.force_login(lead)
    assert client.get("/insights/reports/").status_code == 200
    for query in ("month=9999-12-01", "month=0001-01-01", "month=nonsense"):
        assert client.get(f"/insights/reports/monthly/?{query}").status_code == 200
    page = client.get("/insights/reports/stage-review/?date_from=bad&programme_start=2026-01-01")
    assert page.status_code == 200
    assert "Stage review: independent assurance" in page.content.decode()
    word = client.get("/insights/reports/stage-review/?format=docx")
    assert word["Content-Type"] == DOCX
    client.force_login(UserFactory(username="panel", roles=["panel_member"]))
    assert client.get("/insights/reports/monthly/").status_code == 403


def test_report_counts_only_visible_children(lead):
    south = TeamFactory(name="South")
    worker = UserFactory(username="w", roles=["practitioner"], teams=[south])
    report = reports.stage_review(
        user=worker, date_from=D(2025, 7, 1), date_to=D(2026, 6, 30), programme_start=None
    )
    exits = next(s for s in report.sections if s.heading == "Were exits from care safe?")
    reentry = next(f for f in exits.figures if f.table.caption.startswith("Re-entry to care"))
    assert sum(row[1] for row in reentry.table.rows) == 0


@pytest.fixture
def busy(lead):
    """Eight SGO exits a month from July 2025 to February 2026, and twenty children looked
    after throughout: enough that some charts hold no count of 1 to 4."""
    team = TeamFactory(name="Busy")
    n = 0
    for month in range(8):
        year, index = divmod(6 + month, 12)
        for _ in range(8):
            n += 1
            child = child_with(child_id=f"B{n}", team=team)
            period(child, start=D(2024, 1, 1), end=D(2025 + year, index + 1, 12), reason="E45")
    for i in range(20):
        period(child_with(child_id=f"L{i}", team=team), start=D(2024, 1, 1))
    return lead


def test_word_document_charts_are_the_pages_own_rasterised(busy):
    report = reports.stage_review(
        user=busy, date_from=D(2025, 7, 1), date_to=D(2026, 2, 28), programme_start=None
    )
    figures = {f.table.caption: f for s in report.sections for f in s.figures}
    assert all(f.png is None for f in figures.values())  # the printable page needs none
    reports.prepare_for_sharing(report)
    sgo = figures["Exits through special guardianship orders"]
    assert sgo.png is not None  # eight a month: nothing hidden
    assert sgo.png == raster.png(sgo.chart)  # the page's SVG, rasterised
    assert "Exits through adoption" not in figures  # no adoption exits: nothing to chart
    document = read_back(render(report))
    shapes = document.inline_shapes
    assert len(shapes) == sum(1 for f in figures.values() if f.png) >= 2
    blob = shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
    image = document.part.related_parts[blob].blob
    assert image.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", image[16:24])
    assert (width, height) == (2 * charts.WIDTH, 2 * charts.HEIGHT)
    # The chart has its title, axis titles and legend as text in the SVG it was drawn from.
    for text in (
        "Exits through special guardianship orders</text>",
        ">Month</text>",
        "Process limits</text>",
        " variation</text>",
    ):
        assert text in str(sgo.chart), text


def test_stage_review_counts_the_evidence_of_its_period_only(lead):
    from assure.insights import services as insight_services
    from assure.insights.models import EvidenceItem

    EvidenceItem.objects.all().delete()
    for day in (D(2025, 6, 30), D(2025, 7, 1), D(2026, 6, 30), D(2026, 7, 1)):
        insight_services.evidence_create(
            actor=lead,
            source="complaint",
            date=day,
            kind="strength",
            summary=f"Evidence of {day}",
        )
    report = reports.stage_review(
        user=lead, date_from=D(2025, 7, 1), date_to=D(2026, 6, 30), programme_start=None
    )
    [paragraph] = report.sections[0].paragraphs[:1]
    assert paragraph.startswith("2 pieces of evidence")
