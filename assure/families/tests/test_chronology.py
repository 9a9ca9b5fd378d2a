"""The chronology's registry: a new source plugs in without changing the families code, and
cannot leak a child the user may not see."""

import datetime as dt

import pytest

from assure.families import chronology

from .conftest import RECORD_EVENTS, SHARED_EVENTS, bearer_for


@pytest.fixture
def audit_source(family):
    """A stand-in for the audits app: one event about every child asked for and, wrongly, one
    naming a child it was not asked about."""
    restricted_pk = family.members.get(child__child_id="R1").child_id

    def audit_events(child_pks):
        for pk in sorted(child_pks):
            yield chronology.SourceEvent(
                key=f"{pk}",
                date=dt.date(2022, 5, 1),
                child_pks=(pk,),
                kind="audit",
                summary="Audit completed: good",
            )
        yield chronology.SourceEvent(
            key="leak",
            date=dt.date(2022, 6, 1),
            child_pks=(restricted_pk,),
            kind="audit",
            summary="Audit of the restricted sibling",
        )

    chronology.register_source("audits-test", audit_events, kinds={"audit": "Audits"})
    yield
    chronology.unregister_source("audits-test")


def test_a_registered_source_joins_the_page_and_the_api(client, auditor, audit_source):
    client.force_login(auditor)
    html = client.get("/families/F1/?kind=audit").content.decode()
    assert html.count('data-kind="audit"') == 2
    assert "Audit of the restricted sibling" not in html
    assert 'value="audit"' in html and "Audits" in html  # offered in the kind filter
    body = client.get("/api/v1/families/F1", **bearer_for(auditor)).json()
    audits = [e for e in body["chronology"] if e["kind"] == "audit"]
    assert [e["child_id"] for e in audits] == ["A1", "A2"]
    assert len(body["chronology"]) == 2 * RECORD_EVENTS + SHARED_EVENTS + 2


def test_the_lead_sees_the_sources_events_for_every_child(client, lead, audit_source):
    body = client.get("/api/v1/families/F1?kind=audit", **bearer_for(lead)).json()
    assert [e["child_id"] for e in body["chronology"]] == ["A1", "A2", "R1", "R1"]


def test_source_names_are_checked():
    with pytest.raises(ValueError):
        chronology.register_source("bad:name", lambda pks: [], kinds={})


def test_built_in_kinds_are_registered():
    assert {
        "entered_care",
        "legal_status",
        "placement",
        "left_care",
        "proceedings",
        "hearing",
        "plan",
        "assessment",
        "support_plan",
        "review",
    } <= set(chronology.kinds())
