"""`assure seed-demo-governance`: the demo's information governance officer signs in to a
legal hold on a child in care proceedings and a proposal, made by the assurance lead, to
delete import records past the council's rule; approving it deletes those records and no
others."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from assure.children.demo import DEMO_USERS, seed_demo
from assure.core import clock
from assure.governance import services
from assure.governance.models import DeletionProposal, LegalHold
from assure.imports.models import ImportRun
from assure.people.models import User


@pytest.fixture
def demo(db):
    seed_demo(children=60, seed=903)
    out = StringIO()
    call_command("seed_demo_governance", "--if-empty", stdout=out)
    return out.getvalue()


def test_the_demo_has_an_information_governance_officer():
    officer = next(u for u in DEMO_USERS if u.username == "governance")
    assert officer.role == "information_governance"


def test_a_hold_and_a_proposal_waiting_for_the_officer_who_approves_it(demo, client):
    hold = LegalHold.objects.select_related("child", "placed_by").get()
    assert hold.placed_by.username == "legal"
    assert hold.child.proceedings.filter(status="open", application_type="care").exists()
    proposal = DeletionProposal.objects.get()
    assert (proposal.kind, proposal.status, proposal.proposed_by.username) == (
        "import_run",
        "proposed",
        "lead",
    )
    # Only the runs older than the two-year rule are counted.
    cutoff = clock.now() - dt.timedelta(days=365 * 2)
    assert proposal.count == ImportRun.objects.filter(started_at__lt=cutoff).count() == 2
    assert f"Held child {hold.child.child_id}" in demo

    officer = User.objects.get(username="governance")
    client.force_login(officer)
    page = client.get(reverse("governance:deletion", args=[proposal.pk]))
    assert page.status_code == 200 and "Import records" in page.content.decode()
    home = client.get("/").content.decode()
    assert "Approve or reject the deletion of 2 import records" in home
    assert "Nothing is waiting for you" not in home
    # The proposer's home does not offer her own proposal.
    client.force_login(User.objects.get(username="lead"))
    assert "deletions-waiting" not in client.get("/").content.decode()
    client.force_login(officer)

    # Approved and carried out, only the old records go.
    recent = ImportRun.objects.create(
        kind=ImportRun.Kind.SSDA903, status=ImportRun.Status.APPLIED, started_at=clock.now()
    )
    services.deletion_approve(actor=officer, proposal=proposal)
    assert "Carry out the deletion of 2 import records" in client.get("/").content.decode()
    services.deletion_carry_out(actor=officer, proposal=proposal)
    assert list(ImportRun.objects.all()) == [recent]
    assert "deletions-waiting" not in client.get("/").content.decode()

    # Run again, it leaves the council as it is.
    out = StringIO()
    call_command("seed_demo_governance", "--if-empty", stdout=out)
    assert "there already" in out.getvalue()
    assert LegalHold.objects.count() == DeletionProposal.objects.count() == 1
    with pytest.raises(CommandError, match="fresh council"):
        call_command("seed_demo_governance", stdout=StringIO())


def test_the_old_import_records_read_as_a_real_run_does(demo, client):
    """The demo's old runs carry the figures an applied import records, so the history
    pages show numbers, not blanks."""
    client.force_login(User.objects.get(username="performance"))
    for run in ImportRun.objects.all():
        assert {"rows_read", "episodes_loaded", "children", "errors", "warnings"} <= set(
            run.counts
        ), run.files
        assert len(run.files[0]["sha256"]) == 64
        page = client.get(reverse("imports:run", args=[run.pk])).content.decode()
        assert "not recorded" not in page and "0 errors and 0 warnings" in page
    history = client.get(reverse("imports:runs")).content.decode()
    assert "1,912" in history and "2,304" in history and "not recorded" not in history


def test_without_the_demo_it_says_what_to_run(db):
    with pytest.raises(CommandError, match="seed-demo"):
        call_command("seed_demo_governance", stdout=StringIO())
