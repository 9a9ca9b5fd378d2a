"""The chronology download: what the page shows, with its filters, spreadsheet-safe, logged
for each visible child, and nothing of a restricted sibling."""

import csv
import io

from assure.core.models import AccessEvent
from assure.families import exports

from .conftest import RECORD_EVENTS, SECRETS, SHARED_EVENTS


def _download(client, query: str = "") -> tuple[object, list[list[str]]]:
    response = client.get(f"/families/F1/chronology.csv{query}")
    body = b"".join(response.streaming_content).decode() if response.status_code == 200 else ""
    return response, list(csv.reader(io.StringIO(body)))


def test_csv_holds_the_visible_childrens_events_in_order(client, auditor, family):
    client.force_login(auditor)
    response, rows = _download(client)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="family-F1-chronology.csv"' in response["Content-Disposition"]
    header, *events = rows
    assert header == exports.HEADERS
    assert len(events) == 2 * RECORD_EVENTS + SHARED_EVENTS
    assert [row[0] for row in events] == sorted(row[0] for row in events)
    shared = [row for row in events if row[1] == "Hearings"]
    assert {row[2] for row in shared} == {"A1 A2"}  # the sibling R1 shares them, unnamed
    text = "\n".join(",".join(row) for row in rows)
    for secret in SECRETS:
        assert secret not in text, secret


def test_csv_follows_the_page_filters(client, auditor, family):
    client.force_login(auditor)
    _, rows = _download(client, "?child=A2&kind=plan&kind=assessment")
    assert [(row[1], row[2]) for row in rows[1:]] == [
        ("Permanence plans", "A2"),
        ("SGO assessments", "A2"),
        ("SGO assessments", "A2"),
    ]


def test_csv_download_is_logged_for_each_visible_child(client, auditor, family):
    client.force_login(auditor)
    _download(client)
    logged = AccessEvent.objects.filter(user=auditor, via=AccessEvent.Via.EXPORT)
    assert sorted(logged.values_list("child__child_id", flat=True)) == ["A1", "A2"]
    assert logged.first().detail["export"] == "family_chronology"


def test_a_filtered_download_is_logged_only_for_the_children_it_holds(client, auditor, family):
    client.force_login(auditor)
    _download(client, "?child=A2&kind=plan")  # A2's plans only: no shared proceedings
    logged = AccessEvent.objects.filter(user=auditor, via=AccessEvent.Via.EXPORT)
    assert list(logged.values_list("child__child_id", flat=True)) == ["A2"]


def test_csv_is_404_for_a_family_the_user_cannot_see(client, family, db):
    from tests.factories import UserFactory

    outsider = UserFactory(username="sw", roles=["practitioner"])  # in no team
    client.force_login(outsider)
    response, _ = _download(client)
    assert response.status_code == 404
    assert not AccessEvent.objects.filter(user=outsider).exists()


def test_text_a_spreadsheet_would_run_is_made_plain(client, auditor, family):
    from assure.children.models import Child

    Child.objects.filter(child_id="A1").update(first_name="=HYPERLINK(1)")
    client.force_login(auditor)
    _, rows = _download(client)
    names = {row[3] for row in rows[1:] if row[2] == "A1"}
    assert names == {"'=HYPERLINK(1) Smith"}


def test_the_page_links_to_the_download_with_its_filters(client, auditor, family):
    client.force_login(auditor)
    html = client.get("/families/F1/?child=A2").content.decode()
    assert 'href="/families/F1/chronology.csv?child=A2"' in html


def test_the_link_carries_the_filters_as_understood_never_a_hidden_child(client, auditor, family):
    client.force_login(auditor)
    html = client.get("/families/F1/?child=R1&date_from=2021-01-01&date_to=2021-03-01").content
    link = 'href="/families/F1/chronology.csv?date_from=2021-01-01&amp;date_to=2021-03-01"'
    assert link in html.decode()
    _, rows = _download(client, "?date_from=2021-01-01&date_to=2021-03-01")
    assert rows[1:] and all("2021-01-01" <= row[0] <= "2021-03-01" for row in rows[1:])
