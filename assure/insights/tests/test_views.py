"""The exits dashboard through the test client: charts with their tables and sentences,
CSV downloads with small counts suppressed, the access policy, bad input and query counts."""

import csv
import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assure.audits import services as audit_services
from assure.audits.models import Audit, Grade, OverallGrade
from assure.children.models import Child
from assure.core import clock
from assure.core.models import DomainEvent
from tests.factories import TeamFactory, UserFactory

from .helpers import D, child_with, period

pytestmark = pytest.mark.django_db
URL = "/insights/exits/"
QUERY = "?date_from=2025-01-01&date_to=2026-06-30&interval=month"


@pytest.fixture
def data():
    north, south = TeamFactory(name="North"), TeamFactory(name="South")
    # seven SGO exits in March 2026 in the north, one a month before: a spike
    for i in range(7):
        child = child_with(child_id=f"N{i}", team=north)
        period(child, start=D(2025, 1, 1), end=D(2026, 3, 10), reason="E45")
    for month in range(1, 13):
        child = child_with(child_id=f"M{month}", team=north)
        period(child, start=D(2024, 6, 1), end=D(2025, month, 5), reason="E45")
    child = child_with(child_id="S1", team=south, p2=True)
    period(child, start=D(2025, 3, 1), end=D(2025, 9, 1), reason="E4B")
    period(child, start=D(2025, 11, 1))
    return {"north": north, "south": south}


def test_the_dashboard_shows_each_measure_with_chart_sentence_and_table(client, data):
    client.force_login(UserFactory(username="lead", roles=["assurance_lead"]))
    page = client.get(URL + QUERY).content.decode()
    for slug in ("exits-all", "exits-sgo", "reentry", "looked-after", "p2-entries", "time-in-care"):
        section = page.split(f'data-testid="measure-{slug}"')[1].split("</section>")[0]
        assert re.search(r'<svg[^>]+role="img"[^>]+aria-labelledby', section), slug
        assert "<title id=" in section and "<desc id=" in section
        assert "<caption" in section and 'data-testid="sentence-' in section
    sentence = page.split('data-testid="sentence-exits-sgo">')[1].split("<")[0]
    assert sentence == (
        "Exits through special guardianship orders rose above the upper process limit in "
        "March 2026: a real change, not noise."
    )
    sgo = page.split('data-testid="measure-exits-sgo"')[1].split("</section>")[0]
    assert "Above limit</text>" in sgo and "<polygon" in sgo  # labelled, shaped marker
    assert 'stroke-dasharray="8 5"' in sgo  # limits dashed, not told apart by colour


def test_a_practitioner_sees_only_their_teams_figures(client, data):
    client.force_login(UserFactory(username="w", roles=["practitioner"], teams=[data["south"]]))
    page = client.get(URL + QUERY).content.decode()
    table = page.split('data-testid="table-exits-all"')[1].split("</table>")[0]
    counts = re.findall(r'</th><td class="govuk-table__cell">(\d+)</td>', table)
    assert sum(int(c) for c in counts) == 1  # only the south child's return home


def test_csv_download_suppresses_counts_under_5(client, data):
    client.force_login(UserFactory(username="lead", roles=["assurance_lead"]))
    response = client.get("/insights/exits/exits-sgo.csv" + QUERY)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Month", "Count", "Mean", "Lower limit", "Upper limit", "Special cause"]
    by_month = {r[0]: r[1] for r in rows[1:]}
    assert by_month["March 2026"] == "7"
    assert by_month["January 2025"] == "fewer than 5"
    assert by_month["April 2026"] == "fewer than 5"  # zero is under 5 too
    reentry = client.get("/insights/exits/reentry.csv" + QUERY).content.decode()
    home = next(r for r in csv.reader(io.StringIO(reentry)) if r[0].startswith("Returned home not"))
    assert home == ["Returned home not as part of the care plan"] + ["fewer than 5"] * 5
    assert client.get("/insights/exits/nothing.csv").status_code == 404


def test_programme_start_recalculates_the_limits(client, data):
    client.force_login(UserFactory(username="lead", roles=["assurance_lead"]))
    page = client.get(URL + QUERY + "&programme_start=2025-10-01").content.decode()
    assert "recalculated from the programme start on 1 October 2025" in page
    sgo = page.split('data-testid="measure-exits-sgo"')[1].split("</section>")[0]
    assert "Programme start</text>" in sgo


@pytest.mark.parametrize(
    "query",
    [
        "?date_from=2026-13-01",
        "?date_from=nonsense&date_to=2026-01-01&interval=week",
        "?date_from=2026-06-01&date_to=2026-01-01",
        "?date_from=1000-01-01&date_to=2026-01-01",
        "?programme_start=" + "9" * 300,
        "?date_from=9999-01-01&date_to=9999-12-31",
        "?date_to=9999-12-31",
        "?date_from=0001-01-01&date_to=0001-02-01&programme_start=9999-12-31",
    ],
)
def test_bad_input_shows_an_error_and_defaults(client, data, query):
    client.force_login(UserFactory(username="lead", roles=["assurance_lead"]))
    with clock.frozen_at(D(2026, 7, 15)):
        response = client.get(URL + query)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_people_without_the_permission_are_refused(client, data):
    client.force_login(UserFactory(username="panel", roles=["panel_member"]))
    assert client.get(URL).status_code == 403
    assert client.get("/insights/exits/exits-all.csv").status_code == 403


