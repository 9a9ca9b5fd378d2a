"""Templates are versioned: a version an audit has used never changes, editing it makes the
next version; the shipped defaults are as the issue names them."""

import pytest
from django.urls import reverse

from assure.audits import services
from assure.audits.models import AuditSettings, AuditTemplate, Grade, Question, Theme
from assure.audits.selectors import template_get


def test_four_defaults_with_real_questions(db):
    slugs = set(AuditTemplate.objects.values_list("slug", flat=True))
    assert slugs == {
        "sgo-before-court",
        "sgo-support-review",
        "permanence-planning",
        "placement-with-parents",
    }
    before_court = " ".join(
        Question.objects.filter(section__template__slug="sgo-before-court").values_list(
            "text", flat=True
        )
    ).lower()
    for topic in (
        "schedule",
        "support plan",
        "wishes and feelings",
        "future harm",
        "capacity to protect",
        "contact",
        "lived with the carer",
        "legal planning",
        "management oversight",
        "supervision",
        "recording",
    ):
        assert topic in before_court, topic
    review = " ".join(
        Question.objects.filter(section__template__slug="sgo-support-review").values_list(
            "text", flat=True
        )
    ).lower()
    for topic in (
        "support plan been delivered",
        "financial",
        "contact",
        "therapeutic",
        "progressing",
        "strain",
    ):
        assert topic in review, topic
    assert list(Grade.objects.values_list("slug", flat=True)) == [
        "outstanding",
        "good",
        "requires_improvement",
        "inadequate",
        "not_applicable",
    ]
    assert Theme.objects.filter(slug="management-oversight").exists()


def _edited(template):
    spec = services.template_as_spec(template)
    spec[0]["questions"][0]["text"] = "Reworded question"
    spec[0]["questions"].append({"key": "new-q", "text": "A new question", "type": "yes_no"})
    return spec


def test_editing_a_used_version_makes_a_new_one(people, audit):
    used = audit.template  # the latest shipped version
    before = services.template_as_spec(used)
    revised = services.template_revise(template=used, sections=_edited(used), actor=people.lead)
    assert (revised.slug, revised.version) == ("sgo-before-court", used.version + 1)
    assert services.template_as_spec(AuditTemplate.objects.get(pk=used.pk)) == before
    assert services.template_as_spec(revised)[0]["questions"][0]["text"] == "Reworded question"
    audit.refresh_from_db()
    assert audit.template_id == used.pk  # the audit keeps the version it used
    assert template_get(slug="sgo-before-court").version == revised.version
    with pytest.raises(services.Conflict, match="latest version"):
        services.template_revise(template=used, sections=before, actor=people.lead)


def test_an_unused_version_is_edited_in_place(people):
    v1 = AuditTemplate.objects.get(slug="placement-with-parents")
    same = services.template_revise(template=v1, sections=_edited(v1), actor=people.lead)
    assert same.pk == v1.pk and same.version == 1
    assert Question.objects.filter(section__template=v1, key="new-q").exists()


def test_only_the_lead_edits_templates(people):
    v1 = AuditTemplate.objects.get(slug="permanence-planning")
    with pytest.raises(services.Forbidden):
        services.template_revise(template=v1, sections=_edited(v1), actor=people.auditor)


def test_the_lead_edits_a_used_template_in_the_ui(client, people, audit):
    client.force_login(people.auditor)
    assert client.get(reverse("audits:templates")).status_code == 403
    client.force_login(people.lead)
    listing = client.get(reverse("audits:templates")).content.decode()
    assert "sgo-support-review" in listing and "placement-with-parents" in listing
    page = client.get(reverse("audits:template", args=["sgo-before-court"])).content.decode()
    used = audit.template.version  # the latest shipped version
    assert f"so any edit makes version {used + 1}" in page
    key = "sgo-bc-recording"
    url = reverse("audits:question_edit", args=["sgo-before-court", key])
    assert client.post(url, {"text": "", "guidance": ""}).status_code == 400
    saved = client.post(
        url, {"text": "How good is the recording?", "guidance": "", "required": "on"}
    )
    assert saved.status_code == 302
    revised = AuditTemplate.objects.get(slug="sgo-before-court", version=used + 1)
    assert (
        Question.objects.get(section__template=revised, key=key).text
        == "How good is the recording?"
    )
    assert Question.objects.get(section__template=audit.template, key=key).text.startswith(
        "What is"
    )
    added = client.post(
        reverse("audits:template", args=["sgo-before-court"]),
        {
            "section": "The child",
            "text": "Is the child's identity understood?",
            "type": "graded",
            "guidance": "",
            "required": "on",
        },
    )
    assert added.status_code == 302
    assert not AuditTemplate.objects.filter(
        slug="sgo-before-court", version=used + 2
    ).exists()  # the revised version is unused, so it was changed in place
    assert Question.objects.filter(
        section__template=revised, text__startswith="Is the child's"
    ).exists()


def test_themes_grades_and_settings(client, people):
    client.force_login(people.lead)
    url = reverse("audits:settings")
    assert "Requires improvement to be good" in client.get(url).content.decode()
    assert client.post(url, {"action": "theme", "label": "Family network"}).status_code == 302
    theme = Theme.objects.get(slug="family-network")
    assert client.post(url, {"action": "theme", "label": "Family network"}).status_code == 400
    client.post(url, {"action": "toggle_theme", "theme": theme.pk})
    theme.refresh_from_db()
    assert theme.active is False
    good = Grade.objects.get(slug="good")
    client.post(url, {"action": "grade", "grade": good.pk, "label": "Good practice"})
    good.refresh_from_db()
    assert (good.slug, good.label) == ("good", "Good practice")
    client.post(
        url, {"action": "settings", "recent_closure_days": "60", "moderation_share_percent": "25"}
    )
    assert AuditSettings.objects.values_list(
        "recent_closure_days", "moderation_share_percent"
    ).get() == (60, 25)
    client.force_login(people.auditor)
    assert client.get(url).status_code == 403
