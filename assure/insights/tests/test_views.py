"""The exits dashboard through the test client: charts with their tables and sentences,
CSV downloads with small counts suppressed, the access policy, bad input and query counts."""

import csv
import datetime as dt
import io
import re
from html import escape

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assure.audits import services as audit_services
from assure.audits.models import Audit, Grade, OverallGrade
from assure.children.models import Child
from assure.core import clock
from assure.core.models import DomainEvent
from assure.insights import disclosure
from assure.insights.dashboard import GUIDE_SECTIONS
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


@pytest.fixture
def dense():
    """Three SGO exits a month through 2025 and to February 2026 (14 months), then twelve in
    March 2026: a spike on an XmR chart (not rare: about 3.6 a month)."""
    team = TeamFactory(name="Dense")
    n = 0
    for month in range(14):
        year, index = divmod(month, 12)
        for _ in range(3):
            n += 1
            child = child_with(child_id=f"D{n}", team=team)
            period(child, start=D(2024, 6, 1), end=D(2025 + year, index + 1, 10), reason="E45")
    for _ in range(12):
        n += 1
        child = child_with(child_id=f"D{n}", team=team)
        period(child, start=D(2024, 6, 1), end=D(2026, 3, 10), reason="E45")
    return team


DENSE = "?date_from=2025-01-01&date_to=2026-04-30&interval=month&programme_start="


def section(page: str, slug: str) -> str:
    return page.split(f'data-testid="measure-{slug}"')[1].split("</section>")[0]


def test_the_page_opens_with_the_answer_then_every_measure(client, data):
    client.force_login(UserFactory(username="lead", roles=["assurance_lead"]))
    page = client.get(URL + QUERY + "&programme_start=2025-07-01").content.decode()
    answer = page.index('data-testid="answer"')
    assert answer < page.index('id="charts"') < page.index('data-testid="measure-exits"')
    findings = re.findall(r'<li data-testid="finding">(.*?)</li>', page, re.S)
    assert findings, "the answer comes first"
    assert all("95% CI" in f or "special cause" in f for f in findings)
    assert all('href="/insights/exits/methods/#' in f for f in findings)
    for slug in (
        "exits",
        "exit-decisions",
        "exits-sgo",
        "entries",
        "looked-after",
        "exits-per-100",
        "reentry-rate",
        "sgo-breakdowns",
    ):
        part = section(page, slug)
        assert 'data-testid="variation-' in part and "variation" in part.lower(), slug
        assert 'data-testid="sentence-' in part and "How this is worked out" in part, slug
        assert "<caption" in part, slug
    chart = section(page, "looked-after")
    assert re.search(r'<svg[^>]+role="img"[^>]+aria-labelledby', chart)
    assert "<title id=" in chart and "<desc id=" in chart
    assert ">Month</text>" in chart and "Change in the number looked after</text>" in chart
    assert "Process limits</text>" in chart  # the legend
    methods = client.get("/insights/exits/methods/")
    assert methods.status_code == 200
    # Each finding's link to its method names the section it leads to, as that section is
    # headed on the methods page.
    headings = dict(
        re.findall(
            r'<h2 class="govuk-heading-m" id="([^"]+)">([^<]+)</h2>', methods.content.decode()
        )
    )
    assert headings == {k: escape(v) for k, v in GUIDE_SECTIONS.items()}
    for finding in findings:
        guide = re.search(r'methods/#([^"]+)">how this is worked out', finding).group(1)
        assert (
            f'<span class="govuk-visually-hidden">: {escape(GUIDE_SECTIONS[guide])}</span>'
            in finding
        )


def moved_list(page: str) -> str:
    found = re.search(r'data-testid="moved">(.*?)</ul>', page, re.S)
    return found[1] if found else ""


def findings_of(page: str) -> list[str]:
    return re.findall(r'<li data-testid="finding">(.*?)</li>', page, re.S)


