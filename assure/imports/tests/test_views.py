"""The import pages through Django's test client: who may use them, upload, dry run,
apply (in the request and on the task worker), problems download, history."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from assure.children.models import Child, Episode
from assure.core.models import DomainEvent
from assure.imports.models import ImportRun, ImportUpload
from assure.people.services import user_create

from .conftest import EPISODE_COLUMNS, HEADER_COLUMNS

pytestmark = pytest.mark.django_db

GOOD = f"{EPISODE_COLUMNS}\nC1,01/02/2020,S,C2,N1,U4,PR1,,,,AB1 2CD,AB3 4EF,SC123456\n"
BAD = GOOD + "C2,01/02/2020,Q,C2,N1,U4,PR1,,,,AB1 2CD,AB3 4EF,SC123456\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def officer(client):
    user = user_create(username="pat", roles=["performance_officer"], first_name="Pat")
    client.force_login(user)
    return user


def upload(client, *files, kind="auto"):
    return client.post(reverse("imports:home"), {"kind": kind, "files": list(files)})


def csv_file(name, text):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_only_importers_may_open_the_pages(client):
    practitioner = user_create(username="prac", roles=["practitioner"])
    client.force_login(practitioner)
    assert client.get(reverse("imports:home")).status_code == 403
    assert client.get(reverse("imports:runs")).status_code == 403
    assert client.get(reverse("imports:template", args=["proceedings"])).status_code == 403


def test_upload_dry_run_then_apply(client, officer, media):
    response = upload(client, csv_file("episodes.csv", GOOD))
    stored = ImportUpload.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:upload", args=[stored.pk])
    assert stored.kind == "ssda903"
    assert stored.status == "checked"
    assert stored.check_result["status"] == "dry_run"
    # Stored under MEDIA_ROOT/imports with a random name, never the given one.
    [item] = stored.files
    assert item["name"] == "episodes.csv"
    assert item["stored"] != "episodes.csv" and (media / "imports" / item["stored"]).is_file()
    assert not Child.objects.exists()
    page = client.get(reverse("imports:upload", args=[stored.pk])).content.decode()
    assert "Apply the import" in page and "No problems found." in page
    client.post(reverse("imports:upload", args=[stored.pk]), {})
    stored.refresh_from_db()
    assert stored.status == "applied"
    assert Episode.objects.count() == 1
    run = ImportRun.objects.get()
    assert (stored.run, run.actor) == (run, officer)
    assert run.files[0]["path"] == "episodes.csv"
    assert len(run.files[0]["sha256"]) == 64
    assert set(DomainEvent.objects.values_list("verb", flat=True)) >= {
        "import.uploaded",
        "import.apply_requested",
        "import.applied",
    }
    history = client.get(reverse("imports:runs")).content.decode()
    assert "episodes.csv" in history and run.files[0]["sha256"][:10] in history
    assert client.get(reverse("imports:run", args=[run.pk])).status_code == 200
    # The uploaded file is not kept once applied.
    assert not (media / "imports" / item["stored"]).exists()


def test_an_upload_is_applied_once_however_often_apply_is_pressed(client, officer):
    from assure.core.errors import NotNow
    from assure.imports import uploads

    upload(client, csv_file("episodes.csv", GOOD))
    stored = ImportUpload.objects.get()
    stale = ImportUpload.objects.get(pk=stored.pk)  # a second request's copy, still "checked"
    client.post(reverse("imports:upload", args=[stored.pk]), {})
    with pytest.raises(NotNow, match="already being applied|already been applied"):
        uploads.upload_apply(upload=stale, actor=officer, skip_invalid_rows=False)
    assert ImportRun.objects.count() == 1


def test_problems_grouped_downloadable_and_safe(client, officer):
    evil = BAD + "C3,01/02/2020,=1+1,C2,N1,U4,PR1,,,,,,\n"
    upload(client, csv_file("bad.csv", evil))
    stored = ImportUpload.objects.get()
    assert stored.check_result["status"] == "rejected"
    [group] = [g for g in stored.check_result["by_code"] if g["severity"] == "error"]
    assert (group["code"], group["count"]) == ("unknown-code", 2)
    page = client.get(reverse("imports:upload", args=[stored.pk])).content.decode()
    assert "Store the valid rows" in page
    response = client.get(reverse("imports:problems", args=[stored.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["severity", "file", "row", "column", "value", "code", "message"]
    assert rows[1][:5] == ["error", "bad.csv", "3", "RNE", "Q"]
    assert rows[2][:5] == ["error", "bad.csv", "4", "RNE", "'=1+1"]
    # Applying without choosing to skip is refused; with it, the valid row is stored.
    client.post(reverse("imports:upload", args=[stored.pk]), {})
    stored.refresh_from_db()
    assert stored.status == "checked" and not Episode.objects.exists()
    client.post(reverse("imports:upload", args=[stored.pk]), {"skip_invalid_rows": "on"})
    stored.refresh_from_db()
    assert stored.status == "applied"
    assert list(Child.objects.values_list("child_id", flat=True)) == ["C1"]


def test_imported_text_is_escaped(client, officer):
    name = "<img src=x onerror=alert(1)>.csv"
    upload(client, csv_file(name, "foo,<b>bar</b>\n1,2\n"))
    stored = ImportUpload.objects.get()
    page = client.get(reverse("imports:upload", args=[stored.pk])).content.decode()
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;.csv" in page
    assert "<b>bar" not in page
    assert "cannot be imported as they are" in page


def test_large_upload_goes_to_the_worker(client, officer, settings):
    settings.IMPORT_WEB_SYNC_BYTES = 10
    header = csv_file("header.csv", f"{HEADER_COLUMNS}\nC1,2,01/01/2015,WBRI,,,\n")
    upload(client, header, csv_file("episodes.csv", GOOD))
    stored = ImportUpload.objects.get()
    # The immediate task backend (tests) runs the task at once; the worker does in production.
    assert stored.status == "checked"
    client.post(reverse("imports:upload", args=[stored.pk]), {})
    stored.refresh_from_db()
    assert stored.status == "applied"
    assert Child.objects.get().sex == "F"


def test_progress_page_refreshes_while_busy(client, officer):
    upload(client, csv_file("episodes.csv", GOOD))
    ImportUpload.objects.update(status="applying")
    stored = ImportUpload.objects.get()
    page = client.get(reverse("imports:upload", args=[stored.pk])).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "Applying the import." in page


def test_size_limit_and_mixed_kinds(client, officer, settings):
    settings.IMPORT_MAX_FILE_BYTES = 50
    response = upload(client, csv_file("big.csv", GOOD))
    assert response.status_code == 200
    assert "the limit is 50 bytes" in response.content.decode()
    settings.IMPORT_MAX_FILE_BYTES = 10_000
    plans = csv_file("plans.csv", "child_id,plan,agreed_date,parallel_plan\nC1,sgo,2026-01-01,\n")
    response = upload(client, plans, csv_file("episodes.csv", GOOD))
    assert "different kinds" in response.content.decode()
    assert not ImportUpload.objects.exists()


def test_kind_detected_for_extracts_and_templates_download(client, officer):
    upload(
        client,
        csv_file("plans.csv", "child_id,plan,agreed_date,parallel_plan\nX,sgo,2026-01-01,\n"),
    )
    assert ImportUpload.objects.get().kind == "extract"
    response = client.get(reverse("imports:template", args=["hearings"]))
    assert response["Content-Disposition"].startswith('attachment; filename="hearings.csv"')
    assert b"".join(response.streaming_content).startswith(b"proceedings_id,hearing_date")
    assert client.get(reverse("imports:template", args=["nope"])).status_code == 404


def test_nav_shows_imports_to_importers_only(client, officer):
    assert 'href="/imports/"' in client.get(reverse("core:home")).content.decode()


def test_the_history_gives_each_runs_figures_or_says_they_were_not_recorded(client, officer):
    started = timezone.make_aware(dt.datetime(2026, 12, 7, 5, 10))
    counts = {"rows_read": 1912, "episodes_loaded": 1900, "errors": 1, "warnings": 3}
    counted = ImportRun.objects.create(
        kind="ssda903",
        status="applied",
        started_at=started,
        counts=counts,
        options={"skip_invalid_rows": True},  # applied with an error: its row left out
    )
    # A run recorded without the figures (the counts of an older version, or none at all).
    bare = ImportRun.objects.create(
        kind="annex_a",
        status="applied",
        started_at=started - dt.timedelta(days=1),
        files=[{"path": "annex_a.xlsx"}],
        counts={"rows": 12},
    )
    history = client.get(reverse("imports:runs")).content.decode()
    assert "7 December 2026 at 5:10am" in history and "7 Dec 2026" not in history
    assert "1,912" in history and "1,900" in history and "1 error, 3 warnings" in history
    assert history.count("not recorded") == 3  # rows read, records stored, problems
    assert 'numeric"></td>' not in history and " errors, " not in history

    page = client.get(reverse("imports:run", args=[counted.pk])).content.decode()
    assert "7 December 2026 at 5:10am" in page
    assert "1,912" in page and "1 error and 3 warnings" in page
    assert "Rows with errors were left out" in page
    page = client.get(reverse("imports:run", args=[bare.pk])).content.decode()
    assert 'value"></dd>' not in page and 'numeric"></td>' not in page  # no blank figure
    assert page.count("not recorded") >= 5  # read, rejected, children, stored, file rows
    assert "The number of errors and warnings was not recorded." in page
    assert "None: no row had an error" in page  # applied without leaving rows out
