"""Imports on the task worker (django-tasks): large uploads are checked and applied here, and
the drop folder is scanned here (queued by `assure import-drop-folder` on a schedule)."""

from django_tasks import task

from . import uploads


@task()
def check_upload(upload_id: int) -> None:
    uploads.run_check(upload_id)


@task()
def apply_upload(upload_id: int) -> None:
    uploads.run_apply(upload_id)


@task()
def scan_drop_folder() -> dict:
    from . import dropfolder

    return dropfolder.scan().as_dict()
