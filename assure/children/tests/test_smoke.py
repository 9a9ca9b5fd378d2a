import pytest
from django.urls import reverse

from tests.factories import ChildFactory, EpisodeFactory, TeamFactory, UserFactory


@pytest.mark.django_db
def test_practitioner_sees_own_team_child_page(client):
    team = TeamFactory(name="North")
    user = UserFactory(username="pat", roles=["practitioner"], teams=[team])
    child = ChildFactory(child_id="N1", team=team)
    EpisodeFactory(child=child)
    client.force_login(user)
    assert client.get(reverse("children:list")).status_code == 200
    response = client.get(reverse("children:detail", args=["N1"]))
    assert response.status_code == 200
    assert b"Started to be looked after" in response.content


@pytest.mark.django_db
def test_worker_filter_lists_the_chosen_teams_workers_and_asks_for_a_team_when_too_many(client):
    from assure.children import selectors
    from assure.people.models import StaffMember

    north, south = TeamFactory(name="North"), TeamFactory(name="South")
    lead = UserFactory(username="lead", roles=["assurance_lead"])
    for n in range(selectors.MAX_WORKER_CHOICES + 1):
        team = north if n % 2 else south
        ChildFactory(child_id=f"W{n}", team=team, worker=StaffMember.objects.create(name=f"W {n}"))
    client.force_login(lead)
    everyone = client.get(reverse("children:list"))
    assert "Choose a team first to filter by worker." in everyone.content.decode()
    assert everyone.context["form"].fields["worker"].choices == [("", "All workers")]
    north_only = client.get(reverse("children:list"), {"team": north.pk})
    names = [label for _, label in north_only.context["form"].fields["worker"].choices[1:]]
    assert len(names) == len(range(1, selectors.MAX_WORKER_CHOICES + 1, 2))
    assert all(int(name.split()[1]) % 2 for name in names)
