"""Who takes part in a collaborative audit: the practitioner and manager are people who work
the child's case or manage it (`selectors.case_team`); the picker offers exactly them and the
service refuses anyone else."""

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


@pytest.mark.parametrize("field", ["practitioner", "manager"])
@pytest.mark.parametrize("username", ["dir", "legal", "perf", "iro", "sw2", "tm2", "aud", "lead"])
def test_the_service_refuses_anyone_outside_the_case(
    people, readers, collaborative, field, username
):
    everyone = [*readers.values(), people.director, people.south_manager, people.auditor]
    person = {u.username: u for u in [*everyone, people.lead]}[username]
    chosen = {"practitioner": people.practitioner, "manager": people.manager, field: person}
    with pytest.raises(ValidationError) as refused:
        services.participants_invite(audit=collaborative, actor=people.auditor, **chosen)
    assert list(refused.value.message_dict) == [field]
    assert "does not work this child's case or manage it" in refused.value.message_dict[field][0]
    collaborative.refresh_from_db()
    assert (collaborative.practitioner, collaborative.manager) == (None, None)
    assert not DomainEvent.objects.filter(verb="audit.participants_invited").exists()


@pytest.mark.parametrize(
    ("practitioner", "manager"),
    [("practitioner", "manager"), ("practitioner", "head"), ("practitioner", None)],
)
def test_the_service_invites_the_case_team(people, collaborative, practitioner, manager):
    invited = services.participants_invite(
        audit=collaborative,
        practitioner=getattr(people, practitioner),
        manager=getattr(people, manager) if manager else None,
        actor=people.auditor,
    )
    assert invited.practitioner == getattr(people, practitioner)
    assert invited.manager == (getattr(people, manager) if manager else None)


def _picker(page: str, name: str) -> str:
    start = page.index(f'name="{name}"')
    return page[start : page.index("</select>", start)]


def test_the_picker_offers_only_the_case_team_and_the_page_refuses_others(
    client, people, readers, collaborative
):
    client.force_login(people.auditor)
    page = client.get(reverse("audits:detail", args=[collaborative.pk])).content.decode()
    for name in ("practitioner", "manager"):
        picker = _picker(page, name)
        for offered in ("sw", "tm", "sm", "hos"):
            assert f'value="{offered}"' in picker, (name, offered)
        for refused in ("dir", "legal", "perf", "iro", "sw2", "tm2", "aud", "lead"):
            assert f'value="{refused}"' not in picker, (name, refused)
    answer = client.post(
        reverse("audits:participants", args=[collaborative.pk]),
        {"practitioner": "legal", "manager": "tm"},
    )
    assert answer.status_code == 400
    assert "Choose the practitioner from the list." in answer.content.decode()
    collaborative.refresh_from_db()
    assert (collaborative.practitioner, collaborative.manager) == (None, None)
