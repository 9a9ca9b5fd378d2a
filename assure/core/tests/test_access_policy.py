"""The policy matrix (issue 2): every role x every surface x every kind of child."""

import re

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from assure.children.models import ChildAccess
from assure.core import access
from assure.core.models import AccessEvent
from assure.people.roles import Role
from assure.people.services import api_token_create
from tests.factories import ChildFactory, EpisodeFactory, TeamFactory, UserFactory

OWN, OTHER, RESTRICTED_LISTED, RESTRICTED_UNLISTED = "OWN1", "OTHER1", "RLIST1", "RSEC1"

SEES_ALL_UNRESTRICTED = {OWN, OTHER, RESTRICTED_LISTED}
SEES_TEAM = {OWN, RESTRICTED_LISTED}

EXPECTED = {
    Role.ADMIN: set(),
    Role.PANEL_MEMBER: set(),
    Role.ASSURANCE_LEAD: {OWN, OTHER, RESTRICTED_LISTED, RESTRICTED_UNLISTED},
    Role.AUDITOR: SEES_ALL_UNRESTRICTED,
    Role.DIRECTOR: SEES_ALL_UNRESTRICTED,
    Role.PERFORMANCE_OFFICER: SEES_ALL_UNRESTRICTED,
    Role.LEGAL: SEES_ALL_UNRESTRICTED,
    Role.IRO: SEES_ALL_UNRESTRICTED,
    Role.PRACTITIONER: SEES_TEAM,
    Role.TEAM_MANAGER: SEES_TEAM,
    Role.SERVICE_MANAGER: SEES_TEAM,
    Role.HEAD_OF_SERVICE: SEES_TEAM,
}
ALL_CHILDREN = (OWN, OTHER, RESTRICTED_LISTED, RESTRICTED_UNLISTED)


@pytest.fixture
def world(db):
    own_team, other_team = TeamFactory(name="North"), TeamFactory(name="South")
    children = {
        OWN: ChildFactory(child_id=OWN, team=own_team),
        OTHER: ChildFactory(child_id=OTHER, team=other_team),
        RESTRICTED_LISTED: ChildFactory(child_id=RESTRICTED_LISTED, team=own_team, restricted=True),
        RESTRICTED_UNLISTED: ChildFactory(
            child_id=RESTRICTED_UNLISTED, team=own_team, restricted=True
        ),
    }
    for child in children.values():
        EpisodeFactory(child=child)
    return {"team": own_team, "children": children}


def _user_for(role: str, world: dict):
    user = UserFactory(username=f"u_{role}", roles=[role], teams=[world["team"]])
    ChildAccess.objects.create(child=world["children"][RESTRICTED_LISTED], user=user)
    return user


def _verify_second_factor(client, user) -> None:
    """Administrators must confirm a one-time code; mark this session as having done so."""
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.mark.parametrize("role", list(EXPECTED))
def test_policy_matrix(role, world, client):
    user = _user_for(role, world)
    expected = EXPECTED[role]
    client.force_login(user)
    if role == Role.ADMIN:
        _verify_second_factor(client, user)
    _, raw = api_token_create(user=user)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    # The selector itself.
    assert set(access.visible_children(user).values_list("child_id", flat=True)) == expected

    # Children list page: the children shown are exactly the visible ones.
    response = client.get(reverse("children:list"))
    if access.can(user, "view_children"):
        assert response.status_code == 200
        listed = {c.child_id for c in response.context["page"].object_list}
        assert listed == expected
    else:
        assert response.status_code == 403

    # API list.
    response = client.get("/api/v1/children", **bearer)
    if access.can(user, "view_children"):
        assert response.status_code == 200
        assert {item["child_id"] for item in response.json()["items"]} == expected
        assert response.json()["count"] == len(expected)
    else:
        assert response.status_code == 403

    for child_id in ALL_CHILDREN:
        page = client.get(reverse("children:detail", args=[child_id]))
        api = client.get(f"/api/v1/children/{child_id}", **bearer)
        if child_id in expected:
            assert page.status_code == 200, (role, child_id)
            assert api.status_code == 200, (role, child_id)
            assert api.json()["child_id"] == child_id
        else:
            assert page.status_code == 404, (role, child_id)
            assert api.status_code == 404, (role, child_id)
            assert api.json() == {"detail": "Not found."}

    # Every successful read was logged, once per surface; refusals log nothing.
    logged = AccessEvent.objects.filter(user=user)
    assert set(logged.values_list("child__child_id", flat=True)) == expected
    assert logged.filter(via="page").count() == len(expected)
    assert logged.filter(via="api").count() == len(expected)


def test_unknown_child_is_404_like_an_invisible_one(world, client):
    user = _user_for(Role.PRACTITIONER, world)
    client.force_login(user)
    missing = client.get(reverse("children:detail", args=["NO-SUCH-CHILD"]))
    hidden = client.get(reverse("children:detail", args=[OTHER]))
    assert missing.status_code == hidden.status_code == 404
    assert _without_nonce(missing.content, "NO-SUCH-CHILD") == _without_nonce(hidden.content, OTHER)


def _without_nonce(content: bytes, child_id: str) -> bytes:
    """The page without what differs on every response anyway (CSP nonce, masked CSRF token)."""
    content = re.sub(rb'nonce="[^"]*"', b"", content)
    content = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", content)
    return content.replace(child_id.encode(), b"")


def test_inactive_user_sees_nothing(world):
    user = _user_for(Role.ASSURANCE_LEAD, world)
    user.is_active = False
    assert not access.visible_children(user).exists()
    assert not access.can(user, "view_children")


def test_service_manager_sees_every_team_they_oversee(world):
    south = world["children"][OTHER].team
    manager = UserFactory(username="sm", roles=[Role.SERVICE_MANAGER], teams=[world["team"], south])
    assert set(access.visible_children(manager).values_list("child_id", flat=True)) == {OWN, OTHER}
