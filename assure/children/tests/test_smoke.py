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
