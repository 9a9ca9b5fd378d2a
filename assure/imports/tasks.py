"""Imports on the task worker (django-tasks): large uploads are checked and applied here."""

from django_tasks import task

from . import uploads


@task()
def check_upload(upload_id: int) -> None:
    uploads.run_check(upload_id)


@task()
def apply_upload(upload_id: int) -> None:
    uploads.run_apply(upload_id)
