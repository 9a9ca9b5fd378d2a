"""The tracker's snapshots: each child's row at a date, kept in the database so that the
page's counts, filters, sort and paging happen there and only the rows shown are built in
full (ADR 0006).

A snapshot is a cache of `rows.build_row`, never a second set of rules: every value in it is
taken from a row built by the same code the page uses. It is kept right by the care log
(`children.care_log`): before a snapshot is read, the children whose records changed since
it was last brought up to date are worked out again (or the whole snapshot, after a bulk
load or a new rule set version). A date's snapshot is built the first time it is asked for;
`assure tracker-snapshot` builds today's ahead of the day's first visitor. At most
`KEEP` snapshots are kept, the least recently used going first.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Min

from assure.children import care_log
from assure.children.care.periods import on_tracker_q
from assure.children.models import ChangedChild, Child
from assure.core import bulk, clock
from assure.core.gc_pause import gc_paused

from . import rows, rules
from .models import RuleSet, Snapshot, SnapshotRow

KEEP = 8
TOUCH_EVERY = dt.timedelta(minutes=10)
BATCH = 2000
RAG_NUMBERS = {rules.GREEN: 0, rules.AMBER: 1, rules.RED: 2}
RAG_NAMES = {n: rag for rag, n in RAG_NUMBERS.items()}


def current_rule_set() -> RuleSet:
    """The latest version of the rules (the migrations ship the first versions)."""
    rule_set = RuleSet.objects.order_by("-version").first()
    if rule_set is None:  # only if someone deleted every version: save the law's defaults
        rule_set = RuleSet.objects.create(
            version=1, created_at=clock.now(), note="Defaults (no version was found)"
        )
    return rule_set


def row_values(row: rows.Row) -> dict[str, Any]:
    """What a snapshot keeps of a row: what the tracker filters, counts and sorts by."""
    stage = row.care.sgo_stage
    return {
        "looked_after": row.looked_after,
        "rag": RAG_NUMBERS[row.rag],
        "flags": rules.bits_of(row.flags),
        "age": row.age,
        "period_start": row.period_start,
        "ceased_date": row.ceased_date,
        "legal_status": row.legal_status or "",
        "plan": row.plan_value or "",
        "proceedings_open": row.proceedings is not None,
        "proceedings_week": row.proceedings_week,
        "next_hearing": row.next_hearing.hearing_date if row.next_hearing else None,
        "next_review": row.next_review.due if row.next_review else None,
        "sgo_stage": stage.stage if stage else None,
        "sgo_stage_date": stage.key_date if stage else None,
    }


def snapshot_for(on: dt.date | None = None) -> Snapshot:
    """The snapshot of the tracker at `on` (today by default) under the current rules,
    built or brought up to date first."""
    on = on or clock.today()
    rule_set = current_rule_set()
    snapshot = Snapshot.objects.filter(on=on, rule_set=rule_set).first()
    if snapshot is None:
        snapshot = _build(on, rule_set)
    else:
        _bring_up_to_date(snapshot)
    snapshot.rule_set = rule_set
    return snapshot


def _touch(snapshot: Snapshot) -> None:
    """Mark the snapshot used (for keeping the most used), at most every few minutes: a read
    should not write each time."""
    now = clock.now()
    if now - snapshot.used_at > TOUCH_EVERY:
        Snapshot.objects.filter(pk=snapshot.pk).update(used_at=now)
        snapshot.used_at = now


def _hold_the_log() -> int:
    """Hold writers of the care log back until this transaction ends, and return the newest
    entry. On PostgreSQL a SHARE lock waits for writers already under way to commit (so every
    entry up to the newest is visible, with the data it describes) and keeps new ones from
    writing until the snapshot is saved, so nothing slips between reading the log and reading
    the records. SQLite has one writer at a time and a fixed view within a transaction: the
    caller writes first, which takes the database's write lock."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE children_changedchild IN SHARE MODE")
    newest = ChangedChild.objects.order_by("-id").values_list("id", flat=True).first()
    return newest or 0