# The signed-in request's own (session, user, roles, the second-factor check and the
# session's save in a savepoint: 3), then the programme start setting, the episodes, the P2
# children, the audit grades of the exits and the SGO assessments' start dates (the user's
# teams are a subquery of the policy, no query of their own).
PAGE_QUERIES = 12
CSV_QUERIES = 12


def test_query_counts_do_not_grow_with_the_children(client):
    team = TeamFactory(name="North")
    worker = UserFactory(username="w", roles=["practitioner"], teams=[team])
    client.force_login(worker)
    counts = []
    for first, last in ((0, 3), (3, 40)):
        for i in range(first, last):
            child = child_with(child_id=f"Q{i:04d}", team=team, p2=i % 4 == 0)
            period(child, start=D(2025, 1, 1), end=D(2025, 12, 1), reason="E45")
            period(child, start=D(2026, 2, 1))
        for url in (URL + QUERY, "/insights/exits/reentry.csv" + QUERY):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            counts.append(len(ctx.captured_queries))
    assert counts[:2] == counts[2:]
    assert counts == [PAGE_QUERIES, CSV_QUERIES] * 2


def graded_audit(child, lead, *, closed: dt.date, grade: str) -> None:
    auditor = UserFactory(username=f"aud-{child.child_id}", roles=["auditor"])
    audit = audit_services.audit_create(
        child=child, template_slug="sgo-before-court", mode="paper", auditor=auditor, actor=lead
    )
    moment = timezone.make_aware(dt.datetime.combine(closed, dt.time(12)))
    Audit.objects.filter(pk=audit.pk).update(status="closed", closed_at=moment)
    OverallGrade.objects.create(
        audit=audit, grade=Grade.objects.get(slug=grade), given_by=auditor, given_at=moment
    )


def test_audit_grades_of_the_exits(client, data):
    lead = UserFactory(username="lead", roles=["assurance_lead"])
    graded_audit(Child.objects.get(child_id="N0"), lead, closed=D(2026, 2, 1), grade="good")
    graded_audit(Child.objects.get(child_id="N1"), lead, closed=D(2026, 4, 1), grade="inadequate")
    # closed more than a year before the exit: not the audit of this exit
    graded_audit(Child.objects.get(child_id="N2"), lead, closed=D(2024, 3, 1), grade="inadequate")
    client.force_login(lead)
    page = client.get(URL + QUERY).content.decode()
    table = page.split('data-testid="table-audit-grades"')[1].split("</table>")[0]
    headers = re.findall(r'<th scope="col" class="govuk-table__header">([^<]+)</th>', table)
    assert headers == ["Exit route", "Exits", "Audited", "Good", "Inadequate", "Below good"]
    sgo = re.findall(r"<td class=\"govuk-table__cell\">(\d+)</td>", table.split("</tr>")[1])
    assert sgo == ["19", "2", "1", "1", "1"]
    assert (
        "2 of 20 exits had an audit closed within a year of leaving; 1 of those audits were "
        "graded below good." in page
    )


def test_the_leads_programme_start_is_the_default(client, data):
    lead = UserFactory(username="lead", roles=["assurance_lead"])
    client.force_login(lead)
    response = client.post("/insights/settings/", {"programme_start": "2025-10-01"})
    assert response.status_code == 302
    page = client.get(URL + QUERY).content.decode()
    assert "recalculated from the programme start on 1 October 2025" in page
    cleared = client.get(URL + QUERY + "&programme_start=").content.decode()
    assert "recalculated from the programme start" not in cleared
    event = DomainEvent.objects.get(verb="insights_settings.changed")
    assert event.data == {"before": None, "after": "2025-10-01"}
    client.force_login(UserFactory(username="dir", roles=["director"]))
    assert client.get("/insights/settings/").status_code == 403


def test_time_from_sgo_assessment_to_order(client, data):
    from assure.children.models import SGOAssessment

    def assess(child_id: str, start: dt.date, n: int) -> None:
        SGOAssessment.objects.create(
            child=Child.objects.get(child_id=child_id),
            assessment_id=f"A{n}",
            carer_name="Kin",
            relationship="relative",
            stage="full",
            start_date=start,
        )

    assess("N0", D(2026, 2, 1), 1)  # 37 days before the order on 10 March: under 8 weeks
    assess("N1", D(2025, 9, 1), 2)  # 190 days: 26 weeks or more
    assess("N1", D(2026, 4, 1), 3)  # after the order: not the assessment that led to it
    client.force_login(UserFactory(username="lead", roles=["assurance_lead"]))
    page = client.get(URL + QUERY).content.decode()
    table = page.split('data-testid="table-sgo-assessment"')[1].split("</table>")[0]
    counts = re.findall(r'<td class="govuk-table__cell">(\d+)</td>', table)
    assert counts == ["1", "0", "0", "1", "17"]
    assert (
        "Of 19 exits through special guardianship orders, 2 had an SGO assessment recorded; "
        "the median time from its start to the order was 113.5 days (1 under 8 weeks)."
    ) in page


def test_the_form_shows_the_default_period(client, data):
    client.force_login(UserFactory(username="lead", roles=["assurance_lead"]))
    with clock.frozen_at(D(2026, 7, 15)):
        page = client.get(URL).content.decode()
    assert 'value="2024-07-01"' in page and 'value="2026-06-30"' in page
    assert "1 July 2024 to 30 June 2026, by month." in page
