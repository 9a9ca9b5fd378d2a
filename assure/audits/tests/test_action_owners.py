"""Who may own an audit's action: the people who work the child's case or manage it, and the
assurance team; the form offers exactly them and the service refuses anyone else."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assure.audits import selectors, services
from assure.audits.models import CaseAction
from assure.children.models import ChildAccess
from assure.core import clock
from tests.factories import ChildFactory, StaffMemberFactory, UserFactory

from .conftest import walk_to

D = dt.date(2025, 6, 2)


@pytest.fixture
def readers(people):
    """People who see every child but do not work the case."""
    return {
        "legal": UserFactory(username="legal", roles=["legal"]),
        "perf": UserFactory(username="perf", roles=["performance_officer"]),
        "iro": UserFactory(username="iro", roles=["iro"], teams=[people.north]),
        "sm": UserFactory(username="sm", roles=["service_manager"], teams=[people.north]),
        "south_sw": UserFactory(username="sw2", roles=["practitioner"], teams=[people.south]),
    }


def _owners(child) -> set[str]:
    return set(selectors.action_owners(child=child).values_list("username", flat=True))


def test_the_case_team_and_the_assurance_team_may_own_an_action(people, readers, child):
    assert _owners(child) == {"sw", "tm", "sm", "hos", "lead", "aud", "aud2"}


def test_the_allocated_worker_only_when_they_see_the_child(people, readers, child):
    # A worker in another team does not see the child (team scope), so cannot act on it.
    child.worker = StaffMemberFactory(name="Sam South", user=readers["south_sw"])
    child.save()
    assert "sw2" not in _owners(child)
    child.restricted = True
    child.save()
    ChildAccess.objects.create(child=child, user=readers["south_sw"], reason="Allocated")
    ChildAccess.objects.create(child=child, user=people.manager, reason="Manager")
    # Restricted: the lead, and of the rest only those on the access list.
    assert _owners(child) == {"lead", "sw2", "tm"}


def test_a_child_without_a_team_is_the_assurance_teams_alone(people, readers):
    assert _owners(ChildFactory(child_id="T0", team=None)) == {"lead", "aud", "aud2"}


def _add(audit, owner, people):
    with clock.frozen_at(D):
        return services.action_add(
            audit=audit,
            description="Update the contact plan.",
            owner=owner,
            due_date=D + dt.timedelta(days=14),
            priority="high",
            actor=people.auditor,
        )


@pytest.mark.parametrize("username", ["dir", "legal", "perf", "iro", "sw2", "tm2"])
def test_the_service_refuses_an_owner_outside_the_case(people, readers, audit, username):
    walk_to(audit, "in_progress", people)
    owner = {u.username: u for u in [*readers.values(), people.director, people.south_manager]}
    with pytest.raises(ValidationError) as refused:
        _add(audit, owner[username], people)
    assert "cannot own an action on this child's case" in refused.value.message_dict["owner"][0]
    assert not CaseAction.objects.exists()


@pytest.mark.parametrize("who", ["practitioner", "manager", "head", "auditor", "lead"])
def test_the_service_accepts_the_case_team_and_the_assurance_team(people, audit, who):
    walk_to(audit, "in_progress", people)
    action = _add(audit, getattr(people, who), people)
    assert action.owner == getattr(people, who)


def test_the_form_offers_only_those_owners_and_the_page_refuses_others(
    client, people, readers, audit
):
    walk_to(audit, "in_progress", people)
    client.force_login(people.auditor)
    page = client.get(reverse("audits:detail", args=[audit.pk])).content.decode()
    picker = page[page.index('name="owner"') : page.index("</select>", page.index('name="owner"'))]
    for offered in ("sw", "tm", "hos", "aud", "lead"):
        assert f'value="{offered}"' in picker, offered
    for refused in ("dir", "legal", "perf", "iro", "sw2", "tm2"):
        assert f'value="{refused}"' not in picker, refused
    with clock.frozen_at(D):
        answer = client.post(
            reverse("audits:add_action", args=[audit.pk]),
            {
                "description": "Update the contact plan.",
                "owner": "dir",
                "due_date": "2025-06-20",
                "priority": "high",
            },
        )
    assert answer.status_code == 400
    assert "Choose who owns the action from the list." in answer.content.decode()
    assert not CaseAction.objects.exists()
