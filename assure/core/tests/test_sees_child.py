"""`access.sees_child_q` is the policy turned round: the people who see one child are exactly
those whose `visible_children` holds it (a panel member's agenda window aside)."""

import pytest

from assure.children.models import ChildAccess
from assure.core import access
from assure.people.models import User
from assure.people.roles import Role
from tests.factories import ChildFactory, TeamFactory, UserFactory


@pytest.fixture
def everyone(db):
    north, south = TeamFactory(name="North"), TeamFactory(name="South")
    people = [
        UserFactory(username=f"{role}-{team.name if team else 'none'}", roles=[role], teams=teams)
        for role in Role.values
        for team, teams in ((north, [north]), (south, [south]), (None, []))
    ]
    UserFactory(username="gone", roles=[Role.AUDITOR], is_active=False)
    return north, south, people


@pytest.mark.parametrize("kind", ["team", "no team", "restricted"])
def test_the_people_who_see_a_child_are_those_it_is_visible_to(everyone, kind):
    north, _, people = everyone
    child = ChildFactory(team=None if kind == "no team" else north, restricted=kind == "restricted")
    if kind == "restricted":
        for username in ("practitioner-South", "auditor-none", "admin-none", "director-North"):
            ChildAccess.objects.create(child=child, user=User.objects.get(username=username))
    seen_by = {
        u.username for u in User.objects.all() if access.visible_children(u).filter(pk=child.pk)
    }
    # Panel members see a child only through a meeting's agenda, which this child is not on.
    assert (
        set(
            User.objects.filter(access.sees_child_q(child), is_active=True).values_list(
                "username", flat=True
            )
        )
        == seen_by
    )
    assert seen_by  # the comparison is not between two empty sets
