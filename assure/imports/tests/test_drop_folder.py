"""The drop folder: files are picked up on a schedule by the task worker, dry-run, applied
when clean and refused otherwise, never applied twice, never taken while being written;
the performance officers are told in the product and by email; running imports show their
progress."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook

from assure.children.models import Child
from assure.core.models import DomainEvent, Email
from assure.imports import dropfolder, progress
from assure.imports.models import ImportRun, ImportUpload
from assure.imports.services import import_execute
from assure.people.services import user_create

from .conftest import EPISODE_COLUMNS, HEADER_COLUMNS

pytestmark = pytest.mark.django_db

HEADER = f"{HEADER_COLUMNS}\nD1,1,01/01/2015,WBRI,,,\nD2,2,02/02/2016,WBRI,,,\n"
EPISODES = (
    f"{EPISODE_COLUMNS}\nD1,01/02/2020,S,C2,N1,U4,PR1,,,,,,\nD2,01/03/2021,S,C2,N1,U4,PR1,,,,,,\n"
)
BAD_EPISODES = f"{EPISODE_COLUMNS}\nD9,01/02/2020,Q,C2,N1,U4,PR1,,,,,,\n"
IMPORT_PAGE_QUERIES = 10


@pytest.fixture
def drop(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    folder = tmp_path / "drop"
    folder.mkdir()
    settings.IMPORT_DROP_FOLDER = str(folder)
    settings.IMPORT_DROP_SETTLE_SECONDS = 60
    return folder


@pytest.fixture
def officers():
    return [
        user_create(username="pat", roles=["performance_officer"], email="pat@example.gov.uk"),
        user_create(username="kim", roles=["performance_officer"], email="kim@example.gov.uk"),
        user_create(username="lee", roles=["assurance_lead"], email="lee@example.gov.uk"),
    ]


def put(folder: Path, name: str, content: str | bytes, *, age: float = 600) -> Path:
    """A file written `age` seconds ago."""
    path = folder / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    stamp = time.time() - age
    os.utime(path, (stamp, stamp))
    return path


@pytest.fixture
def scan(django_capture_on_commit_callbacks):
    """What the schedule runs: the command, which queues the scan on the worker (the test
    settings' task backend runs it at once); with "--now", the scan in this process. Emails
    go once the transaction that queued them commits, so those callbacks are run."""

    def run(*args: str) -> str:
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("import_drop_folder", *args, stdout=out)
        return out.getvalue()

    return run


def test_a_clean_return_is_applied_and_the_officers_are_told(drop, officers, scan):
    put(drop, "header.csv", HEADER)
    put(drop, "episodes.csv", EPISODES)
    assert "Queued a scan" in scan()
    run = ImportRun.objects.get()
    assert (run.kind, run.status, run.actor, run.options["via"]) == (
        "ssda903",
        "applied",
        None,
        "drop_folder",
    )
    assert sorted(f["path"] for f in run.files) == ["episodes.csv", "header.csv"]
    assert all(len(f["sha256"]) == 64 for f in run.files)
    assert sorted(Child.objects.values_list("child_id", flat=True)) == ["D1", "D2"]
    # Applied files leave the folder (the run keeps their names and digests).
    assert [p.name for p in drop.iterdir()] == []
    [email] = mail.outbox
    assert sorted(email.to) == ["kim@example.gov.uk", "pat@example.gov.uk"]
    assert "applied" in email.subject and f"run {run.pk}" in email.subject
    assert "episodes.csv" in email.body and "records stored" in email.body
    run.refresh_from_db()
    assert run.options["emailed"] == 2
    assert Email.objects.get(pk=run.options["email"]).status == "sent"


def test_a_file_with_errors_is_refused_whole_and_kept_aside(drop, officers, client, scan):
    put(drop, "episodes.csv", BAD_EPISODES)
    scan()
    run = ImportRun.objects.get()
    assert (run.status, run.counts["errors"]) == ("rejected", 1)
    assert run.problems["errors"][0]["code"] == "unknown-code"
    assert run.problems["errors"][0]["file"] == "episodes.csv"  # never the folder's path
    assert not Child.objects.exists()
    [refused] = list((drop / "refused").iterdir())
    assert refused.name.endswith("-episodes.csv")
    assert [p.name for p in drop.iterdir()] == ["refused"]
    [email] = mail.outbox
    assert "refused" in email.subject
    assert "unknown-code" not in email.subject and "row 2" in email.body
    assert DomainEvent.objects.filter(verb="import.refused").count() == 1

    # In the product: the import page and the officer's home page say so until one of the
    # officers marks the run as dealt with.
    client.force_login(officers[0])
    for url in (reverse("imports:home"), reverse("core:home")):
        html = client.get(url).content.decode()
        assert 'data-testid="import-notices"' in html, url
        assert f"Run {run.pk}" in html
    page = client.get(reverse("imports:run", args=[run.pk])).content.decode()
    assert "Refused" in page and "Mark as dealt with" in page
    # Never "None: the files had no errors" for a run refused for its errors.
    assert "the import was refused, and nothing was stored" in page
    assert "no row had an error" not in page
    response = client.post(reverse("imports:run", args=[run.pk]), {"action": "dealt_with"})
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.options["dealt_with"]["by"] == "pat"
    assert 'data-testid="import-notices"' not in client.get(reverse("core:home")).content.decode()
    assert DomainEvent.objects.filter(verb="import.refusal_dealt_with").count() == 1
    # Nobody else is told: the assurance lead does not import data.
    client.force_login(officers[2])
    assert 'data-testid="import-notices"' not in client.get(reverse("core:home")).content.decode()


def test_an_applied_run_cannot_be_marked_as_dealt_with(drop, officers, client, scan):
    put(drop, "episodes.csv", EPISODES)
    scan()
    run = ImportRun.objects.get(status="applied")
    client.force_login(officers[0])
    page = client.get(reverse("imports:run", args=[run.pk])).content.decode()
    assert "Mark as dealt with" not in page
    response = client.post(
        reverse("imports:run", args=[run.pk]), {"action": "dealt_with"}, follow=True
    )
    assert "Only a refused automatic import" in response.content.decode()
    run.refresh_from_db()
    assert "dealt_with" not in run.options


def test_a_file_is_never_applied_twice(drop, officers, scan):
    put(drop, "episodes.csv", EPISODES)
    scan()
    first = ImportRun.objects.get()
    # The same file dropped again (a later copy): refused as already imported.
    put(drop, "episodes again.csv", EPISODES, age=120)
    scan()
    second = ImportRun.objects.exclude(pk=first.pk).get()
    assert second.status == "rejected"
    assert second.problems["errors"][0]["code"] == "already-imported"
    assert f"import run {first.pk}" in second.options["reason"]
    assert ImportRun.objects.filter(status="applied").count() == 1
    assert [p.name for p in drop.iterdir()] == []  # already in Assure: removed
    # A file the import page applied is not applied again from the folder either.
    user = user_create(username="web", roles=["performance_officer"])
    other = put(drop, "other.csv", HEADER)
    applied = import_execute(kind="ssda903", paths=[other], actor=user)
    assert applied.status == "applied"
    put(drop, "other.csv", HEADER, age=120)
    scan()
    assert ImportRun.objects.filter(status="applied").count() == 2
    assert ImportRun.objects.filter(options__earlier_run=applied.run_id).count() == 1


def test_a_file_assure_could_not_move_is_left_be_quietly(drop, officers, scan):
    (drop / "refused").write_text("a file where the refused folder would go")
    put(drop, "episodes.csv", BAD_EPISODES)
    scan()
    run = ImportRun.objects.get()
    assert (drop / "episodes.csv").exists()  # could not be moved aside
    assert dropfolder.state()["left_behind"] == [["episodes.csv", run.files[0]["sha256"]]]
    mail.outbox.clear()
    scan()  # seen again: no second run, no second email
    assert ImportRun.objects.get() == run and mail.outbox == []
    (drop / "refused").unlink()
    scan()  # now it can be moved aside
    assert ImportRun.objects.get() == run and mail.outbox == []
    assert [p.name for p in (drop / "refused").iterdir()][0].endswith("-episodes.csv")
    assert dropfolder.state()["left_behind"] == []


def test_a_file_being_written_is_not_taken_until_complete(drop, officers):
    put(drop, "episodes.csv", EPISODES, age=5)  # written 5 seconds ago
    put(drop, "header.csv.part", HEADER)  # written under a temporary name
    put(drop, ".hidden.csv", HEADER)
    put(drop, "~$annex.xlsx", b"lock")
    put(drop, "notes.docx", b"not an import")
    out = StringIO()
    call_command("import_drop_folder", "--now", stdout=out)
    assert "Waiting: episodes.csv (still being written)" in out.getvalue()
    assert not ImportRun.objects.exists()
    assert dropfolder.state()["waiting"] == ["episodes.csv"]
    # Complete and renamed: both are taken, together.
    put(drop, "episodes.csv", EPISODES)
    (drop / "header.csv.part").rename(drop / "header.csv")
    os.utime(drop / "header.csv", (time.time() - 600, time.time() - 600))
    call_command("import_drop_folder", "--now", stdout=StringIO())
    run = ImportRun.objects.get()
    assert sorted(f["path"] for f in run.files) == ["episodes.csv", "header.csv"]
    assert sorted(p.name for p in drop.iterdir()) == [".hidden.csv", "notes.docx", "~$annex.xlsx"]


def test_a_file_that_changes_while_it_is_read_waits(drop):
    path = put(drop, "episodes.csv", EPISODES)
    ready, waiting = dropfolder.list_files(drop)
    assert [c.path for c in ready] == [path] and waiting == []
    with path.open("a", encoding="utf-8") as handle:  # still being appended to
        handle.write("D3,01/03/2021,S,C2,N1,U4,PR1,,,,,,\n")
    assert dropfolder.digest(ready, waiting) == []
    assert waiting == ["episodes.csv"]


def test_each_kind_is_imported_on_its_own_the_903_first(drop, officers, tmp_path, scan):
    book = Workbook()
    sheet = book.active
    sheet.title = "List 8"
    sheet.append(["Child Unique ID", "Gender", "Date of Birth", "Date Started to be Looked After"])
    sheet.append(["D1", "Female", dt.date(2015, 1, 1), dt.date(2020, 2, 1)])
    book.save(tmp_path / "annex.xlsx")
    put(drop, "annex-a.xlsx", (tmp_path / "annex.xlsx").read_bytes())
    put(drop, "episodes.csv", EPISODES)
    scan("--now")
    runs = list(ImportRun.objects.order_by("id").values_list("kind", "status"))
    assert runs == [("ssda903", "applied"), ("annex_a", "applied")]
    assert len(mail.outbox) == 2


def test_a_mail_server_that_is_down_never_undoes_the_import(drop, officers, settings, scan):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    put(drop, "episodes.csv", EPISODES)
    scan("--now")
    run = ImportRun.objects.get()
    assert run.status == "applied"
    assert Child.objects.count() == 2
    email = Email.objects.get(pk=run.options["email"])  # kept, to be tried again
    assert (email.status, email.attempts) == ("queued", 1)
    assert "ConnectionRefusedError" in email.last_error


def test_one_scan_at_a_time(drop):
    put(drop, "episodes.csv", EPISODES)
    lock = dropfolder.state_path().with_name("drop-folder.lock")
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        assert dropfolder.scan().busy
        with pytest.raises(CommandError, match="Another scan"):
            call_command("import_drop_folder", "--now", stdout=StringIO())
    assert not ImportRun.objects.exists()
    assert (drop / "episodes.csv").exists()


def test_the_command_without_a_folder_and_with_a_missing_one(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMPORT_DROP_FOLDER = ""
    with pytest.raises(CommandError, match="IMPORT_DROP_FOLDER") as raised:
        call_command("import_drop_folder", stdout=StringIO())
    assert raised.value.returncode == 1
    settings.IMPORT_DROP_FOLDER = str(tmp_path / "missing")
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("import_drop_folder", "--now", stdout=StringIO())
    assert "cannot be read" in dropfolder.state()["problem"]


def test_the_command_reports_json(drop):
    put(drop, "episodes.csv", BAD_EPISODES)
    out = StringIO()
    call_command("import_drop_folder", "--now", "--json", stdout=out)
    report = json.loads(out.getvalue())
    run = ImportRun.objects.get()
    assert report == {
        "busy": False,
        "problem": "",
        "waiting": [],
        "runs": [
            {"run": run.pk, "status": "rejected", "kind": "ssda903", "files": ["episodes.csv"]}
        ],
    }


# Progress ------------------------------------------------------------------------------------


def test_progress_is_kept_while_an_import_runs_and_removed_after(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    assert progress.read("upload-1") is None
    with progress.tracking("upload-1", kind="ssda903", total_bytes=1000) as tracker:
        progress.stage("Checking the files (dry run)")
        for _ in range(5):
            progress.rows_read()
        tracker.write(force=True)
        state = progress.read("upload-1")
        assert (state["stage"], state["rows_read"]) == ("Checking the files (dry run)", 5)
        assert state["time_left"].startswith("Not known yet")
    assert progress.read("upload-1") is None
    progress.rows_read()  # outside an import: nothing to report, nothing fails


def test_time_left_comes_from_the_speed_of_earlier_imports(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    from assure.core import clock

    now = clock.now()
    ImportRun.objects.create(
        kind="ssda903",
        status="applied",
        started_at=now - dt.timedelta(seconds=100),
        finished_at=now,
        files=[{"path": "a.csv", "bytes": 1_000_000, "sha256": "x"}],
    )
    assert progress.estimate_seconds("ssda903", 3_000_000) == pytest.approx(300)
    assert progress.estimate_seconds("annex_a", 3_000_000) is None
    with progress.tracking(
        "drop-1", kind="ssda903", total_bytes=3_000_000, about={"files": []}
    ) as tracker:
        assert progress.read("drop-1")["time_left"] == "About 5 minutes"
        with clock.frozen_at(now + dt.timedelta(seconds=400)):
            tracker.write(force=True)  # still at work 400 seconds on
            later = progress.read("drop-1")
        assert later["time_left"] == "Taking longer than earlier imports of this size"
        assert later["elapsed"] == "7 minutes"
        # Nothing heard for over two minutes: the worker was killed or restarted.
        with clock.frozen_at(now + dt.timedelta(seconds=700)):
            stopped = progress.read("drop-1")
            assert stopped["stopped"] and "seems to have stopped" in stopped["time_left"]
            assert [item["key"] for item in progress.running("drop-")] == ["drop-1"]
        with clock.frozen_at(now + dt.timedelta(days=2)):
            assert progress.running("drop-") == []  # forgotten, and its file removed
        assert progress.read("drop-1") is None


def test_the_upload_page_shows_the_progress_of_a_running_import(settings, tmp_path, client):
    settings.MEDIA_ROOT = tmp_path / "media"
    from assure.core import clock

    officer = user_create(username="pat", roles=["performance_officer"])
    client.force_login(officer)
    upload = ImportUpload.objects.create(
        kind="ssda903",
        status="checking",
        actor=officer,
        created_at=clock.now(),
        updated_at=clock.now(),
        files=[{"name": "episodes.csv", "stored": "x.csv", "bytes": 10, "sha256": "y"}],
    )
    url = reverse("imports:upload", args=[upload.pk])
    assert "Waiting for the task worker to start" in client.get(url).content.decode()
    with progress.tracking(f"upload-{upload.pk}", kind="ssda903", total_bytes=10):
        progress.stage("Checking the files (dry run)")
        progress.rows_read(1234)
        progress._current.get().write(force=True)
        html = client.get(url).content.decode()
    assert 'data-testid="progress-detail"' in html
    assert "Checking the files (dry run)" in html and "1234" in html


def test_the_import_page_shows_the_drop_folder_its_history_and_running_imports(
    drop, officers, client, scan
):
    client.force_login(officers[0])
    html = client.get(reverse("imports:home")).content.decode()
    assert "has not been looked at yet" in html and "No automatic imports yet" in html
    put(drop, "episodes.csv", EPISODES)
    scan()
    put(drop, "bad.csv", BAD_EPISODES)
    scan()
    with progress.tracking(
        "drop-99", kind="ssda903", total_bytes=10, about={"files": ["big return.csv"]}
    ):
        progress.stage("Applying the import")
        html = client.get(reverse("imports:home")).content.decode()
    assert "Importing big return.csv" in html and "Applying the import" in html
    assert html.count('<strong class="govuk-tag govuk-tag--green">Applied</strong>') == 1
    assert html.count('<strong class="govuk-tag govuk-tag--red">Refused</strong>') == 1
    assert "was last looked at on" in html

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("imports:home")).status_code == 200
        return len(queries)

    # The page's queries do not grow with the history: the test client's session (four),
    # the user, their roles and second factor; the recent uploads, the refused runs for the
    # notice and the automatic runs, one each.
    assert count() == IMPORT_PAGE_QUERIES
    for n in range(15):
        put(drop, "bad.csv", BAD_EPISODES + f"D{n},01/02/2020,Q,C2,N1,U4,PR1,,,,,,\n")
        scan()
    assert count() == IMPORT_PAGE_QUERIES


def test_only_people_who_import_data_see_the_drop_folder(drop, client):
    lead = user_create(username="lee", roles=["assurance_lead"])
    client.force_login(lead)
    assert client.get(reverse("imports:home")).status_code == 403


def test_a_regional_file_is_refused_until_the_council_is_set(drop, officers, scan, settings):
    """No silent merge from the folder either: a file holding several councils is refused
    unless COUNCIL_LA_CODE says whose children to keep."""
    sample = Path(__file__).resolve().parents[3] / ".." / "shared" / "data"
    header = (sample / "cs-demand-model-regional" / "header.csv").read_text(encoding="utf-8")
    settings.COUNCIL_LA_CODE = ""
    put(drop, "regional header.csv", header)
    scan()
    refused = ImportRun.objects.get()
    assert refused.status == "rejected"
    assert "COUNCIL_LA_CODE" in " ".join(p["message"] for p in refused.problems["errors"])
    assert not Child.objects.exists()
    settings.COUNCIL_LA_CODE = "Southwark"
    (drop / "refused").rename(drop / "looked at")
    put(drop, "regional header (Southwark).csv", header + "\n")
    scan()
    applied = ImportRun.objects.get(status="applied")
    assert applied.options["via"] == "drop_folder"
    rows = [line.split(",") for line in header.splitlines()[1:] if line]
    southwark = {row[0] for row in rows if row[7] == "Southwark"}
    assert southwark and len(southwark) < len({row[0] for row in rows})
    assert set(Child.objects.values_list("child_id", flat=True)) == southwark


def test_annex_a_and_the_extracts_count_the_rows_they_read(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    template = Path(__file__).resolve().parents[1] / "templates_csv" / "allocations.csv"
    book = Workbook()
    sheet = book.active
    sheet.title = "List 8"
    sheet.append(["Child Unique ID", "Gender", "Date of Birth", "Date Started to be Looked After"])
    for n in range(3):
        sheet.append([f"P{n}", "Female", dt.date(2015, 1, 1), dt.date(2020, 2, 1)])
    book.save(tmp_path / "annex.xlsx")
    for kind, path, rows in (("extract", template, 1), ("annex_a", tmp_path / "annex.xlsx", 3)):
        with progress.tracking(f"upload-{kind[0]}", kind=kind, total_bytes=1) as tracker:
            assert import_execute(kind=kind, paths=[path], dry_run=True).rows_read == rows
            assert tracker.state["rows_read"] == rows
