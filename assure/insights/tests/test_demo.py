"""`assure seed-demo-insights` after the rest of the demo: every evidence source holds
evidence, the triangulation matrix has themes several sources agree on, and the response plan
has work streams with leads and actions with owners, due dates and progress; the insights
pages show them to the lead."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from assure.children.demo import seed_demo
from assure.core import access
from assure.insights.evidence import evidence_rows, matrix, theme_labels
from assure.insights.models import (
    EvidenceItem,
    PlanAction,
    ProgressUpdate,
    Recommendation,
    Source,
    WorkStream,
)
from assure.people.models import User


@pytest.fixture
def demo(db):
    seed_demo(children=150, seed=903)
    call_command("seed_demo_audits", count=6, stdout=StringIO())
    out = StringIO()
    call_command("seed_demo_insights", "--if-empty", stdout=out)
    return out.getvalue()


def test_every_evidence_source_the_matrix_and_the_plan_are_filled(demo):
    assert "Seeded" in demo
    lead = User.objects.get(username="lead")
    rows = evidence_rows(user=lead)
    assert {r.source for r in rows} == set(Source.values)
    table = matrix(rows, theme_labels())
    assert table and all(m.total for m in table)
    # Triangulation: some themes carry evidence from three sources or more.
    assert max(m.sources for m in table) >= 3

    decisions = set(Recommendation.objects.values_list("decision", flat=True))
    assert decisions == {"proposed", "accepted", "not_accepted"}
    streams = list(WorkStream.objects.prefetch_related("actions"))
    assert streams and all(s.lead and s.actions.all() for s in streams)
    actions = list(PlanAction.objects.all())
    assert all(a.owner and a.due_date for a in actions)
    # Leads and owners are people the plan's forms offer (by name), not job titles.
    people = {u.display_name for u in access.holders("view_insights")}
    assert {a.owner for a in actions} <= people
    assert {s.lead for s in streams} <= people
    assert {a.status for a in actions} == {"not_started", "in_progress", "complete"}
    assert any(a.recommendation_id for a in actions)
    assert ProgressUpdate.objects.exists()


def test_the_lead_sees_them_on_the_insights_pages(demo, client):
    client.force_login(User.objects.get(username="lead"))
    evidence = client.get(reverse("insights:evidence")).content.decode()
    assert "Regional diagnostic of SGO support" in evidence
    plan = client.get(reverse("insights:plan")).content.decode()
    assert "Adopt the regional SGO support plan template" in plan
    # Owners are people, by name, as the plan's forms pick them.
    assert "Nadia Rahman" in plan
    matrix_page = client.get(reverse("insights:matrix")).content.decode()
    assert "Management oversight" in matrix_page


def test_if_empty_leaves_a_filled_council_alone(demo):
    count = EvidenceItem.objects.count()
    out = StringIO()
    call_command("seed_demo_insights", "--if-empty", stdout=out)
    assert "there already" in out.getvalue()
    assert EvidenceItem.objects.count() == count
    with pytest.raises(CommandError, match="evidence already"):
        call_command("seed_demo_insights", stdout=StringIO())
