"""Upgrades keep every record: a council's database made before the care-history rules
(tracker rules with their own thresholds, proceedings, plans) migrates to today's shape with
nothing lost or changed in meaning. Run in a process of its own on a database of its own
(a fresh SQLite file, or a new PostgreSQL database beside the test one), because migrating
backwards and forwards cannot happen inside the test's transaction."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

PROBE = Path(__file__).with_name("upgrade_probe.py")


@pytest.fixture
def database_url(tmp_path, db):
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'upgrade.sqlite3'}"
        return
    name = f"assure_upgrade_{uuid.uuid4().hex[:8]}"
    options = settings.DATABASES["default"]
    import psycopg  # a connection of its own: CREATE DATABASE runs outside any transaction

    admin = psycopg.connect(
        host=options["HOST"],
        port=options["PORT"] or 5432,
        user=options["USER"],
        dbname="postgres",
        autocommit=True,
    )
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://{options['USER']}@{options['HOST']}:{options['PORT'] or 5432}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_a_database_from_before_the_care_rules_migrates_with_every_record(database_url):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "assure.settings.test",
    }
    done = subprocess.run(  # noqa: S603 - this interpreter, our own probe
        [sys.executable, str(PROBE)], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    shipped, ours, added = found["rules"]
    # The versions written before are kept exactly as they were.
    assert (shipped["version"], shipped["plo_overdue_days"], shipped["plo_warning_days"]) == (
        1,
        182,
        140,
    )
    assert (shipped["plan_amber_months"], shipped["plan_red_months"]) == (4, 6)
    assert ours["note"] == "Our own"
    assert (ours["plan_amber_months"], ours["plan_red_months"], ours["stale_days"]) == (3, 5, 60)
    assert (ours["sgo_assessment_weeks"], ours["sgo_support_plan_weeks"]) == (10, 3)
    # The new version takes the council's own thresholds, week 20 from day 133, and the new
    # rules' defaults; the retired thresholds are left blank on it.
    assert added["version"] == 3
    assert (added["plo_warning_days"], added["stale_days"]) == (133, 60)
    assert (added["sgo_assessment_weeks"], added["sgo_support_plan_weeks"]) == (10, 3)
    assert (added["plan_warning_weeks"], added["sgo_report_weeks"]) == (4, 4)
    assert added["sgo_final_hearing_week"] == 25
    assert (added["plo_overdue_days"], added["plan_amber_months"]) == (None, None)
    # The records are as they were; the new fields are blank.
    assert found["child"] == ["Ann", "2018-05-01"]
    assert found["episode"] == ["2026-01-05", "C1", "U3"]
    assert found["plan"] == ["sgo", "adoption", "2026-02-01", "", ""]
    assert found["proceedings"] == ["2026-01-05", None]
    # And the care log's triggers are in place on the migrated database.
    assert found["logged"] >= 1
