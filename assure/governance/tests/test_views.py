"""The data-protection pages: who may open each (404 for everyone else), the retention report
and its counts, proposing, approving and carrying out a deletion, legal holds, and the
changing of a rule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.html import escape
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from assure.children.models import Child
from assure.core import access
from assure.core.models import DomainEvent
from assure.governance import services
from assure.governance.models import DeletionProposal, LegalHold, RetentionRule
from assure.people.roles import ROLE_SLUGS
from tests.factories import ChildFactory, UserFactory

from .builders import looked_after_child, people

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return people()


def _login(client, user) -> None:
    """Sign in; someone who always gives a second factor has given it."""
    client.force_login(user)
    if access.can(user, "always_second_factor"):
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


def _proposal(staff) -> DeletionProposal:
    return DeletionProposal.objects.create(
        kind="access_log",
        rule=RetentionRule.objects.filter(kind="access_log").first(),
        as_of=dt.date(2026, 1, 1),
        count=1,
        proposed_by=staff["officer"],
        proposed_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )


# Each page, with the lines of the permission table that open it (any one of them).
PAGES = [
    ("governance:home", {}, None),
    ("governance:rules", {}, ("manage_retention", "view_retention_report")),
    ("governance:rule_change", {"kind": "looked_after_child"}, ("manage_retention",)),
    ("governance:report", {}, ("view_retention_report",)),
    ("governance:deletions", {}, ("view_retention_report", "approve_deletion")),
    ("governance:deletion", "proposal", ("view_retention_report", "approve_deletion")),
    ("governance:holds", {}, ("manage_legal_holds",)),
    ("governance:child_holds", "child", ("manage_legal_holds",)),
    ("governance:subject_access", {}, ("export_subject_access",)),
    ("governance:subject_access_child", "child", ("export_subject_access",)),
]
HOME_LINES = (
    "manage_retention",
    "view_retention_report",
    "propose_deletion",
    "approve_deletion",
    "manage_legal_holds",
    "export_subject_access",
)


@pytest.mark.parametrize(("name", "kwargs", "lines"), PAGES)
def test_each_page_opens_only_for_the_roles_holding_its_line(client, staff, name, kwargs, lines):
    child = ChildFactory(child_id="GOV-1", team=staff["team"])
    if kwargs == "child":
        kwargs = {"child_id": child.child_id}
    elif kwargs == "proposal":
        kwargs = {"pk": _proposal(staff).pk}
    url = reverse(name, kwargs=kwargs)
    opened = set()
    for role in sorted(ROLE_SLUGS):
        user = UserFactory(username=f"who-{role}", roles=[role], teams=[staff["team"]])
        _login(client, user)
        status = client.get(url).status_code
        assert status in (200, 404), (role, status)
        if status == 200:
            opened.add(role)
        wanted = any(access.can(user, line) for line in (lines or HOME_LINES))
        if kwargs and "child_id" in kwargs:
            wanted = wanted and access.visible_children(user).filter(pk=child.pk).exists()
        assert (status == 200) == wanted, (role, name)
    # Who that is, in words, so that a change to the table is a change seen here too.
    expected = {
        "governance:report": {"admin", "assurance_lead", "information_governance"},
        "governance:rule_change": {"admin", "information_governance"},
        "governance:holds": {"assurance_lead", "legal"},
        "governance:subject_access": {"assurance_lead"},
        "governance:subject_access_child": {"assurance_lead"},
    }
    if name in expected:
        assert opened == expected[name]
    assert "practitioner" not in opened


def test_the_menu_shows_data_protection_to_those_who_hold_a_line(client, staff):
    client.force_login(staff["officer"])
    assert 'href="/data-protection/"' in client.get("/").content.decode()
    client.force_login(staff["manager"])
    assert 'href="/data-protection/"' not in client.get("/").content.decode()


def _past_and_kept(staff, *, extra: int = 0):
    """Two children past the 75th birthday, one held; one young child; `extra` more past."""
    old = looked_after_child("OLD-1", born=dt.date(1940, 5, 1), team=staff["team"])
    held = looked_after_child("OLD-HELD", born=dt.date(1941, 5, 1), team=staff["team"])
    looked_after_child("YOUNG-1", born=dt.date(2012, 5, 1), team=staff["team"])
    for n in range(extra):
        looked_after_child(f"OLD-X{n}", born=dt.date(1942, 5, 1), team=staff["team"])
    LegalHold.objects.create(
        child=held, reason="Claim", placed_by=staff["lead"], placed_at=old.created_at
    )
    return old, held


def test_the_report_counts_for_everyone_and_names_children_only_for_who_sees_them(client, staff):
    _past_and_kept(staff)
    client.force_login(staff["officer"])
    page = client.get(reverse("governance:report")).content.decode()
    row = page.split('data-kind="looked_after_child"')[1].split("</tr>")[0]
    cells = [c.split("</td>")[0].strip() for c in row.split('numeric">')[1:]]
    assert cells[:2] == ["1", "1"]  # one past retention and free, one held
    assert "OLD-1" not in page and "OLD-HELD" not in page  # the officer sees no child
    client.force_login(staff["lead"])
    page = client.get(reverse("governance:report")).content.decode()
    assert "OLD-1" in page and "OLD-HELD" in page and "YOUNG-1" not in page
    assert "Legal hold" in page


# Whatever the number of children: sign-in and the menu, the rules, three for the children,
# the holds, the counts of the access log and import records, the open proposals.
QUERIES = 20


def test_the_report_costs_the_same_whatever_the_number_of_children(
    client, staff, django_assert_max_num_queries
):
    _past_and_kept(staff, extra=12)
    client.force_login(staff["lead"])
    with django_assert_max_num_queries(QUERIES):
        response = client.get(reverse("governance:report"))
    assert response.content.decode().count(">OLD-X") == 12


def test_a_deletion_is_proposed_approved_by_another_and_carried_out(client, staff):
    old, held = _past_and_kept(staff)
    client.force_login(staff["officer"])
    response = client.post(
        reverse("governance:propose"), {"kind": "looked_after_child"}, follow=True
    )
    proposal = DeletionProposal.objects.get()
    assert proposal.count == 1 and list(proposal.items.values_list("child", flat=True)) == [old.pk]
    assert "Another person must approve it" in response.content.decode()
    url = reverse("governance:deletion", kwargs={"pk": proposal.pk})
    # Not the proposer, and nothing deleted before an approval.
    assert "Approve the deletion" not in client.get(url).content.decode()
    response = client.post(url, {"action": "approve"}, follow=True)
    assert "Nobody approves their own proposal" in response.content.decode()
    response = client.post(url, {"action": "delete"}, follow=True)
    assert "cannot be carried out" in response.content.decode()
    assert Child.objects.filter(pk=old.pk).exists()
    # The assurance lead may propose but not approve.
    client.force_login(staff["lead"])
    client.post(url, {"action": "approve"})
    assert DeletionProposal.objects.get().status == "proposed"
    client.force_login(staff["other_officer"])
    assert "Approve the deletion" in client.get(url).content.decode()
    client.post(url, {"action": "approve"})
    assert Child.objects.filter(pk=old.pk).exists()  # approved, not yet deleted
    response = client.post(url, {"action": "delete"}, follow=True)
    page = response.content.decode()
    assert "The records are deleted" in page
    assert not Child.objects.filter(pk=old.pk).exists()
    assert Child.objects.filter(pk=held.pk).exists()
    proposal.refresh_from_db()
    assert proposal.status == "deleted"
    assert proposal.proposed_by == staff["officer"]
    assert proposal.approved_by == staff["other_officer"]
    assert proposal.result["children"] == 1
    assert proposal.result["deleted"]["children.child"] == 1
    event = DomainEvent.objects.get(verb="deletion_carried_out")
    assert event.data["proposed_by"]["username"] == "ig"
    assert event.data["approved_by"]["username"] == "ig2"
    assert event.data["kind"] == "looked_after_child" and event.data["children"] == 1
    assert "OLD-1" not in str(event.data) + event.summary + str(proposal.result)
    assert 'data-testid="result"' in page


def test_rejecting_needs_a_reason_and_deletes_nothing(client, staff):
    old, _ = _past_and_kept(staff)
    client.force_login(staff["lead"])
    client.post(reverse("governance:propose"), {"kind": "looked_after_child"})
    proposal = DeletionProposal.objects.get()
    url = reverse("governance:deletion", kwargs={"pk": proposal.pk})
    client.force_login(staff["officer"])
    response = client.post(url, {"action": "reject", "reason": ""})
    page = response.content.decode()
    assert page.count('<a href="#id_reason">Enter a reason</a>') == 1  # the error summary
    client.post(url, {"action": "reject", "reason": "Still needed for a claim"})
    proposal.refresh_from_db()
    assert proposal.status == "rejected" and proposal.rejected_by == staff["officer"]
    assert Child.objects.filter(pk=old.pk).exists()


def test_a_hold_placed_after_the_proposal_blocks_approval_and_deletion(client, staff):
    old, _ = _past_and_kept(staff)
    client.force_login(staff["officer"])
    client.post(reverse("governance:propose"), {"kind": "looked_after_child"})
    proposal = DeletionProposal.objects.get()
    url = reverse("governance:deletion", kwargs={"pk": proposal.pk})
    # Legal places a hold through the page.
    legal = UserFactory(username="lawyer", roles=["legal"])
    client.force_login(legal)
    hold_url = reverse("governance:child_holds", kwargs={"child_id": "OLD-1"})
    response = client.post(hold_url, {"reason": ""})
    assert "Enter a reason" in response.content.decode()
    client.post(hold_url, {"reason": "Claim against the council"})
    hold = LegalHold.objects.get(child=old)
    client.force_login(staff["other_officer"])
    assert "under a legal hold" in client.get(url).content.decode()
    response = client.post(url, {"action": "approve"}, follow=True)
    assert "under a legal hold" in response.content.decode()
    assert DeletionProposal.objects.get().status == "proposed"
    # Lifted: it may be approved; a new hold before the deletion stops it again.
    client.force_login(legal)
    client.post(reverse("governance:hold_lift", kwargs={"pk": hold.pk}), {"reason": "Settled"})
    client.force_login(staff["other_officer"])
    client.post(url, {"action": "approve"})
    assert DeletionProposal.objects.get().status == "approved"
    client.force_login(legal)
    client.post(hold_url, {"reason": "A second claim"})
    client.force_login(staff["other_officer"])
    response = client.post(url, {"action": "delete"}, follow=True)
    assert "under a legal hold" in response.content.decode()
    assert Child.objects.filter(pk=old.pk).exists()
    assert DeletionProposal.objects.get().status == "approved"


def test_holds_of_a_child_one_may_not_see_are_404(client, staff):
    hidden = ChildFactory(child_id="SECRET-1", restricted=True)
    legal = UserFactory(username="lawyer", roles=["legal"])
    client.force_login(legal)
    url = reverse("governance:child_holds", kwargs={"child_id": hidden.child_id})
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert not LegalHold.objects.exists()
    response = client.get(reverse("governance:holds"), {"child_id": "SECRET-1"})
    assert "No child with that ID" in response.content.decode()


def test_a_rule_is_changed_as_a_new_version_never_below_the_law(client, staff):
    client.force_login(staff["officer"])
    url = reverse("governance:rule_change", kwargs={"kind": "looked_after_child"})
    response = client.post(url, {"years": 70, "years_after_death": 15, "note": "Shorter"})
    assert "The law requires at least 75 years" in response.content.decode()
    response = client.post(url, {"years": 80, "years_after_death": 15, "note": ""})
    assert "Say why the rule changes" in response.content.decode()
    client.post(url, {"years": 80, "years_after_death": 20, "note": "Council decision 12/2026"})
    versions = RetentionRule.objects.filter(kind="looked_after_child").order_by("version")
    assert [(v.version, v.years, v.years_after_death) for v in versions] == [
        (1, 75, 15),
        (2, 80, 20),
    ]
    assert versions.last().created_by == staff["officer"]
    assert DomainEvent.objects.filter(verb="retention_rule_changed").count() == 1
    rules = client.get(reverse("governance:rules")).content.decode()
    assert "80 years" in rules and "Version 2" in rules


def test_the_list_of_proposals_reads_right_with_one_proposal(client, staff):
    _proposal(staff)
    client.force_login(staff["officer"])
    page = client.get(reverse("governance:deletions")).content.decode()
    assert "Proposals, latest first</caption>" in page
    assert "The latest 1 proposal" not in page


@pytest.mark.parametrize("many", [1, 15])
def test_the_lists_of_proposals_and_holds_cost_the_same_for_many(
    client, staff, many, django_assert_max_num_queries
):
    for n in range(many):
        _proposal(staff)
        child = ChildFactory(child_id=f"H-{n}", team=staff["team"])
        LegalHold.objects.create(
            child=child, reason=f"Claim {n}", placed_by=staff["lead"], placed_at=child.created_at
        )
    client.force_login(staff["officer"])
    with django_assert_max_num_queries(9):
        page = client.get(reverse("governance:deletions")).content.decode()
    assert page.count("Proposal ") >= many
    client.force_login(staff["lead"])
    with django_assert_max_num_queries(10):
        page = client.get(reverse("governance:holds")).content.decode()
    assert page.count("Claim ") == many


def test_the_child_page_shows_a_standing_hold_to_those_who_place_holds(client, staff):
    child = looked_after_child("HELD-1", born=dt.date(2012, 5, 1), team=staff["team"])
    hold = services.legal_hold_place(
        actor=staff["lead"], child=child, reason="Care proceedings are open."
    )
    page = reverse("children:detail", kwargs={"child_id": "HELD-1"})
    client.force_login(staff["lead"])
    shown = client.get(page).content.decode()
    assert 'data-testid="legal-hold"' in shown and "Care proceedings are open." in shown
    assert reverse("governance:child_holds", kwargs={"child_id": "HELD-1"}) in shown
    # Someone who neither places nor lifts holds sees the record without it.
    client.force_login(staff["manager"])
    other = client.get(page)
    assert other.status_code == 200 and 'data-testid="legal-hold"' not in other.content.decode()
    # Lifted, it is no longer shown.
    services.legal_hold_lift(actor=staff["lead"], hold=hold, reason="Proceedings concluded.")
    client.force_login(staff["lead"])
    assert 'data-testid="legal-hold"' not in client.get(page).content.decode()


def test_a_proposal_is_named_by_what_it_deletes_with_its_number_as_reference(client, staff):
    proposal = _proposal(staff)
    proposal.count = 3
    proposal.save(update_fields=["count"])
    name = (
        "Deletion of 3 access log entries past retention, proposed 1 January 2026 by "
        f"{escape(staff['officer'].display_name)}"
    )
    client.force_login(staff["other_officer"])
    listed = client.get(reverse("governance:deletions")).content.decode()
    assert f">{name}</a>" in listed and f"Proposal {proposal.pk}<" in listed
    page = client.get(reverse("governance:deletion", kwargs={"pk": proposal.pk})).content
    page = page.decode()
    assert f"<title>{name} (proposal {proposal.pk})" in page
    assert f'<h1 class="govuk-heading-l">{name} ' in page
    home = client.get(reverse("core:home")).content.decode()
    assert "the deletion of 3 access log entries past retention</a>" in home
    assert f"Proposal {proposal.pk}, proposed 1 January 2026 by" in home


def test_rejecting_an_approved_proposal_says_it_cancels_the_deletion(client, staff):
    old, _ = _past_and_kept(staff)
    client.force_login(staff["officer"])
    client.post(reverse("governance:propose"), {"kind": "looked_after_child"})
    proposal = DeletionProposal.objects.get()
    url = reverse("governance:deletion", kwargs={"pk": proposal.pk})
    assert 'data-testid="reject-approved"' not in client.get(url).content.decode()
    client.force_login(staff["other_officer"])
    client.post(url, {"action": "approve"})
    page = client.get(url).content.decode()
    assert 'data-testid="reject-approved"' in page
    assert "Rejecting the proposal now cancels it: nothing is deleted" in page
    client.post(url, {"action": "reject", "reason": "A claim has been made."})
    proposal.refresh_from_db()
    assert proposal.status == "rejected" and Child.objects.filter(pk=old.pk).exists()
