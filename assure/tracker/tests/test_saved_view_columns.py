"""Views saved before the compact tracker keep their filters and are given columns that fit:
the compact default, and the column each is sorted by. Migrated on a database of its own
made in the earlier shape (see test_upgrade.py for why in a process of its own)."""

import json
import os
import subprocess
import sys
from pathlib import Path

from .test_upgrade import database_url  # noqa: F401 - the fixture, shared

PROBE = Path(__file__).with_name("saved_views_probe.py")
DEFAULT = ["legal_status", "proceedings", "reviews"]


def test_views_saved_before_columns_migrate_to_the_compact_choice(database_url):  # noqa: F811
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "assure.settings.test",
    }
    done = subprocess.run(  # noqa: S603 - this interpreter, our own probe
        [sys.executable, str(PROBE)], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    views = json.loads(done.stdout.strip().splitlines()[-1])
    assert views == {
        "Plain": ["plan=sgo&proceedings=open", DEFAULT],
        "By team": ["rag=red&sort=team&order=desc", ["team", *DEFAULT]],
        "Leavers": ["care_status=left_care&sort=ceased_date", [*DEFAULT, "ceased"]],
        "By RAG": ["sort=rag", DEFAULT],
    }
