"""The family page's prospective special guardians and carers: one person by carer ID across
siblings, assessments without one kept apart by name, and a restricted sibling leaving no
trace (not even in a count)."""

import datetime as dt

import pytest

from assure.children.models import SGOAssessment
from assure.families import selectors

from .conftest import SECRETS, bearer_for, normalised

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_carer(family):
    """Pat Carer (CM-1) was assessed for A1 and A2, and (as the case-management system
    knows) also for the restricted R1, recorded there as "Secret Guardian". A2 also had a
    viability assessment of an aunt with no carer ID."""
    SGOAssessment.objects.filter(child__child_id__in=["A1", "A2", "R1"]).update(carer_id="CM-1")
    SGOAssessment.objects.create(
        child=family.members.get(child__child_id="A2").child,
        assessment_id="AS-A2-aunt",
        carer_name="Aunt Jo",
        relationship="relative",
        stage="viability",
        start_date=dt.date(2021, 2, 1),
        completed_date=dt.date(2021, 3, 1),
        recommendation="negative",
    )
    return family


def test_one_person_across_siblings_and_separate_without_an_id(auditor, shared_carer):
    _, members = selectors.family_get_for_user(user=auditor, family_id="F1")
    carers = selectors.family_carers(children=selectors.children_of(members))
    assert [(c.name, c.carer_id) for c in carers] == [("Aunt Jo", ""), ("Pat Carer", "CM-1")]
    pat = carers[1]
    assert [c.child_id for c in pat.children] == ["A1", "A2"]
    assert pat.other_names == []
    assert [a.assessment_id for a in pat.assessments] == ["AS-A1", "AS-A2"]


def test_assessments_without_an_id_stay_separate(auditor, family):
    # add_record gives A1 and A2 each an assessment of "Pat Carer" without a carer ID.
    _, members = selectors.family_get_for_user(user=auditor, family_id="F1")
    carers = selectors.family_carers(children=selectors.children_of(members))
    assert [(c.name, [x.child_id for x in c.children]) for c in carers] == [
        ("Pat Carer", ["A1"]),
        ("Pat Carer", ["A2"]),
    ]


def test_the_page_shows_carers_and_nothing_of_the_restricted_sibling(
    client, auditor, lead, shared_carer
):
    client.force_login(auditor)
    html = normalised(client.get("/families/F1/").content.decode())
    section = html[html.index('id="carers"') : html.index('data-testid="chronology"')]
    assert "Pat Carer" in section and "carer ID CM-1" in section
    assert "Assessed for 2 children" in section
    assert "Aunt Jo" in section and "no carer ID recorded" in section
    assert "Negative" in section
    assert section.count('data-testid="carer"') == 2
    for secret in (*SECRETS, "also recorded as", "3 children", "AS-R1"):
        assert secret not in html, secret
    # The lead sees the restricted sibling, and the other name the person is recorded under.
    client.force_login(lead)
    html = client.get("/families/F1/").content.decode()
    assert "Assessed for 3 children" in html
    assert "also recorded as Secret Guardian" in html


def test_api_carers(client, auditor, lead, shared_carer):
    body = client.get("/api/v1/families/F1", **bearer_for(auditor)).json()
    assert [(c["name"], c["carer_id"]) for c in body["carers"]] == [
        ("Aunt Jo", ""),
        ("Pat Carer", "CM-1"),
    ]
    pat = body["carers"][1]
    assert pat["relationship"] == "Relative"
    assert [a["child_id"] for a in pat["assessments"]] == ["A1", "A2"]
    assert pat["assessments"][0] == {
        "child_id": "A1",
        "assessment_id": "AS-A1",
        "stage": "full",
        "start_date": "2020-05-01",
        "completed_date": "2020-08-01",
        "recommendation": "sgo",
    }
    response = client.get("/api/v1/families/F1", **bearer_for(auditor))
    for secret in (*SECRETS, "AS-R1"):
        assert secret not in response.content.decode(), secret
    body = client.get("/api/v1/families/F1", **bearer_for(lead)).json()
    assert [a["child_id"] for a in body["carers"][1]["assessments"]] == ["R1", "A1", "A2"]


def test_the_demo_gives_siblings_assessed_together_one_carer_id():
    from assure.children.demo import generate_children

    families = [
        [c for c in family if c.assessments]
        for family in generate_children(children=300, seed=42, today=dt.date(2026, 6, 15))
    ]
    together = [f for f in families if len(f) > 1]
    assert together  # the demo has sibling groups assessed together
    for siblings in together:
        ids = [{a.carer_id for a in child.assessments} for child in siblings]
        assert "" not in ids[0]
        assert all(i == ids[0] for i in ids)
    # Different families' carers are different people.
    first = [next(iter({a.carer_id for a in f[0].assessments})) for f in families if f]
    assert len(first) == len(set(first))
