"""The tracker's page, API and export use the same number of queries for 10 children as for
200, each child with some of every part of the record (ARCHITECTURE rule 8)."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from assure.children.models import (
    ChangedChild,
    Child,
    Episode,
    Hearing,
    PermanencePlan,
    PreviousPermanenceRecord,
    Proceedings,
    Review,
    SGOAssessment,
    SGOSupportPlan,
)
from assure.core import clock
from assure.core.models import AccessEvent
from assure.people.models import StaffMember
from assure.people.services import api_token_create
from tests.factories import TeamFactory, UserFactory

D = dt.date
AS_OF = D(2026, 6, 1)

# With the date's snapshot up to date: the rule set, the snapshot and the care log's newest
# entry (its freshness check), the user's roles (for the access policy), the snapshot's rows
# in order, the children, and one query each for proceedings (through the children link),
# episodes, reviews, plans, hearings, SGO assessments, support plans and previous
# permanence; then panel outcomes and meetings to come, open proposals and their decisions;
# then the gates of the proposals at their last step: the graded closed audits, and the
# supporting outcomes with their meetings' members and attendees.
ROWS_QUERIES = 22
# Of those, the panels and sign-off (from the panel outcomes on): built for a page only when
# its panels column is shown.
PANELS_QUERIES = 8
# The API adds the token lookup (with its user), the token's last-used stamp and the count.
API_QUERIES = ROWS_QUERIES + 3
# The page adds the signed-in request's own (the session, the user and their roles, the
# second-factor check, the navigation's permission checks), the filter's choices (teams and
# workers), the user's saved views and the counts (one grouped query); without the panels
# and sign-off unless its panels column is shown.
PAGE_WITH_PANELS_QUERIES = ROWS_QUERIES + 10
PAGE_QUERIES = PAGE_WITH_PANELS_QUERIES - PANELS_QUERIES
# The export adds the same as the page but the saved views and the counts. Its access log is
# one bulk insert in batches (SQLite's limit on parameters makes more batches for more
# children), so the inserts into the log are counted apart: they are checked by the number
# of events written.
EXPORT_QUERIES = ROWS_QUERIES + 8
# Building a date's snapshot: the rule set, the snapshot looked for and created (in a
# transaction: its savepoint and release), the care log read, the members, then for each
# batch of 2,000 the children, their eight parts and one insert; then the newest log entry
# saved, the snapshots to evict and the oldest log entry a snapshot still needs.
BUILD_QUERIES = 20


def make_children(*, team, worker, start: int, count: int) -> None:
    children = Child.objects.bulk_create(
        Child(
            child_id=f"Q{n:05d}",
            first_name="Sam",
            last_name=f"Test{n}",
            date_of_birth=D(2014, 1, 1),
            team=team,
            worker=worker,
        )
        for n in range(start, start + count)
    )
    Episode.objects.bulk_create(
        episode
        for child in children
        for episode in (
            Episode(
                child=child,
                start_date=D(2025, 1, 1),
                reason_new_episode="S",
                legal_status="C1",
                placement_type="U3",
                end_date=D(2025, 6, 1),
                reason_ceased="X1",
            ),
            Episode(
                child=child,
                start_date=D(2025, 6, 1),
                reason_new_episode="L",
                legal_status="C2",
                placement_type="U3",
            ),
        )
    )
    Review.objects.bulk_create(Review(child=c, review_date=D(2026, 3, 1)) for c in children)
    PermanencePlan.objects.bulk_create(
        PermanencePlan(child=c, plan="sgo", agreed_date=D(2025, 9, 1)) for c in children
    )
    SGOAssessment.objects.bulk_create(
        SGOAssessment(
            child=c,
            assessment_id=f"SA{c.child_id}",
            carer_name="Kin",
            relationship="relative",
            stage="full",
            start_date=D(2026, 1, 1),
        )
        for c in children
    )
    SGOSupportPlan.objects.bulk_create(
        SGOSupportPlan(child=c, agreed_date=D(2026, 5, 1)) for c in children
    )
    PreviousPermanenceRecord.objects.bulk_create(
        PreviousPermanenceRecord(child=c, previous_permanence="Z1") for c in children
    )
    proceedings = Proceedings.objects.bulk_create(
        Proceedings(
            proceedings_id=f"PR{c.child_id}", application_type="care", issue_date=D(2026, 1, 5)
        )
        for c in children
    )
    Proceedings.children.through.objects.bulk_create(
        Proceedings.children.through(proceedings_id=p.pk, child_id=c.pk)
        for p, c in zip(proceedings, children, strict=True)
    )
    Hearing.objects.bulk_create(
        Hearing(proceedings=p, hearing_date=D(2026, 7, 1), hearing_type="final")
        for p in proceedings
    )


def make_proposals(*, children: list[Child], proposer) -> None:
    """Each child gets a proposal submitted and approved up to its last step, on the agenda
    of one past meeting with a current outcome: every gate is looked up for every child."""
    from assure.decisions.models import Decision, Proposal, SchemeVersion
    from assure.panels.models import AgendaItem, Meeting, Outcome, Panel, TermsOfReference

    scheme = SchemeVersion.objects.get(decision_type__slug="sgo_care_plan")
    at = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    proposals = Proposal.objects.bulk_create(
        Proposal(
            child=c,
            scheme=scheme,
            proposed_plan="SGO",
            rationale="Settled",
            proposer=proposer,
            created_at=at,
            submitted_at=at,
            status="submitted",
        )
        for c in children
    )
    Decision.objects.bulk_create(
        Decision(proposal=p, round=1, step=step, role=role, decision="approve", by=proposer, at=at)
        for p in proposals
        for step, role in enumerate(scheme.chain[:-1])
    )
    panel = Panel.objects.get(slug="permanence-panel")
    meeting = Meeting.objects.create(
        panel=panel,
        terms=TermsOfReference.objects.filter(panel=panel).first(),
        date=D(2026, 5, 20),
        created_at=at,
    )
    meeting.attendees.set([proposer])
    items = AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, child=p.child, proposal=p, added_at=at) for p in proposals
    )
    Outcome.objects.bulk_create(
        Outcome(item=i, recommendation="support", recorded_by=proposer, recorded_at=at)
        for i in items
    )


def count_queries(call) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        result = call()
    # The access log's inserts (an executemany shows as "N times: INSERT INTO ...").
    log_inserts = [q for q in queries if 'INSERT INTO "core_accessevent"' in q["sql"]]
    return len(queries) - len(log_inserts), result


@pytest.fixture
def setting(db):
    team = TeamFactory(name="North")
    worker = StaffMember.objects.create(name="Alex Worker", team=team)
    lead = UserFactory(username="lead", roles=["assurance_lead"], teams=[team])
    return {"team": team, "worker": worker, "lead": lead}


def test_rows_api_page_and_export_queries_do_not_grow(client, setting):
    from assure.tracker import selectors
    from assure.tracker.models import Snapshot
    from assure.tracker.snapshot import snapshot_for

    _, raw = api_token_create(user=setting["lead"])
    client.force_login(setting["lead"])
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def measure() -> dict[str, int]:
        user = type(setting["lead"]).objects.get(pk=setting["lead"].pk)  # nothing cached
        snapshot_for(AS_OF)  # brought up to date: counted on its own below
        rows_count, rows = count_queries(lambda: selectors.tracker_rows(user=user, on=AS_OF))
        api_count, response = count_queries(
            lambda: Client().get("/api/v1/tracker?as_of=2026-06-01&page_size=500", **bearer)
        )
        assert response.status_code == 200
        assert response.json()["count"] == len(rows)
        page_count, page = count_queries(
            lambda: client.get("/tracker/?as_of=2026-06-01&sort=rag&order=desc")
        )
        assert page.status_code == 200
        panels_count, with_panels = count_queries(
            lambda: client.get("/tracker/?as_of=2026-06-01&sort=rag&order=desc&cols=panels")
        )
        # Each child's panel outcome, from the queries the plain page leaves out.
        assert with_panels.content.decode().count("Permanence panel, 20 May 2026") == min(
            len(rows), 50
        )
        assert "Permanence panel" not in page.content.decode()

        def export_csv() -> bytes:
            response = client.get("/tracker/export.csv?as_of=2026-06-01")
            assert response.status_code == 200
            return b"".join(response.streaming_content)  # the rows stream: read them all

        export_count, content = count_queries(export_csv)
        assert len(content.splitlines()) == len(rows) + 1
        assert AccessEvent.objects.filter(via="export").count() == len(rows)
        AccessEvent.objects.all().delete()
        return {
            "rows": rows_count,
            "api": api_count,
            "page": page_count,
            "page_with_panels": panels_count,
            "export": export_count,
        }

    def build() -> int:
        Snapshot.objects.all().delete()
        ChangedChild.objects.all().delete()
        built, _ = count_queries(lambda: snapshot_for(AS_OF))
        return built

    make_children(team=setting["team"], worker=setting["worker"], start=0, count=10)
    make_proposals(children=list(Child.objects.all()), proposer=setting["lead"])
    # PostgreSQL adds the lock that holds the care log's writers back while it reads.
    build_queries = BUILD_QUERIES + (connection.vendor == "postgresql")
    assert build() == build_queries
    small = measure()
    make_children(team=setting["team"], worker=setting["worker"], start=10, count=190)
    make_proposals(
        children=list(Child.objects.filter(proposals__isnull=True)), proposer=setting["lead"]
    )
    assert build() == build_queries
    with clock.frozen_at(AS_OF):
        large = measure()
    assert (
        small
        == large
        == {
            "rows": ROWS_QUERIES,
            "api": API_QUERIES,
            "page": PAGE_QUERIES,
            "page_with_panels": PAGE_WITH_PANELS_QUERIES,
            "export": EXPORT_QUERIES,
        }
    )
