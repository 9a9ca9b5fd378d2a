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


def test_audits_follow_the_one_view_audits_rule(client, people, audit, monkeypatch):
    """Whoever may see the child sees its audits today; narrowing the one `view_audits`
    action hides them everywhere at once: the child page and the audit's own page."""
    from assure.core import access
    from tests.factories import UserFactory

    url = reverse("children:detail", args=["K1"])
    legal = UserFactory(username="legal", roles=["legal"])
    client.force_login(legal)
    assert reverse("audits:detail", args=[audit.pk]) in client.get(url).content.decode()
    assert client.get(reverse("audits:detail", args=[audit.pk])).status_code == 200

    narrowed = access.PERMISSIONS["view_audits"] - {"legal"}
    monkeypatch.setitem(access.PERMISSIONS, "view_audits", narrowed)
    html = client.get(url).content.decode()
    assert "K1" in html  # they still see the child
    assert reverse("audits:detail", args=[audit.pk]) not in html
    assert '<h2 class="govuk-heading-m">Audits</h2>' not in html
    assert client.get(reverse("audits:detail", args=[audit.pk])).status_code == 404
