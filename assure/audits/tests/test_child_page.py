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
