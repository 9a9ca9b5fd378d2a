"""An upload's life on the one workflow type (core/workflow.py): every pair of state and
action walked, who may make each move, the guards' refusals (422) and a move not allowed now
(409), in the service and through the page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from assure.core.errors import NotNow
from assure.imports import uploads
from assure.imports.framework import DRY_RUN, REJECTED
from assure.imports.models import ImportRun, ImportUpload
from assure.people.services import user_create

pytestmark = pytest.mark.django_db
Status = ImportUpload.Status
WORKFLOW = uploads.WORKFLOW
PERSON_MOVES = {(Status.CHECKED, Status.APPLYING), (Status.CHECKED, Status.CHECKING)}


@pytest.fixture
def officer():
    return user_create(username="pat", roles=["performance_officer"])


@pytest.fixture
def stranger():
    return user_create(username="prac", roles=["practitioner"])


def make(officer, status, **fields):
    now = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
    defaults = {"kind": ImportRun.Kind.SSDA903, "check_result": {"status": DRY_RUN}}
    return ImportUpload.objects.create(
        actor=officer, status=status, created_at=now, updated_at=now, **{**defaults, **fields}
    )


def test_the_stored_states_are_the_models_unchanged():
    assert set(WORKFLOW.states) == {
        "checking",
        "checked",
        "applying",
        "applied",
        "rejected",
        "failed",
    }
    assert set(WORKFLOW.states) == set(Status.values)


def test_every_pair_is_a_move_in_the_table_or_a_409(officer, stranger):
    params = {"skip_invalid_rows": True, "la": "999"}
    for state in WORKFLOW.states:
        for action in WORKFLOW.actions:
            record = make(
                officer,
                state,
                check_result={"status": DRY_RUN, "councils_found": [{"la": "999"}]},
            )
            move = WORKFLOW.find(state=state, action=action)
            if move is None:
                with pytest.raises(NotNow, match="cannot be"):
                    WORKFLOW.check(state=state, action=action, record=record, user=officer)
                continue
            if (state, action) in PERSON_MOVES:
                # A person's move: for those who may import, never the importer alone.
                assert WORKFLOW.check(
                    state=state, action=action, record=record, user=officer, params=params
                )
                with pytest.raises(PermissionDenied, match="Only"):
                    WORKFLOW.check(state=state, action=action, record=record, user=stranger)
            else:
                # The importer's own move at the end of a check or an apply: no person makes it.
                assert WORKFLOW.check(state=state, action=action, record=record, user=None)
                with pytest.raises(PermissionDenied, match="Only the importer"):
                    WORKFLOW.check(state=state, action=action, record=record, user=officer)
    assert {(m.source, m.target) for m in WORKFLOW.moves} == PERSON_MOVES | {
        (Status.CHECKING, Status.CHECKED),
        (Status.CHECKING, Status.FAILED),
        (Status.APPLYING, Status.APPLIED),
        (Status.APPLYING, Status.REJECTED),
        (Status.APPLYING, Status.FAILED),
    }


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (Status.CHECKING, "already being checked"),
        (Status.APPLYING, "already being applied"),
        (Status.APPLIED, "already been applied"),
        (Status.REJECTED, "An upload that is rejected cannot be moved to applying"),
        (Status.FAILED, "An upload that is failed cannot be moved to applying"),
    ],
)
def test_applying_an_upload_not_checked_is_a_409_and_changes_nothing(officer, status, words):
    upload = make(officer, status)
    with pytest.raises(NotNow, match=words):
        uploads.upload_apply(upload=upload, actor=officer, skip_invalid_rows=True)
    upload.refresh_from_db()
    assert upload.status == status


def test_the_guards_refuse_with_422_words(officer, stranger):
    broken = make(officer, Status.CHECKED, check_result={"status": REJECTED, "file_errors": 1})
    with pytest.raises(ValidationError, match="its check found file errors"):
        uploads.upload_apply(upload=broken, actor=officer, skip_invalid_rows=True)
    rows_wrong = make(officer, Status.CHECKED, check_result={"status": REJECTED})
    with pytest.raises(ValidationError, match="Store the valid rows"):
        uploads.upload_apply(upload=rows_wrong, actor=officer, skip_invalid_rows=False)
    with pytest.raises(PermissionDenied):
        uploads.upload_apply(upload=rows_wrong, actor=stranger, skip_invalid_rows=True)
    no_council = make(officer, Status.CHECKED, check_result={"status": DRY_RUN})
    with pytest.raises(ValidationError, match="Choose one of the councils"):
        uploads.upload_choose_council(upload=no_council, actor=officer, la="123")
    for record in (broken, rows_wrong, no_council):
        record.refresh_from_db()
        assert record.status == Status.CHECKED


def test_a_second_apply_from_a_stale_page_is_told_it_is_already_being_applied(officer):
    upload = make(officer, Status.CHECKED)
    stale = ImportUpload.objects.get(pk=upload.pk)
    ImportUpload.objects.filter(pk=upload.pk).update(status=Status.APPLYING)
    with pytest.raises(NotNow, match="already being applied"):
        uploads.upload_apply(upload=stale, actor=officer, skip_invalid_rows=False)


def test_the_page_says_it_is_already_being_applied(client, officer):
    upload = make(officer, Status.APPLYING)
    client.force_login(officer)
    response = client.post(reverse("imports:upload", args=[upload.pk]), {}, follow=True)
    assert response.status_code == 200
    assert "already being applied" in response.content.decode()


def test_a_task_run_twice_does_nothing_the_second_time(officer):
    done = make(officer, Status.APPLIED)
    uploads.run_apply(done.pk)
    uploads.run_check(done.pk)
    done.refresh_from_db()
    assert done.status == Status.APPLIED
