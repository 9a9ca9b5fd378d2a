"""Creating families and linking children by hand."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assure.core.models import DomainEvent
from assure.families import services
from assure.families.models import Family, FamilyMember
from tests.factories import ChildFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor():
    return UserFactory(username="auditor", roles=["auditor"])


def test_create_links_the_first_child_and_records_events(auditor):
    child = ChildFactory(child_id="A1")
    family = services.family_create(
        family_id=" F1 ", name="The Smiths", child=child, relationship="child", actor=auditor
    )
    assert family.family_id == "F1"
    assert list(family.members.values_list("child__child_id", "relationship_to_family")) == [
        ("A1", "child")
    ]
    verbs = list(DomainEvent.objects.order_by("id").values_list("verb", "child__child_id"))
    assert verbs == [("family_created", None), ("family_child_linked", "A1")]
    assert DomainEvent.objects.filter(actor=auditor).count() == 2


def test_a_child_may_be_in_several_families(auditor):
    child = ChildFactory(child_id="A1")
    services.family_create(family_id="F1", child=child, relationship="child", actor=auditor)
    services.family_create(family_id="F2", child=child, relationship="half-sibling", actor=auditor)
    assert child.family_memberships.count() == 2


def test_duplicate_identifier_and_duplicate_link_are_refused(auditor):
    a1, a2 = ChildFactory(child_id="A1"), ChildFactory(child_id="A2")
    family = services.family_create(family_id="F1", child=a1, relationship="child", actor=auditor)
    with pytest.raises(ValidationError, match="already exists"):
        services.family_create(family_id="F1", child=a2, relationship="child", actor=auditor)
    with pytest.raises(ValidationError, match="already in the family"):
        services.family_link_child(family=family, child=a1, relationship="child", actor=auditor)
    with pytest.raises(ValidationError, match="not a relationship"):
        services.family_link_child(family=family, child=a2, relationship="cousin", actor=auditor)
    assert Family.objects.count() == 1
    assert FamilyMember.objects.count() == 1


def test_link_and_unlink(auditor):
    a1, a2 = ChildFactory(child_id="A1"), ChildFactory(child_id="A2")
    family = services.family_create(family_id="F1", child=a1, relationship="child", actor=auditor)
    services.family_link_child(family=family, child=a2, relationship="half-sibling", actor=auditor)
    assert family.members.count() == 2
    services.family_unlink_child(family=family, child=a2, actor=auditor)
    assert list(family.members.values_list("child__child_id", flat=True)) == ["A1"]
    assert DomainEvent.objects.filter(verb="family_child_unlinked", child=a2).exists()
    with pytest.raises(ValidationError, match="not in the family"):
        services.family_unlink_child(family=family, child=a2, actor=auditor)


def test_roles_without_the_permission_are_refused():
    child = ChildFactory(child_id="A1")
    director = UserFactory(username="director", roles=["director"])
    with pytest.raises(PermissionDenied):
        services.family_create(family_id="F1", child=child, relationship="child", actor=director)
    assert not Family.objects.exists()


def test_team_roles_link_only_children_they_can_see():
    north, south = TeamFactory(name="North"), TeamFactory(name="South")
    mine, theirs = ChildFactory(child_id="A1", team=north), ChildFactory(child_id="B1", team=south)
    practitioner = UserFactory(username="sw", roles=["practitioner"], teams=[north])
    family = services.family_create(
        family_id="F1", child=mine, relationship="child", actor=practitioner
    )
    with pytest.raises(ValidationError, match="no child with that ID"):
        services.family_link_child(
            family=family, child=theirs, relationship="child", actor=practitioner
        )
    restricted = ChildFactory(child_id="R1", team=north, restricted=True)
    with pytest.raises(ValidationError, match="no child with that ID"):
        services.family_link_child(
            family=family, child=restricted, relationship="child", actor=practitioner
        )
    assert family.members.count() == 1
