import datetime as dt

import pytest

from assure.core import clock
from assure.panels import services
from assure.panels.models import Panel
from assure.people.roles import Role
from tests.factories import UserFactory


@pytest.fixture
def lead(db):
    return UserFactory(username="lead", roles=[Role.ASSURANCE_LEAD])


@pytest.fixture
def panel(db):
    return Panel.objects.get(slug="permanence-panel")


@pytest.fixture
def seats(panel, lead):
    """A chair, a legal adviser, two members and an independent member."""
    people = {}
    for username, role in [
        ("chair", "chair"),
        ("adviser", "legal_adviser"),
        ("member1", "member"),
        ("member2", "member"),
        ("indie", "independent_member"),
    ]:
        user = UserFactory(username=username, roles=[Role.PANEL_MEMBER])
        with clock.frozen_at(dt.date(2025, 1, 1)):
            services.panel_member_add(
                panel=panel, user=user, panel_role=role, actor=lead, from_date=dt.date(2025, 1, 1)
            )
        people[username] = user
    return people