def test_an_old_special_cause_is_named_as_past_and_the_chart_did_not_move(client, dense):
    client.force_login(UserFactory(username="lead", roles=["assurance_lead"]))
    page = client.get(URL + DENSE).content.decode()
    sgo = section(page, "exits-sgo")
    sentence = re.search(r'data-testid="sentence-exits-sgo">([^<]+)<', sgo)[1].strip()
    assert sentence.startswith(
        "Exits through special guardianship orders: common cause variation at the latest point, "
        "April 2026: no sign of a change now. The last special cause was earlier, March 2026 "
        "(a point outside the process limits, high)."
    )
    # The variation icon reads the same latest point (April, ordinary again); March's marker
    # is purple, MDC's colour for a change that is neither improvement nor concern.
    assert "Common cause variation" in sgo
    assert 'fill="#4c2c92"' in sgo
    assert "Outside limit</text>" in sgo and "<polygon" in sgo  # labelled, shaped marker
    assert 'stroke-dasharray="8 5"' in sgo  # limits dashed, not told apart by colour
    assert "(no direction is better by itself)" in sgo
    # Not a chart that moved, and the summary does not call it a change.
    assert "Exits through special guardianship" not in moved_list(page)
    assert not any("Exits through special guardianship" in f for f in findings_of(page))


def test_a_special_cause_now_is_listed_and_every_place_agrees(client, dense):
    client.force_login(UserFactory(username="lead", roles=["assurance_lead"]))
    page = client.get(URL + DENSE.replace("2026-04-30", "2026-03-31")).content.decode()
    sgo = section(page, "exits-sgo")
    sentence = re.search(r'data-testid="sentence-exits-sgo">([^<]+)<', sgo)[1].strip()
    expected = (
        "Exits through special guardianship orders: special cause at the latest point, March "
        "2026 (a point outside the process limits, high): a real change (neither better nor "
        "worse by itself)."
    )
    assert sentence.startswith(expected)
    assert "Special cause variation: neither improvement nor concern" in sgo
    assert re.search(
        r'href="#exits-sgo">Exits through special guardianship orders</a>: special cause '
        r"variation: neither improvement nor concern \(latest point, March 2026\)",
        moved_list(page),
    )
    assert [f for f in findings_of(page) if f.startswith(expected)]
    # Every chart listed as moved says so in its own words, and no other chart does.
    checked = []
    for slug in re.findall(r'<section id="([^"]+)"[^>]*data-testid="measure-', page):
        part = section(page, slug)
        icon = re.search(r'data-testid="variation-[^"]+">.*?<strong>([^<]+)</strong>', part, re.S)
        if icon is None:
            continue  # not an SPC chart
        now = icon[1] != "Common cause variation"
        assert (f'href="#{slug}"' in moved_list(page)) == now, slug
        assert ("special cause at the latest point" in part) == now, slug
        checked.append(slug)
    assert len(checked) == 13 and "exits-sgo" in checked


def test_rare_routes_are_charted_as_days_between_events(client, data):
    client.force_login(UserFactory(username="lead", roles=["assurance_lead"]))
    page = client.get(URL + QUERY).content.decode()
    sgo = section(page, "exits-sgo")  # 19 in 18 months: under 2 a month
    assert "Days since the one before" in sgo and "(a t chart)" in sgo
    assert "not offered as a download" in sgo
    assert client.get("/insights/exits/exits-sgo.csv" + QUERY).status_code == 404


def test_a_measure_with_nothing_in_the_period_says_so_in_its_table(client, data):
    client.force_login(UserFactory(username="lead", roles=["assurance_lead"]))
    page = client.get(URL + QUERY).content.decode()
    adoption = section(page, "exits-adoption")  # nobody in `data` left care by adoption
    body = adoption.split('<tbody class="govuk-table__body">')[1].split("</tbody>")[0]
    assert re.fullmatch(
        r'\s*<tr class="govuk-table__row"><td class="govuk-table__cell" colspan="6"'
        r' data-testid="no-numbers-exits-adoption">None in the period.</td></tr>\s*',
        body,
    )
    assert "None in the period." not in section(page, "exits-sgo")


def test_a_practitioner_sees_only_their_teams_figures(client, data):
    client.force_login(UserFactory(username="w", roles=["practitioner"], teams=[data["south"]]))
    page = client.get(URL + QUERY).content.decode()
    table = section(page, "reentry").split("</table>")[0]
    exits = re.findall(r'</th><td class="govuk-table__cell">(\d+)</td>', table)
    assert sum(int(c) for c in exits) == 1  # only the south child's return home


