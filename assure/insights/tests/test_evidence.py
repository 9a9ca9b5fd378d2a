"""Evidence: entering and importing it, audit findings flowing in, the access policy on
child-linked evidence, counts, trends and the triangulation matrix with drill-down."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assure.audits import services as audit_services
from assure.audits.models import Finding, Question, Theme
from assure.core import clock
from assure.core.models import DomainEvent
from assure.insights import evidence, services
from assure.insights.models import EvidenceItem
from tests.factories import ChildFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _today():
    with clock.frozen_at(TODAY):
        yield


@pytest.fixture
def world():
    north, south = TeamFactory(name="North"), TeamFactory(name="South")
    oversight = Theme.objects.create(slug="oversight", label="Management oversight")
    voice = Theme.objects.create(slug="voice", label="Voice of the child")
    lead = UserFactory(username="lead", roles=["assurance_lead"])
    return {
        "north": north,
        "south": south,
        "oversight": oversight,
        "voice": voice,
        "lead": lead,
        "north_child": ChildFactory(child_id="N1", team=north),
        "south_child": ChildFactory(child_id="S1", team=south),
        "worker": UserFactory(username="w", roles=["practitioner"], teams=[north]),
    }


def finding_for(child, lead, *, themes, kind="area_for_development") -> Finding:
    auditor = UserFactory(username=f"aud-{child.child_id}", roles=["auditor"])
    audit = audit_services.audit_create(
        child=child, template_slug="sgo-before-court", mode="paper", auditor=auditor, actor=lead
    )
    question = Question.objects.filter(section__template=audit.template).first()
    finding = Finding.objects.create(
        audit=audit,
        question=question,
        type=kind,
        text="Oversight not recorded.",
        created_by=auditor,
        created_at=clock.now(),
    )
    finding.themes.set(themes)
    return finding


def test_evidence_create_records_an_event_and_checks_input(world):
    item = services.evidence_create(
        actor=world["lead"],
        source="complaint",
        date=dt.date(2026, 5, 1),
        kind="area_for_development",
        summary="Late letters.",
        themes=[world["oversight"]],
        team=world["north"],
    )
    assert list(item.themes.all()) == [world["oversight"]]
    assert DomainEvent.objects.filter(verb="evidence.added", object_id=str(item.pk)).exists()
    with pytest.raises(ValidationError) as caught:
        services.evidence_create(
            actor=world["lead"],
            source="audit_finding",
            date=dt.date(2026, 7, 1),
            kind="meh",
            summary=" ",
            child_id="NOPE",
        )
    assert set(caught.value.message_dict) == {"source", "date", "kind", "summary", "child_id"}
    with pytest.raises(PermissionDenied):
        services.evidence_create(
            actor=world["worker"], source="complaint", date=TODAY, kind="strength", summary="x"
        )


def test_child_linked_evidence_obeys_the_access_policy(world):
    for child in ("N1", "S1"):
        services.evidence_create(
            actor=world["lead"],
            source="iro_escalation",
            date=TODAY,
            kind="strength",
            summary=f"About {child}",
            child_id=child,
        )
    services.evidence_create(
        actor=world["lead"], source="diagnostic", date=TODAY, kind="strength", summary="General"
    )
    finding_for(world["south_child"], world["lead"], themes=[world["voice"]])
    seen = {r.summary for r in evidence.evidence_rows(user=world["worker"])}
    assert seen == {"About N1", "General"}
    everything = evidence.evidence_rows(user=world["lead"])
    assert len(everything) == 4
    finding_row = next(r for r in everything if r.source == "audit_finding")
    assert (finding_row.child_id, finding_row.team, finding_row.themes) == (
        "S1",
        "South",
        ("voice",),
    )


def test_audit_findings_flow_in_and_the_matrix_shows_agreement(world):
    finding_for(world["north_child"], world["lead"], themes=[world["oversight"]])
    services.evidence_create(
        actor=world["lead"],
        source="complaint",
        date=dt.date(2026, 2, 1),
        kind="area_for_development",
        summary="No manager sign-off.",
        themes=[world["oversight"]],
    )
    services.evidence_create(
        actor=world["lead"],
        source="practice_observation",
        date=dt.date(2026, 2, 3),
        kind="strength",
        summary="Child's words quoted.",
        themes=[world["voice"]],
    )
    rows = evidence.evidence_rows(user=world["lead"])
    grid = evidence.matrix(rows, evidence.theme_labels())
    assert [(m.theme, m.sources) for m in grid] == [("oversight", 2), ("voice", 1)]
    cells = {source: (s, a) for source, s, a in grid[0].cells}
    assert cells["audit_finding"] == (0, 1) and cells["complaint"] == (0, 1)
    drill = evidence.evidence_rows(
        user=world["lead"], filters=evidence.EvidenceFilter(theme="oversight", source="complaint")
    )
    assert [r.summary for r in drill] == ["No manager sign-off."]
    tallies = evidence.counts(rows)
    assert tallies["theme"] == {"oversight": 2, "voice": 1}
    assert tallies["kind"] == {"area_for_development": 2, "strength": 1}
    quarters, trend = evidence.theme_trend(rows)
    assert quarters == [dt.date(2026, 1, 1), dt.date(2026, 4, 1)]
    assert trend["oversight"] == [(0, 1), (0, 1)] and trend["voice"] == [(1, 0), (0, 0)]


TEMPLATE = "source,date,kind,themes,summary,team,child_id,reference\n"


def test_import_the_csv_template(world):
    data = (
        TEMPLATE
        + "complaint,2026-01-15,area_for_development,oversight;Voice of the child,Late,North,,C1\n"
        + "Panel observation,2026-02-01,strength,,Good plan,,N1,\n"
    ).encode("utf-8-sig")
    report = services.evidence_import(actor=world["lead"], data=data, filename="e.csv")
    assert report.ok and report.created == 2
    first = EvidenceItem.objects.get(reference="C1")
    assert {t.slug for t in first.themes.all()} == {"oversight", "voice"}
    assert first.team == world["north"]
    assert EvidenceItem.objects.get(summary="Good plan").child == world["north_child"]
    assert DomainEvent.objects.filter(verb="evidence.imported").count() == 1


def test_a_bad_file_reports_every_problem_and_writes_nothing(world):
    data = (
        TEMPLATE
        + "complaint,2026-01-15,strength,oversight,Fine,,,\n"
        + "audit_finding,2026-13-01,good,nope,,Nowhere,S1,\n"
    ).encode()
    report = services.evidence_import(actor=world["worker"] and world["lead"], data=data)
    assert not report.ok and EvidenceItem.objects.count() == 0
    assert [(p.row, p.column) for p in report.problems] == [
        (3, "source"),
        (3, "kind"),
        (3, "date"),
        (3, "summary"),
        (3, "themes"),
        (3, "team"),
    ]
    hidden = services.evidence_import(
        actor=UserFactory(username="w2", roles=["auditor"], teams=[world["north"]]),
        data=(TEMPLATE + "complaint,2026-01-15,strength,,x,,S1,\n").encode(),
    )
    assert hidden.ok  # an auditor sees every unrestricted child
    assert [
        p.reason
        for p in services.evidence_import(
            actor=world["lead"], data=b"date,summary\n2026-01-01,x\n"
        ).problems
    ] == ["This column is missing.", "This column is missing."]
    assert services.evidence_import(actor=world["lead"], data=b"\xff\xfe\x00").problems
    assert services.evidence_import(actor=world["lead"], data=TEMPLATE.encode()).problems


def test_evidence_pages_query_counts_do_not_grow(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world["lead"])
    counts = []
    for first, last in ((0, 2), (2, 25)):
        for i in range(first, last):
            child = ChildFactory(child_id=f"Q{i}", team=world["north"])
            services.evidence_create(
                actor=world["lead"],
                source="complaint",
                date=TODAY,
                kind="strength",
                summary=f"S{i}",
                themes=[world["oversight"], world["voice"]],
                child_id=child.child_id,
            )
            finding_for(child, world["lead"], themes=[world["voice"]])
        for url in ("/insights/evidence/", "/insights/evidence/matrix/"):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            counts.append(len(ctx.captured_queries))
    # The request's own 7 (session, user, roles, second factor, the session's save in a
    # savepoint), then evidence items and their themes, findings and their themes, and the
    # theme labels (which the list page's filter reuses).
    assert counts == [EVIDENCE_LIST_QUERIES, MATRIX_QUERIES] * 2


EVIDENCE_LIST_QUERIES = 12
MATRIX_QUERIES = 12


def test_audit_findings_are_counted_by_their_audits_current_grade(client, world):
    from assure.audits.models import Grade, OverallGrade

    def grade(finding, slug, *, current=True):
        return OverallGrade.objects.create(
            audit=finding.audit,
            grade=Grade.objects.get(slug=slug),
            given_by=world["lead"],
            given_at=clock.now(),
            is_current=current,
        )

    good = finding_for(world["north_child"], world["lead"], themes=[world["voice"]])
    # A moderator regraded this audit: only the current grade counts.
    grade(good, "requires_improvement", current=False)
    grade(good, "good")
    weak = finding_for(world["south_child"], world["lead"], themes=[world["voice"]])
    grade(weak, "requires_improvement")
    for text in ("Second", "Third"):
        Finding.objects.create(
            audit=weak.audit,
            question=weak.question,
            type="strength",
            text=text,
            created_by=world["lead"],
            created_at=clock.now(),
        )
    ungraded = ChildFactory(child_id="U1", team=world["north"])
    finding_for(ungraded, world["lead"], themes=[])
    services.evidence_create(
        actor=world["lead"], source="complaint", date=TODAY, kind="strength", summary="Not graded"
    )
    rows = evidence.evidence_rows(user=world["lead"])
    assert evidence.grade_counts(evidence.counts(rows)["grade"]) == [
        ("Good", 1),
        ("Requires improvement to be good", 3),
        (evidence.NOT_GRADED, 1),
    ]
    client.force_login(world["lead"])
    page = client.get("/insights/evidence/").content.decode()
    assert 'data-testid="by-grade"' in page and "Requires improvement to be good" in page
