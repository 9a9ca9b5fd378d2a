"""The tracker's snapshots stay right: every write to a child's care record, however it is
made, reaches them (the care log's triggers); a bulk load rebuilds them; a new rule set or
another date has its own; they are kept in bounds."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from assure.children import care_log
from assure.children.care_log import WATCHED_TABLES
from assure.children.models import ChangedChild, Child, Episode, Review
from assure.core import clock
from assure.tracker import rules, selectors, services, snapshot
from assure.tracker.models import Snapshot, SnapshotRow
from tests.factories import UserFactory

from .helpers import child_in_care, plan_for, proceedings_for, review_for

D = dt.date
ON = D(2026, 6, 1)


@pytest.fixture
def lead(db):
    return UserFactory(username="lead", roles=["assurance_lead"])


def row_of(child: Child, on: dt.date = ON) -> SnapshotRow | None:
    return SnapshotRow.objects.filter(snapshot=snapshot.snapshot_for(on), child=child).first()


def _triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                " WHERE t.tgname LIKE 'care_log%%'"
            )
        else:
            cursor.execute(
                "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'care_log%'"
            )
        return {f"{table}:{name}" for table, name in cursor.fetchall()}


def test_triggers_dropped_by_a_table_rebuild_are_put_back_after_migrate(db):
    from assure.children.care_log import reinstall_after_migrate

    with connection.cursor() as cursor:
        on = " ON children_episode" if connection.vendor == "postgresql" else ""
        cursor.execute(f"DROP TRIGGER care_log_children_episode_insert{on}")
    assert "children_episode:care_log_children_episode_insert" not in _triggers()
    reinstall_after_migrate(using="default")
    assert "children_episode:care_log_children_episode_insert" in _triggers()


def test_every_table_of_the_care_record_has_its_triggers(db):
    found = _triggers()
    for table in WATCHED_TABLES:
        for event in ("insert", "update", "delete"):
            assert f"{table}:care_log_{table}_{event}" in found


def test_a_write_through_the_orm_reaches_the_snapshot(lead):
    child = child_in_care(child_id="A", start=D(2026, 1, 5))
    assert row_of(child).plan == ""
    plan_for(child, plan="sgo", agreed=D(2026, 2, 1))
    assert row_of(child).plan == "sgo"
    with clock.frozen_at(ON):
        page = selectors.tracker_view(user=lead, on=ON, row_filter=selectors.RowFilter(plan="sgo"))
        assert [r.child.child_id for r in page.built()] == ["A"]


def test_a_raw_write_from_a_shell_reaches_it_too(lead):
    child = child_in_care(child_id="B", start=D(2026, 1, 5))
    review_for(child, on=D(2026, 1, 20))
    before = row_of(child)
    assert before.next_review == D(2026, 4, 20)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO children_review (child_id, review_date, review_code) VALUES (%s, %s, '')",
            [child.pk, D(2026, 4, 1)],
        )
    assert row_of(child).next_review == D(2026, 10, 1)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM children_review WHERE child_id = %s", [child.pk])
    assert row_of(child).next_review == D(2026, 2, 2)  # 20 working days after 5 Jan


def test_proceedings_and_hearings_reach_every_child_they_concern(lead):
    one = child_in_care(child_id="S1", start=D(2026, 1, 5))
    two = child_in_care(child_id="S2", start=D(2026, 1, 5))
    proceedings = proceedings_for(one, issued=D(2026, 1, 5))
    proceedings.children.add(two)
    assert row_of(one).proceedings_week == row_of(two).proceedings_week == 22
    proceedings.issue_date = D(2025, 11, 1)
    proceedings.save()
    assert row_of(one).proceedings_week == row_of(two).proceedings_week == 31
    assert row_of(two).flags & snapshot.rules.FLAG_BITS["plo_overdue"]


def test_leaving_care_removes_the_child_a_year_later_and_deleting_removes_at_once(lead):
    child = child_in_care(child_id="C", start=D(2025, 1, 1))
    Episode.objects.filter(child=child).update(end_date=D(2026, 1, 10), reason_ceased="E45")
    assert not row_of(child).looked_after
    assert row_of(child, D(2027, 1, 10)) is None
    pk = child.pk
    child.delete()
    assert not SnapshotRow.objects.filter(child_id=pk).exists()
    assert not snapshot.snapshot_for(ON).rows.filter(child_id=pk).exists()


def test_a_bulk_load_writes_one_entry_and_the_snapshot_is_rebuilt(lead):
    child = child_in_care(child_id="D", start=D(2026, 1, 5))
    snapshot.snapshot_for(ON)
    last = ChangedChild.objects.order_by("-id").values_list("id", flat=True).first() or 0
    with transaction.atomic(), care_log.bulk_load():
        Review.objects.bulk_create(
            [
                Review(child=child, review_date=D(2026, 1, 20)),
                Review(child=child, review_date=D(2026, 4, 1)),
            ]
        )
        Episode.objects.filter(child=child).update(legal_status="V3")
    entries = list(ChangedChild.objects.filter(id__gt=last).values_list("child_id", flat=True))
    assert entries == [None]
    row = row_of(child)
    assert (row.legal_status, row.next_review) == ("V3", D(2026, 10, 1))


def test_a_new_rule_set_has_its_own_snapshot(lead):
    child = child_in_care(child_id="E", start=D(2026, 1, 5))
    review_for(child, on=D(2026, 1, 20))
    proceedings_for(child, issued=D(2026, 1, 5))
    plan_for(child, plan="adoption", agreed=D(2026, 2, 1))
    on = D(2026, 4, 1)  # day 86
    assert row_of(child, on).rag == 0
    services.rule_set_create(actor=lead, plo_warning_days=80)
    assert row_of(child, on).rag == 1
    assert Snapshot.objects.filter(on=on).count() == 2


def test_past_dates_have_their_own_snapshots_and_only_the_most_used_are_kept(lead):
    child = child_in_care(child_id="F", start=D(2026, 1, 5))
    for day in range(snapshot.KEEP + 3):
        with clock.frozen_at(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC) + dt.timedelta(hours=day)):
            assert row_of(child, D(2026, 3, 1) + dt.timedelta(days=day)) is not None
    assert Snapshot.objects.count() == snapshot.KEEP
    assert not Snapshot.objects.filter(on=D(2026, 3, 1)).exists()


def test_the_log_is_cleared_once_every_snapshot_has_applied_it(lead):
    child = child_in_care(child_id="G", start=D(2026, 1, 5))
    snapshot.snapshot_for(ON)
    review_for(child, on=D(2026, 1, 20))
    assert ChangedChild.objects.exists()
    snapshot.snapshot_for(ON)
    assert not ChangedChild.objects.exists()


def test_the_command_builds_the_days_snapshot(lead):
    child_in_care(child_id="H", start=D(2026, 1, 5))
    out = StringIO()
    with clock.frozen_at(ON):
        call_command("tracker_snapshot", "--discard", stdout=out)
    assert "The tracker at 1 June 2026: 1 child, ready in" in out.getvalue()
    assert Snapshot.objects.filter(on=ON).exists()


def test_a_bulk_load_puts_every_trigger_back(db):
    before = _triggers()
    with transaction.atomic(), care_log.bulk_load():
        pass
    assert _triggers() == before
    child = child_in_care(child_id="T", start=D(2026, 1, 5))
    assert ChangedChild.objects.filter(child_id=child.pk).exists()


def test_the_upgrade_for_the_issue_date_flag_drops_snapshots_and_nothing_else(db):
    """Snapshots built before the flag existed are dropped by migration 0007 and rebuilt
    when next asked for, now with the flag; the children's records stay as they were."""
    import importlib

    from django.apps import apps as django_apps

    from assure.children.models import Proceedings
    from tests.factories import ChildFactory, EpisodeFactory, ProceedingsFactory

    child = ChildFactory(child_id="UNDATED")
    EpisodeFactory(child=child, start_date=dt.date(2026, 1, 5))
    proceedings = ProceedingsFactory(application_type="care", issue_date=None, status="open")
    proceedings.children.add(child)
    with clock.frozen_at(dt.date(2026, 4, 1)):
        built = snapshot.snapshot_for()
        assert Snapshot.objects.filter(pk=built.pk).exists()
        migration = importlib.import_module(
            "assure.tracker.migrations.0007_rebuild_snapshots_for_issue_date_flag"
        )
        migration.drop_snapshots(django_apps, None)
        assert not Snapshot.objects.exists()
        assert Child.objects.filter(child_id="UNDATED").exists()
        assert Proceedings.objects.filter(pk=proceedings.pk).exists()
        row = snapshot.snapshot_for().rows.get(child=child)
    assert row.flags & rules.FLAG_BITS["proceedings_no_issue_date"]
