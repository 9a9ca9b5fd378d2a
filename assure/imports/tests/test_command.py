"""`assure import`: exit codes, the exact JSON shape, --dry-run and --skip-invalid-rows."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assure.children.models import Child, Episode
from assure.imports.models import ImportRun

from .conftest import EPISODE_COLUMNS, HEADER_COLUMNS, PROJECT_ROOT

pytestmark = pytest.mark.django_db

PROBLEM_KEYS = ["file", "row", "column", "value", "code", "message"]
GOOD = "C1,01/02/2020,S,C2,N1,U4,PR1,,,,AB1 2CD,AB3 4EF,SC123456"
BAD = "C2,01/02/2020,Q,C2,N1,U4,PR1,,,,AB1 2CD,AB3 4EF,SC123456"


def invoke(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("import", *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()


def test_json_shape_is_exact(write):
    header = write("h.csv", f"{HEADER_COLUMNS}\nC1,2,01/01/2015,WBRI,,,\n", bom=True, crlf=True)
    episodes = write("e.csv", f"{EPISODE_COLUMNS}\n{GOOD}\n")
    code, out = invoke("ssda903", str(header), str(episodes), "--json")
    assert code == 0
    data = json.loads(out)
    assert list(data) == [
        "status",
        "files",
        "children",
        "episodes_loaded",
        "rows_read",
        "rows_rejected",
        "errors",
        "warnings",
        # The 903's own keys.
        "council",
        "left_out",
        "collection_years",
    ]
    assert data["status"] == "applied"
    # No LA column and no council chosen: every row is the council's, nothing left out.
    assert (data["council"], data["left_out"]) == (None, [])
    assert data["collection_years"] == [
        {"file": str(header), "year": "2019/20", "from": "dates"},
        {"file": str(episodes), "year": "2019/20", "from": "dates"},
    ]
    assert data["files"] == [
        {"path": str(header), "table": "Header", "rows": 1},
        {"path": str(episodes), "table": "Episodes", "rows": 1},
    ]
    assert (
        data["children"],
        data["episodes_loaded"],
        data["rows_read"],
        data["rows_rejected"],
    ) == (1, 1, 2, 0)
    assert data["errors"] == []
    assert all(list(p) == PROBLEM_KEYS for p in data["warnings"])
    child = Child.objects.get(child_id="C1")
    assert (child.sex, str(child.date_of_birth)) == ("F", "2015-01-01")
    assert (
        ImportRun.objects.get().files[0]["sha256"]
        == __import__("hashlib").sha256(header.read_bytes()).hexdigest()
    )


def test_errors_reject_everything_with_exit_code_1(write):
    path = write("e.csv", f"{EPISODE_COLUMNS}\n{GOOD}\n{BAD}\n")
    code, out = invoke("ssda903", str(path), "--json")
    data = json.loads(out)
    assert code == 1
    assert data["status"] == "rejected"
    assert data["errors"] == [
        {
            "file": str(path),
            "row": 3,
            "column": "RNE",
            "value": "Q",
            "code": "unknown-code",
            "message": "'Q' is not in the DfE's RNE list in any year from 2015/16 to 2025/26",
        }
    ]
    assert (data["rows_read"], data["rows_rejected"], data["episodes_loaded"]) == (2, 1, 0)
    assert Episode.objects.count() == 0 and ImportRun.objects.count() == 0


def test_skip_invalid_rows_stores_the_valid_ones(write):
    path = write("e.csv", f"{EPISODE_COLUMNS}\n{GOOD}\n{BAD}\n")
    code, out = invoke("ssda903", str(path), "--skip-invalid-rows", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["status"] == "applied"
    assert (data["rows_rejected"], data["episodes_loaded"]) == (1, 1)
    assert [e["row"] for e in data["errors"]] == [3]
    assert list(Episode.objects.values_list("child__child_id", flat=True)) == ["C1"]


def test_dry_run_stores_nothing(write):
    path = write("e.csv", f"{EPISODE_COLUMNS}\n{GOOD}\n")
    code, out = invoke("ssda903", str(path), "--dry-run", "--json")
    data = json.loads(out)
    assert (code, data["status"], data["episodes_loaded"], data["rows_read"]) == (
        0,
        "dry_run",
        0,
        1,
    )
    assert Child.objects.count() == 0 and ImportRun.objects.count() == 0


def test_dry_run_with_errors_is_rejected(write):
    path = write("e.csv", f"{EPISODE_COLUMNS}\n{BAD}\n")
    code, out = invoke("ssda903", str(path), "--dry-run", "--json")
    assert (code, json.loads(out)["status"]) == (1, "rejected")


def test_an_unrecognised_file_is_exit_1_not_a_usage_error(write):
    path = write("notes.csv", "hello,world\n1,2\n")
    code, out = invoke("ssda903", str(path), "--json")
    assert code == 1
    assert json.loads(out)["errors"][0]["code"] == "file-unrecognised"


def test_human_report_lists_errors_and_warning_counts(write):
    path = write("e.csv", f"{EPISODE_COLUMNS}\n{GOOD}\n{BAD}\n{GOOD}\n")
    code, out = invoke("ssda903", str(path))
    assert code == 1
    assert f"ERROR unknown-code at {path}:3 RNE" in out
    assert "warning duplicate-row: 1" in out


REGIONAL = (
    f"{EPISODE_COLUMNS},LA,YEAR\n"
    "H1,2020-01-01,S,C2,N1,U4,PR1,,,,AB1 2CD,AB3 4EF,SC1,312,2020\n"
    "B1,2020-01-01,S,C2,N1,U4,PR1,,,,AB1 2CD,AB3 4EF,SC1,Bromley,2020\n"
    "B2,2020-02-01,S,C2,N1,U4,PR1,,,,AB1 2CD,AB3 4EF,SC1,LB Bromley,2020\n"
)


def test_several_councils_are_refused_until_one_is_chosen(write):
    path = write("regional.csv", REGIONAL)
    code, out = invoke("ssda903", str(path))
    assert code == 1
    assert "ERROR several-councils" in out
    assert "In the files: Bromley (305): 2 rows, 2 children" in out
    assert "In the files: Hillingdon (312): 1 row, 1 child" in out
    assert not Child.objects.exists()

    code, out = invoke("ssda903", str(path), "--la", "Bromley", "--year", "2019/20")
    assert code == 0, out
    assert "Council: Bromley (305), from --la" in out
    assert "Left out (another council's): Hillingdon (312): 1 row, 1 child" in out
    assert sorted(Child.objects.values_list("child_id", flat=True)) == ["B1", "B2"]
    assert ImportRun.objects.get().options == {"skip_invalid_rows": False, "la": "Bromley",
                                               "year": 2020}  # fmt: skip


def test_the_demo_councils_code_leaves_every_real_council_out(write, settings):
    settings.COUNCIL_LA_CODE = "999"  # Hartsmere, the fictional demo council (make demo)
    code, out = invoke("ssda903", str(write("regional.csv", REGIONAL)), "--json")
    data = json.loads(out)
    assert (code, data["status"], data["children"]) == (0, "applied", 0)
    assert data["council"] == {"code": "999", "name": "999", "from": "COUNCIL_LA_CODE"}
    assert [(c["la"], c["rows"]) for c in data["left_out"]] == [("305", 2), ("312", 1)]
    assert not Child.objects.exists()


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "assure.settings.test"}
    return subprocess.run(
        [sys.executable, "-m", "assure.manage", "import", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_usage_errors_exit_2():
    assert _cli().returncode == 2
    assert _cli("ssda903").returncode == 2  # no PATH
    assert _cli("ssda903", "x.csv", "--colour").returncode == 2
    assert _cli("spreadsheet", "x.csv").returncode == 2
    assert _cli("ssda903", "x.csv", "--year", "2023/25").returncode == 2


def test_annex_a_and_extract_subcommands(tmp_path):
    """Both run through the same command: a missing workbook is rejected (exit 1), and an
    extract's JSON has the same exact keys."""
    code, out = invoke("annex-a", str(tmp_path / "book.xlsx"), "--json")
    assert code == 1
    assert json.loads(out)["errors"][0]["code"] == "file-unreadable"
    Child.objects.create(child_id="X1")
    plans = tmp_path / "plans.csv"
    plans.write_text("child_id,plan,agreed_date,parallel_plan\nX1,sgo,2026-01-02,\n")
    code, out = invoke("extract", str(plans), "--json")
    data = json.loads(out)
    assert (code, data["status"], data["episodes_loaded"]) == (0, "applied", 1)
    assert data["files"] == [{"path": str(plans), "table": "permanence_plans", "rows": 1}]