def test_csv_download_hides_small_counts_and_what_rests_on_them(client, dense):
    client.force_login(UserFactory(username="lead", roles=["assurance_lead"]))
    response = client.get("/insights/exits/exits-sgo.csv" + DENSE)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Month", "Count", "Mean", "Lower limit", "Upper limit", "Special cause"]
    by_month = {r[0]: r for r in rows[1:] if r}
    # Twelve is not under 5, but may be hidden too so that no month of 3 can be worked out
    # (test_disclosure tries); the months of 3 are always hidden.
    assert by_month["March 2026"][1] in ("12", "c")
    assert by_month["January 2025"][1] == "c"  # 3
    assert by_month["April 2026"][1] == "0"  # a zero tells nothing about any child
    assert {r[2] for r in by_month.values() if len(r) > 2} == {"c"}  # the mean: hidden
    assert any(disclosure.HIDDEN_NOTE in r for r in rows if r)
    assert client.get("/insights/exits/nothing.csv").status_code == 404


def test_the_baseline_limits_are_carried_forward(client, dense):
    client.force_login(UserFactory(username="lead", roles=["assurance_lead"]))
    page = client.get(URL + DENSE.replace("programme_start=", "programme_start=2026-01-01"))
    html = page.content.decode()
    assert "compared before and from the programme start on 1 January 2026" in html
    sgo = section(html, "exits-sgo")
    assert "Limits from the 12 points before the programme start, carried forward." in sgo
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
    assert client.get("/insights/exits/reentry.csv").status_code == 403
    assert client.get("/insights/exits/methods/").status_code == 403


# The signed-in request's own (session, user, roles, the second-factor check and the
# session's save in a savepoint: 3), then the programme start setting, the episodes (with
# the children's dates of birth), the P2 children, the audit grades of the exits, the SGO
# assessments' start dates, the recorded rebases, the targets and, once the children app
# holds social care events (Annex A), those events (the user's teams are a subquery of the
# policy, no query of their own).
EVENTS = 1 if "socialcareevent" in {m._meta.model_name for m in apps.get_models()} else 0
PAGE_QUERIES = 15 + EVENTS  # with whether imports brought the care records
CSV_QUERIES = 15 + EVENTS


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


def test_the_directors_page_and_downloads_make_the_same_queries_at_any_size(
    client, django_assert_num_queries
):
    """Every selector answers in one query for all the measures (episodes with the dates of
    birth, P2 records, audit grades, SGO assessment starts, later events), so a council ten
    times the size costs the same queries, for the page and for a CSV download."""
    director = UserFactory(username="dir", roles=["director"])
    client.force_login(director)
    team = TeamFactory(name="North")
    urls = (URL + QUERY, "/insights/exits/time-in-care.csv" + QUERY)
    for first, last in ((0, 4), (4, 60)):
        for i in range(first, last):
            child = child_with(child_id=f"R{i:04d}", team=team, p2=i % 5 == 0)
            route = ("E45", "E41", "E4A", "E11")[i % 4]
            period(child, start=D(2024, 3, 1), end=D(2025, 1 + i % 12, 9), reason=route)
            if i % 3 == 0:
                period(child, start=D(2025, 11, 1))
        for url, queries in zip(urls, (PAGE_QUERIES, CSV_QUERIES), strict=True):
            with django_assert_num_queries(queries):
                assert client.get(url).status_code == 200


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
    response = client.post(
        "/insights/settings/", {"form": "start", "programme_start": "2025-10-01"}
    )
    assert response.status_code == 302
    page = client.get(URL + QUERY).content.decode()
    assert "compared before and from the programme start on 1 October 2025" in page
    cleared = client.get(URL + QUERY + "&programme_start=").content.decode()
    assert "compared before and from the programme start" not in cleared
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
    for name, value in [("date_from", "1 7 2024"), ("date_to", "30 6 2026")]:
        shown = [
            re.search(rf'name="{name}-{part}"[^>]*value="(\d+)"', page).group(1)
            for part in ("day", "month", "year")
        ]
        assert " ".join(shown) == value
    assert "1 July 2024 to 30 June 2026, by month." in page
