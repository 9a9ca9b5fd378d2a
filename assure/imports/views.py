"""The import page: upload, dry run, apply, progress and history. Thin: parse, call one
service or selector, render. Only people who may import data (performance officers and
administrators) see any of it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from assure.core import access
from assure.core.errors import NotNow, message_of

from . import dropfolder, progress, selectors, uploads
from .extracts.templates import BY_NAME, TEMPLATES
from .forms import ApplyForm, UploadForm
from .models import ImportRun, ImportUpload

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates_csv"
REFRESH_SECONDS = 3


def _require(request: HttpRequest) -> None:
    if not access.can(request.user, "import_data"):
        raise PermissionDenied


def import_home(request: HttpRequest) -> HttpResponse:
    _require(request)
    form = UploadForm(request.POST if request.method == "POST" else None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            upload = uploads.upload_create(
                actor=request.user,
                files=form.cleaned_data["files"],
                kind=form.cleaned_data["kind"],
            )
        except ValidationError as exc:
            form.add_error("files", exc)
        else:
            uploads.upload_check(upload=upload)
            return redirect("imports:upload", upload_id=upload.pk)
    return render(
        request,
        "imports/home.html",
        {
            "form": form,
            "recent": selectors.uploads_recent(),
            "templates": TEMPLATES,
            "limit_mb": uploads.max_file_bytes() // (1024 * 1024),
            "drop": _drop_folder(),
        },
    )


def _drop_folder() -> dict[str, object]:
    """The drop folder's part of the page: whether one is set, its last scan, the imports
    running from it now, and its recent runs (the notice of refused ones is the page's
    `import_notices` tag)."""
    state = dropfolder.state()
    try:
        scanned_at = dt.datetime.fromisoformat(state["scanned_at"])
    except (KeyError, TypeError, ValueError):
        scanned_at = None
    return {
        "folder": dropfolder.folder(),
        "state": state,
        "scanned_at": scanned_at,
        "running": progress.running("drop-"),
        "runs": selectors.automatic_runs(),
        "settle_seconds": dropfolder.settle_seconds(),
    }


def _upload(upload_id: int) -> ImportUpload:
    try:
        return selectors.upload_get(upload_id=upload_id)
    except ImportUpload.DoesNotExist:
        raise Http404 from None


def upload_detail(request: HttpRequest, upload_id: int) -> HttpResponse:
    _require(request)
    upload = _upload(upload_id)
    form = ApplyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            uploads.upload_apply(
                upload=upload,
                actor=request.user,
                skip_invalid_rows=form.cleaned_data["skip_invalid_rows"],
            )
        except ValidationError as exc:
            form.add_error("skip_invalid_rows", message_of(exc))
        except NotNow as exc:  # already being applied: the page says so, and shows progress
            messages.error(request, message_of(exc))
            return redirect("imports:upload", upload_id=upload.pk)
        else:
            return redirect("imports:upload", upload_id=upload.pk)
    allowed, needs_skip = uploads.may_apply(upload)
    return render(
        request,
        "imports/upload.html",
        {
            "upload": upload,
            "result": upload.check_result,
            "form": form,
            "may_apply": allowed,
            "needs_skip": needs_skip,
            "refresh": REFRESH_SECONDS if upload.busy else None,
            "progress": progress.read(uploads.progress_key(upload)) if upload.busy else None,
        },
    )


def upload_problems(request: HttpRequest, upload_id: int) -> FileResponse:
    _require(request)
    path = uploads.problems_path(_upload(upload_id))
    if path is None:
        raise Http404
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"import-{upload_id}-problems.csv",
        content_type="text/csv; charset=utf-8",
    )


def run_list(request: HttpRequest) -> HttpResponse:
    _require(request)
    page = Paginator(selectors.runs(), 25).get_page(request.GET.get("page"))
    return render(request, "imports/runs.html", {"page": page})


def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    _require(request)
    try:
        run = selectors.run_get(run_id=run_id)
    except ImportRun.DoesNotExist:
        raise Http404 from None
    if request.method == "POST" and request.POST.get("action") == "dealt_with":
        try:
            dropfolder.dealt_with(run=run, actor=request.user)
        except NotNow as exc:
            messages.error(request, message_of(exc))
        else:
            messages.success(request, f"Import run {run.pk} is marked as dealt with.")
        return redirect("imports:run", run_id=run.pk)
    automatic = (run.options or {}).get("via") == dropfolder.VIA
    return render(
        request,
        "imports/run.html",
        {
            "run": run,
            "automatic": automatic,
            "email": selectors.run_email(run=run) if automatic else None,
            "summary": dropfolder.describe(run) if automatic else "",
            "may_mark": automatic
            and run.status == ImportRun.Status.REJECTED
            and "dealt_with" not in run.options,
        },
    )


def template_csv(request: HttpRequest, name: str) -> FileResponse:
    _require(request)
    if name not in BY_NAME:
        raise Http404
    return FileResponse(
        (TEMPLATE_DIR / f"{name}.csv").open("rb"),
        as_attachment=True,
        filename=f"{name}.csv",
        content_type="text/csv; charset=utf-8",
    )
