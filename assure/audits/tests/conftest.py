"""Fixtures for the audit tests: people in each role around one child's team."""

import datetime as dt
from types import SimpleNamespace

import pytest

from assure.audits import services
from assure.audits.models import Question
from tests.factories import ChildFactory, EpisodeFactory, TeamFactory, UserFactory


@pytest.fixture
def people(db):
    north, south = TeamFactory(name="North"), TeamFactory(name="South")
    return SimpleNamespace(
        north=north,
        south=south,
        lead=UserFactory(username="lead", roles=["assurance_lead"]),
        auditor=UserFactory(username="aud", roles=["auditor"]),
        other_auditor=UserFactory(username="aud2", roles=["auditor"]),
        practitioner=UserFactory(
            username="sw", roles=["practitioner"], teams=[north], email="sw@example.org"
        ),
        manager=UserFactory(
            username="tm", roles=["team_manager"], teams=[north], email="tm@example.org"
        ),
        head=UserFactory(
            username="hos", roles=["head_of_service"], teams=[north], email="hos@example.org"
        ),
        south_manager=UserFactory(username="tm2", roles=["team_manager"], teams=[south]),
        director=UserFactory(username="dir", roles=["director"]),
    )


@pytest.fixture
def child(people):
    child = ChildFactory(child_id="K1", team=people.north)
    EpisodeFactory(child=child, start_date=dt.date(2024, 1, 1))
    return child


@pytest.fixture
def audit(people, child):
    return services.audit_create(
        child=child,
        template_slug="sgo-before-court",
        mode="paper",
        auditor=people.auditor,
        actor=people.lead,
    )


def answer_everything(audit, actor, grade: str = "good") -> None:
    """Answer every question of the audit's template."""
    values = {"graded": grade, "yes_no": "yes", "text": "Summary."}
    questions = Question.objects.filter(section__template=audit.template)
    services.answers_save(
        audit=audit,
        actor=actor,
        answers=[
            {"question": q.pk, "value": values[q.type], "evidence": "Seen on file."}
            for q in questions
        ],
    )


def walk_to(audit, status: str, people) -> None:
    """Move an audit along the happy path to a state."""
    path = {
        "in_progress": [("in_progress", people.auditor)],
        "submitted": [("in_progress", people.auditor), ("submitted", people.auditor)],
        "in_moderation": [
            ("in_progress", people.auditor),
            ("submitted", people.auditor),
            ("in_moderation", people.lead),
        ],
        "returned": [
            ("in_progress", people.auditor),
            ("submitted", people.auditor),
            ("returned", people.lead),
        ],
        "closed": [
            ("in_progress", people.auditor),
            ("submitted", people.auditor),
            ("closed", people.lead),
        ],
    }[status]
    for to, actor in path:
        if to == "submitted":
            answer_everything(audit, people.auditor)
        services.audit_transition(
            audit=audit, to=to, actor=actor, overall_grade="good", comment="Because."
        )
        audit.refresh_from_db()