@gc_paused()
def _build(on: dt.date, rule_set: RuleSet) -> Snapshot:
    thresholds = rules.Thresholds.of(rule_set)
    try:
        with transaction.atomic():
            now = clock.now()
            snapshot = Snapshot.objects.create(on=on, rule_set=rule_set, built_at=now, used_at=now)
            snapshot.log_id = _hold_the_log()
            members = list(
                Child.objects.filter(on_tracker_q(on)).order_by("pk").values_list("pk", flat=True)
            )
            _write_rows(snapshot, members, thresholds)
            Snapshot.objects.filter(pk=snapshot.pk).update(log_id=snapshot.log_id)
    except IntegrityError:
        # Someone else built it at the same moment: theirs is as good.
        snapshot = Snapshot.objects.get(on=on, rule_set=rule_set)
        _bring_up_to_date(snapshot)
        return snapshot
    _evict(snapshot)
    _forget_applied()
    return snapshot


def _write_rows(snapshot: Snapshot, pks: list[int], thresholds: rules.Thresholds) -> None:
    for start in range(0, len(pks), BATCH):
        children = rows.children_of(pks[start : start + BATCH])
        built = rows.build_rows(children, snapshot.on, thresholds, with_panels=False)
        # One prepared insert for the batch (core.bulk): bulk_create would split it by the
        # database's limit on parameters, and cost a query per few dozen children.
        bulk.insert(
            SnapshotRow,
            [{"snapshot_id": snapshot.pk, "child_id": r.child.pk, **row_values(r)} for r in built],
        )


@gc_paused()
def _bring_up_to_date(snapshot: Snapshot) -> None:
    latest = ChangedChild.objects.order_by("-id").values_list("id", flat=True).first() or 0
    if latest <= snapshot.log_id:
        _touch(snapshot)
        return
    thresholds = rules.Thresholds.of(snapshot.rule_set)
    with transaction.atomic():
        Snapshot.objects.filter(pk=snapshot.pk).update(used_at=clock.now())
        newest = _hold_the_log()
        current = Snapshot.objects.filter(pk=snapshot.pk).values_list("log_id", flat=True).first()
        if current is None or current >= newest:  # deleted, or brought up to date meanwhile
            return
        _, changed = care_log.changes_since(current)
        members = Child.objects.filter(on_tracker_q(snapshot.on))
        if changed is None:
            SnapshotRow.objects.filter(snapshot=snapshot).delete()
        else:
            SnapshotRow.objects.filter(snapshot=snapshot, child_id__in=changed).delete()
            members = members.filter(pk__in=changed)
        _write_rows(snapshot, sorted(members.values_list("pk", flat=True)), thresholds)
        Snapshot.objects.filter(pk=snapshot.pk).update(log_id=newest)
    snapshot.log_id = newest
    _forget_applied()


def _forget_applied() -> None:
    """Drop the log entries every snapshot has applied (all of them when there is none)."""
    oldest = Snapshot.objects.aggregate(oldest=Min("log_id"))["oldest"]
    if oldest is None:
        oldest = ChangedChild.objects.order_by("-id").values_list("id", flat=True).first()
    if oldest:
        care_log.forget_until(oldest)


def _evict(keeping: Snapshot) -> None:
    """Keep the snapshot just built and the most recently used others, KEEP in all."""
    others = Snapshot.objects.exclude(pk=keeping.pk).order_by("-used_at", "-pk")
    doomed = list(others.values_list("pk", flat=True)[KEEP - 1 :])
    if doomed:
        Snapshot.objects.filter(pk__in=doomed).delete()


def discard_all() -> int:
    """Delete every snapshot (they are rebuilt when next asked for); returns how many."""
    count = Snapshot.objects.count()
    Snapshot.objects.all().delete()
    return count
