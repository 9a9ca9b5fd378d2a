"""The assurance lead restricts a child's record and keeps its access list."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from assure.children import services
from assure.core.access import visible_children
from assure.core.models import DomainEvent
from tests.factories import ChildFactory, TeamFactory, UserFactory


@pytest.fixture
def people(db):
    team = TeamFactory(name="North")
    return {
        "lead": UserFactory(username="lead", roles=["assurance_lead"]),
        "pat": UserFactory(username="pat", roles=["practitioner"], teams=[team]),
        "kim": UserFactory(username="kim", roles=["auditor"]),
        "child": ChildFactory(child_id="K1", team=team),
    }


def test_restricting_hides_the_child_until_granted(people):
    child, lead, pat, kim = people["child"], people["lead"], people["pat"], people["kim"]
    services.child_restrict(child=child, restricted=True, reason="High-profile case", actor=lead)
    assert not visible_children(pat).filter(pk=child.pk).exists()
    assert not visible_children(kim).filter(pk=child.pk).exists()
    services.child_access_grant(child=child, user=kim, reason="Auditing the case", actor=lead)
    assert visible_children(kim).filter(pk=child.pk).exists()
    services.child_access_revoke(child=child, user=kim, actor=lead)
    assert not visible_children(kim).filter(pk=child.pk).exists()
    verbs = list(
        DomainEvent.objects.filter(child=child).order_by("id").values_list("verb", flat=True)
    )
    assert verbs == ["child_restricted", "child_access_granted", "child_access_revoked"]


def test_only_the_lead_may_restrict_and_a_reason_is_required(people):
    with pytest.raises(PermissionDenied):
        services.child_restrict(
            child=people["child"], restricted=True, reason="x", actor=people["kim"]
        )
    with pytest.raises(ValidationError):
        services.child_restrict(
            child=people["child"], restricted=True, reason=" ", actor=people["lead"]
        )
    people["child"].refresh_from_db()
    assert people["child"].restricted is False
    assert not DomainEvent.objects.exists()


def test_access_page_journey(client, people):
    client.force_login(people["lead"])
    url = reverse("children:access", args=["K1"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"action": "restriction", "reason": ""})
    assert b"Enter a reason" in response.content
    client.post(url, {"action": "restriction", "reason": "Sibling is a staff member's child"})
    people["child"].refresh_from_db()
    assert people["child"].restricted is True
    response = client.post(
        url, {"action": "grant", "grant-username": "nobody", "grant-reason": "x"}
    )
    assert b"Choose the person to add from the list" in response.content
    client.post(
        url, {"action": "grant", "grant-username": "PAT", "grant-reason": "Allocated worker"}
    )
    assert visible_children(people["pat"]).filter(child_id="K1").exists()
    history = client.get(reverse("children:detail", args=["K1"])).content.decode()
    assert "pat added to the access list: Allocated worker" in history
    assert "Record restricted: Sibling is a staff member" in history


def test_access_page_is_only_for_the_lead(client, people):
    client.force_login(people["kim"])
    assert client.get(reverse("children:access", args=["K1"])).status_code == 403
