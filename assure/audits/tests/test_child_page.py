"""A child's page lists the audits of their case with status and current overall grade."""

from django.urls import reverse

from .conftest import walk_to


def test_child_page_lists_audits_with_current_grade(client, people, audit):
    client.force_login(people.practitioner)
    html = client.get(reverse("children:detail", args=["K1"])).content.decode()
    assert "Scheduled" in html
    assert reverse("audits:detail", args=[audit.pk]) in html
    walk_to(audit, "closed", people)
    html = client.get(reverse("children:detail", args=["K1"])).content.decode()
    assert "Closed" in html
    assert "Good</strong>" in html


def test_child_page_says_when_there_is_no_audit(client, people, child):
    client.force_login(people.practitioner)
    html = client.get(reverse("children:detail", args=["K1"])).content.decode()
    assert "case has not been audited." in html


def test_child_page_shows_audits_only_to_people_who_may_see_audits(client, people, audit):
    from tests.factories import UserFactory

    url = reverse("children:detail", args=["K1"])
    for role in ("legal", "performance_officer"):
        client.force_login(UserFactory(username=role, roles=[role]))
        html = client.get(url).content.decode()
        assert "K1" in html  # they may see the child
        assert reverse("audits:detail", args=[audit.pk]) not in html
        assert '<h2 class="govuk-heading-m">Audits</h2>' not in html
    client.force_login(UserFactory(username="iro1", roles=["iro"]))
    assert reverse("audits:detail", args=[audit.pk]) in client.get(url).content.decode()
