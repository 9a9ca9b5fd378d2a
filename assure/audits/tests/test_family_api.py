"""Family audits in the API: a list and one family audit, each showing only the children the
caller may see; 404 for a family audit with none of them."""

import pytest
from django.utils import timezone

from assure.audits import family_services
from assure.audits.models import Question
from assure.people.services import api_token_create
from tests.factories import ChildFactory


def _bearer(user) -> dict[str, str]:
    _, raw = api_token_create(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def fa(people):
    from assure.families.models import Family, FamilyMember

    family = Family.objects.create(family_id="STONE", created_at=timezone.now())
    children = [
        ChildFactory(child_id="S1", team=people.north),
        ChildFactory(child_id="S2", team=people.north),
        ChildFactory(child_id="S3", team=people.north, restricted=True),
    ]
    for child in children:
        FamilyMember.objects.create(family=family, child=child, linked_at=timezone.now())
    made = family_services.family_audit_create(
        children=children,
        template_slug="sgo-before-court",
        auditor=people.lead,
        actor=people.lead,
        family=family,
    )
    family_services.family_audit_transition(family_audit=made, to="in_progress", actor=people.lead)
    question = Question.objects.filter(section__template=made.template).first()
    family_services.family_finding_add(
        family_audit=made, question=question, type="strength", text="Shared.", actor=people.lead
    )
    return made


def test_the_list_and_detail_show_only_children_the_caller_may_see(client, people, fa):
    bearer = _bearer(people.practitioner)
    listed = client.get("/api/v1/family-audits", **bearer).json()
    assert listed["count"] == 1
    [item] = listed["items"]
    assert item["family_id"] == "STONE"
    assert [a["child_id"] for a in item["audits"]] == ["S1", "S2"]
    detail = client.get(f"/api/v1/family-audits/{fa.pk}", **bearer).json()
    assert [a["child_id"] for a in detail["audits"]] == ["S1", "S2"]
    assert detail["findings"] == [
        {
            "type": "strength",
            "text": "Shared.",
            "question": detail["findings"][0]["question"],
            "shared": True,
            "child_ids": ["S1", "S2"],
        }
    ]
    lead = client.get(f"/api/v1/family-audits/{fa.pk}", **_bearer(people.lead)).json()
    assert [a["child_id"] for a in lead["audits"]] == ["S1", "S2", "S3"]


def test_someone_who_sees_none_of_the_children_gets_404_and_an_empty_list(client, people, fa):
    bearer = _bearer(people.south_manager)
    assert client.get(f"/api/v1/family-audits/{fa.pk}", **bearer).status_code == 404
    assert client.get("/api/v1/family-audits", **bearer).json() == {"count": 0, "items": []}
