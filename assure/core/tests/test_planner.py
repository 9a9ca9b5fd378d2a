"""Planner statistics are gathered after a bulk load: an import applied, the demo seeded."""

from django.db import connection

from assure.children.demo import seed_demo
from assure.core.planner import refresh_planner_statistics


def _has_statistics(table: str) -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = %s", [table])
        else:
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = %s", [table])
        return cursor.fetchone()[0] > 0


def test_refresh_gathers_statistics_for_a_loaded_table(db):
    from tests.factories import EpisodeFactory

    EpisodeFactory.create_batch(5)
    refresh_planner_statistics()
    assert _has_statistics("children_episode")


def test_seeding_the_demo_leaves_statistics(db):
    seed_demo(children=40, seed=7)
    assert _has_statistics("children_sgoassessment")
    assert _has_statistics("children_episode")
