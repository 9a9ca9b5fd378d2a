"""Who takes part in a collaborative audit: the practitioner is someone who works the child's
case or manages it (`selectors.case_team`), the manager someone who manages it
(`selectors.case_managers`), and they are two people; the pickers offer exactly them and the
service refuses anyone else."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assure.audits import selectors, services
from assure.children.models import ChildAccess
from assure.core.models import DomainEvent
from tests.factories import ChildFactory, StaffMemberFactory, UserFactory


@pytest.fixture
def readers(people):
    """People who see the child (or children) but do not work its case."""
    return {
        "legal": UserFactory(username="legal", roles=["legal"]),
        "perf": UserFactory(username="perf", roles=["performance_officer"]),
        "iro": UserFactory(username="iro", roles=["iro"], teams=[people.north]),
        "sm": UserFactory(username="sm", roles=["service_manager"], teams=[people.north]),
        "south_sw": UserFactory(username="sw2", roles=["practitioner"], teams=[people.south]),
    }


@pytest.fixture
def collaborative(people, child):
    return services.audit_create(
        child=child,
        template_slug="sgo-before-court",
        mode="collaborative",
        auditor=people.auditor,
        actor=people.lead,
    )


def _team(child) -> set[str]:
    return set(selectors.case_team(child=child).values_list("username", flat=True))


def test_the_case_team_is_the_action_owners_without_the_assurance_team(people, readers, child):
    assert _team(child) == {"sw", "tm", "sm", "hos"}
    assurance = {"lead", "aud", "aud2"}
    owners = set(selectors.action_owners(child=child).values_list("username", flat=True))
    assert owners == _team(child) | assurance


def test_a_restricted_childs_case_team_is_on_its_access_list(people, readers, child):
    child.worker = StaffMemberFactory(name="Sam South", user=readers["south_sw"])
    child.restricted = True
    child.save()
    assert _team(child) == set()
    ChildAccess.objects.create(child=child, user=readers["south_sw"], reason="Allocated")
    ChildAccess.objects.create(child=child, user=people.manager, reason="Manager")
    # The allocated worker from another team counts once they may see the child.
    assert _team(child) == {"sw2", "tm"}


def test_a_child_without_a_team_has_nobody_to_invite(people, readers):
    assert _team(ChildFactory(child_id="T0", team=None)) == set()


def _managers(child) -> set[str]:
    return set(selectors.case_managers(child=child).values_list("username", flat=True))


def test_the_case_managers_are_the_case_team_without_its_practitioners(people, readers, child):
    assert _managers(child) == {"tm", "sm", "hos"}


def test_a_restricted_childs_case_managers_are_on_its_access_list(people, readers, child):
    child.restricted = True
    # A manager from another team allocated as the child's worker works the case but does
    # not manage it: the child's team does.
    child.worker = StaffMemberFactory(name="Tina South", user=people.south_manager)
    child.save()
    for person in (people.south_manager, people.practitioner, people.head):
        ChildAccess.objects.create(child=child, user=person, reason="Works the case")
    assert _team(child) == {"tm2", "sw", "hos"}
    assert _managers(child) == {"hos"}


def test_a_child_without_a_team_has_no_case_managers(people, readers):
    child = ChildFactory(child_id="T0", team=None, restricted=True)
    child.worker = StaffMemberFactory(name="Tom North", user=people.manager)
    child.save()
    ChildAccess.objects.create(child=child, user=people.manager, reason="Allocated")
    assert _team(child) == {"tm"}
    assert _managers(child) == set()


def _refused(audit, people, **chosen) -> dict[str, list[str]]:
    """Invite, expecting a refusal; check nothing changed and return its messages."""
    with pytest.raises(ValidationError) as refused:
        services.participants_invite(audit=audit, actor=people.auditor, **chosen)
    audit.refresh_from_db()
    assert (audit.practitioner, audit.manager) == (None, None)
    assert not DomainEvent.objects.filter(verb="audit.participants_invited").exists()
    return refused.value.message_dict


OUTSIDERS = ["dir", "legal", "perf", "iro", "sw2", "tm2", "aud", "lead"]


def _person(people, readers, username):
    everyone = [*readers.values(), people.director, people.south_manager, people.auditor]
    return {u.username: u for u in [*everyone, people.lead]}[username]


@pytest.mark.parametrize("username", OUTSIDERS)
def test_the_service_refuses_a_practitioner_outside_the_case(
    people, readers, collaborative, username
):
    person = _person(people, readers, username)
    problems = _refused(collaborative, people, practitioner=person, manager=people.manager)
    assert list(problems) == ["practitioner"]
    assert "does not work this child's case or manage it" in problems["practitioner"][0]


@pytest.mark.parametrize("username", [*OUTSIDERS, "sw3"])
def test_the_service_refuses_a_manager_who_does_not_manage_the_case(
    people, readers, collaborative, username
):
    # sw3 works the case (a practitioner of the child's team) but does not manage it.
    sw3 = UserFactory(username="sw3", roles=["practitioner"], teams=[people.north])
    person = sw3 if username == "sw3" else _person(people, readers, username)
    problems = _refused(collaborative, people, practitioner=people.practitioner, manager=person)
    assert list(problems) == ["manager"]
    assert "does not manage this child's case" in problems["manager"][0]


@pytest.mark.parametrize("username", ["sw", "tm"])
def test_the_service_refuses_one_person_in_both_places(people, collaborative, username):
    person = {"sw": people.practitioner, "tm": people.manager}[username]
    problems = _refused(collaborative, people, practitioner=person, manager=person)
    assert list(problems) == ["manager"]
    assert "is invited as the practitioner" in problems["manager"][0]


@pytest.mark.parametrize(
    ("practitioner", "manager"),
    [
        ("practitioner", "manager"),
        ("practitioner", "head"),
        ("practitioner", None),
        ("manager", "head"),
        (None, "manager"),
    ],
)
def test_the_service_invites_the_case_team(people, collaborative, practitioner, manager):
    invited = services.participants_invite(
        audit=collaborative,
        practitioner=getattr(people, practitioner) if practitioner else None,
        manager=getattr(people, manager) if manager else None,
        actor=people.auditor,
    )
    assert invited.practitioner == (getattr(people, practitioner) if practitioner else None)
    assert invited.manager == (getattr(people, manager) if manager else None)


def _picker(page: str, name: str) -> str:
    start = page.index(f'name="{name}"')
    return page[start : page.index("</select>", start)]


def test_the_pickers_offer_the_case_team_and_its_managers_and_the_page_refuses_others(
    client, people, readers, collaborative
):
    client.force_login(people.auditor)
    page = client.get(reverse("audits:detail", args=[collaborative.pk])).content.decode()
    offered = {"practitioner": {"sw", "tm", "sm", "hos"}, "manager": {"tm", "sm", "hos"}}
    for name, offers in offered.items():
        picker = _picker(page, name)
        for username in offers:
            assert f'value="{username}"' in picker, (name, username)
        for username in {"sw", "tm", "sm", "hos", *OUTSIDERS} - offers:
            assert f'value="{username}"' not in picker, (name, username)
    url = reverse("audits:participants", args=[collaborative.pk])
    answer = client.post(url, {"practitioner": "legal", "manager": "tm"})
    assert answer.status_code == 400
    assert "Choose the practitioner from the list." in answer.content.decode()
    # A practitioner in the manager's place is not on the list.
    answer = client.post(url, {"practitioner": "tm", "manager": "sw"})
    assert answer.status_code == 400
    assert "Choose their manager from the list." in answer.content.decode()
    # The same person in both places: the service's refusal, on the manager's field.
    answer = client.post(url, {"practitioner": "tm", "manager": "tm"})
    assert answer.status_code == 400
    # The error summary links the refusal to the manager's picker.
    assert re.search(r'href="#id_manager">[^<]*is invited as the practitioner', answer.text)
    collaborative.refresh_from_db()
    assert (collaborative.practitioner, collaborative.manager) == (None, None)
    # The case team's practitioner and a manager of the case are invited.
    assert client.post(url, {"practitioner": "sw", "manager": "sm"}).status_code == 302
    collaborative.refresh_from_db()
    assert (collaborative.practitioner, collaborative.manager) == (
        people.practitioner,
        readers["sm"],
    )
