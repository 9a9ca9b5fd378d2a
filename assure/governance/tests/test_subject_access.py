"""The subject access bundle: everything Assure holds about the child (every table the
deletion of their record reaches), nothing of their sibling's, one zip of JSON and a page,
and the download logged as a read of the record."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.urls import reverse

from assure.core.models import AccessEvent, DomainEvent
from assure.governance import erasure
from tests.factories import ChildFactory, UserFactory

from .builders import CHILD_ID, FIRST, full_world

pytestmark = pytest.mark.django_db


def _download(client, child_id: str = CHILD_ID):
    url = reverse("governance:subject_access_child", kwargs={"child_id": child_id})
    return url, client.post(url)


def _open(response) -> tuple[dict, str]:
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["bundle.html", "bundle.json"]
    return json.loads(archive.read("bundle.json")), archive.read("bundle.html").decode()


def test_the_bundle_holds_every_kind_of_record_about_the_child(client):
    world = full_world()
    client.force_login(world.lead)
    _, response = _download(client)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert f'filename="subject-access-{CHILD_ID}-' in response["Content-Disposition"]
    data, page = _open(response)
    sections = data["sections"]
    rows = {key: section["rows"] for key, section in sections.items()}
    assert data["child_id"] == CHILD_ID and data["taken_by"] == "lead"
    assert rows["children.child"][0]["first_name"] == FIRST
    # The record, audits, findings, decisions, panel outcomes, chronology and access log.
    assert len(rows["children.episode"]) == 1
    assert len(rows["audits.audit"]) == 2
    assert [f["text"] for f in rows["audits.finding"]] == ["Thorough"]
    assert [n["title"] for n in rows["inbox.notification"]] == [f"Escalation about {CHILD_ID}"]
    assert len(rows["decisions.proposal"]) == 2 and len(rows["decisions.decision"]) == 1
    assert sorted(o["recommendation"] for o in rows["panels.outcome"]) == ["defer", "support"]
    assert {p["proceedings_id"] for p in rows["children.proceedings"]} == {"PR-OWN", "PR-SHARED"}
    assert len(rows["children.hearing"]) == 2
    assert {f["family_id"] for f in rows["families.family"]} == {"FAM-ALONE", "FAM-SHARED"}
    assert [r["title"] for r in rows["families.practicereview"]] == ["Drift"]
    assert rows["chronology"], "the chronology has the child's events"
    assert {r["record"] for r in rows["history"]} >= {"children.child", "children.episode"}
    assert [e["verb"] for e in rows["core.domainevent"]][0] == "child_restricted"
    # The access log holds the earlier reads and this download itself.
    wheres = [e["where"] for e in rows["core.accessevent"]]
    assert f"/children/{CHILD_ID}/" in wheres
    assert any(e["via"] == "export" for e in rows["core.accessevent"])
    # Every table that holds something about a child has its section (history: one section).
    covered = set(sections) | {r["record"] for r in rows["history"]}
    for (label, _), what in erasure.child_relations().items():
        if what == erasure.HISTORY:
            continue
        assert label in covered, f"{label} is not in the subject access bundle"
    # Nothing of the sibling's own record.
    text = json.dumps(data)
    assert "SIB-1" not in text
    # The readable page holds the same.
    assert f"Everything Assure holds about {CHILD_ID}" in page
    assert "Thorough" in page and "PR-SHARED" in page


def test_the_download_is_logged_as_a_read_and_an_event(client):
    world = full_world()
    client.force_login(world.lead)
    url, _ = _download(client)
    export = AccessEvent.objects.get(child=world.child, via="export")
    assert export.user == world.lead and export.where == url
    event = DomainEvent.objects.get(verb="subject_access_exported")
    assert event.child == world.child and event.actor == world.lead
    assert event.data["sections"]["audits.audit"] == 2
    # Opening the page (before the download) is a read too.
    client.get(url)
    assert AccessEvent.objects.filter(child=world.child, via="page", where=url).count() == 1


def test_only_who_may_take_a_bundle_of_a_child_they_see(client):
    world = full_world()
    for user in (world.officer, world.auditor, world.manager):
        client.force_login(user)
        url, response = _download(client)
        assert response.status_code == 404
        assert client.get(url).status_code == 404
    hidden = ChildFactory(child_id="NOT-THERE-1")
    client.force_login(world.lead)
    assert _download(client, "NO-SUCH-CHILD")[1].status_code == 404
    assert _download(client, hidden.child_id)[1].status_code == 200
    assert not DomainEvent.objects.filter(
        verb="subject_access_exported", child=world.child
    ).exists()


def test_finding_a_child_that_is_not_seen_says_no_such_child(client):
    ChildFactory(child_id="RESTRICTED-1", restricted=True)
    lead = UserFactory(username="lead2", roles=["assurance_lead"])
    client.force_login(lead)
    url = reverse("governance:subject_access")
    response = client.get(url, {"child_id": "RESTRICTED-1"})
    assert response.status_code == 302  # the assurance lead sees restricted records
    response = client.get(url, {"child_id": "NOBODY"})
    assert "No child with that ID" in response.content.decode()
