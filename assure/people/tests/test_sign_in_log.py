"""The sign-in log and its domain events for passwords and one-time codes (single sign-on's
are in test_oidc.py): every sign-in and every refusal, with the reason the person is not
told; and the administration site's lists of the log and of single sign-on lockouts."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from assure.core import clock
from assure.core.models import DomainEvent
from assure.people.models import SignInEvent, SingleSignOnLockout
from assure.people.services import sso_failure_count
from tests.factories import UserFactory

from .helpers import confirmed_device, current_code, sign_in_with_second_factor

PASSWORD = "a-long-test-password-1"

pytestmark = pytest.mark.django_db


def last() -> tuple[SignInEvent, DomainEvent]:
    entry = SignInEvent.objects.order_by("-id").first()
    assert entry is not None
    event = DomainEvent.objects.get(object_type="people.signinevent", object_id=str(entry.pk))
    return entry, event


def password(client: Client, username: str, secret: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post("/sign-in/", {"username": username, "password": secret})


@pytest.fixture
def pat(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="pat", roles=["practitioner"])


class TestPasswords:
    def test_a_sign_in_is_logged_and_is_a_domain_event_by_the_person(self, client, pat):
        assert password(client, "pat")["Location"] == "/"
        entry, event = last()
        assert (entry.method, entry.outcome, entry.reason, entry.user) == (
            "password",
            "signed_in",
            "",
            pat,
        )
        assert entry.address == "127.0.0.1"
        assert (event.verb, event.actor, event.data["method"]) == ("signed_in", pat, "password")

    @pytest.mark.parametrize(
        ("username", "secret", "reason"),
        [
            ("pat", "wrong-password-123", "wrong_password"),
            ("nobody", PASSWORD, "unknown_user"),
            ("gone", PASSWORD, "inactive_account"),
            ("nopass", PASSWORD, "no_password"),
        ],
    )
    def test_each_refusal_has_its_reason(self, client, pat, username, secret, reason):
        UserFactory(username="gone", is_active=False)
        nopass = UserFactory(username="nopass")
        nopass.set_unusable_password()
        nopass.save()
        page = password(client, username, secret)
        assert page.status_code == 200  # the form again, saying only that something is wrong
        assert reason.encode() not in page.content
        entry, event = last()
        assert (entry.outcome, entry.reason, entry.identity) == ("refused", reason, username)
        assert (event.verb, event.actor, event.data["reason"]) == ("sign_in_refused", None, reason)

    def test_a_locked_out_attempt_says_so(self, client, pat, settings):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            password(client, "pat", "wrong-password-123")
        assert password(client, "pat").status_code == 429
        entry, _ = last()
        assert (entry.reason, entry.identity) == ("locked_out", "pat")

    def test_an_empty_form_is_not_an_attempt(self, client, pat):
        client.post("/sign-in/", {"username": "", "password": ""})
        assert not SignInEvent.objects.exists()


class TestCodes:
    def test_a_wrong_code_then_a_right_one(self, client, pat):
        device = confirmed_device(user=pat)
        client.force_login(pat)
        client.post("/sign-in/code/", {"code": "000000", "next": "/"})
        entry, event = last()
        assert (entry.method, entry.outcome, entry.reason, entry.user) == (
            "code",
            "refused",
            "wrong_code",
            pat,
        )
        assert event.verb == "sign_in_refused"
        device.refresh_from_db()
        device.throttle_reset()
        client.post("/sign-in/code/", {"code": current_code(device=device), "next": "/"})
        entry, event = last()
        assert (entry.method, entry.outcome, event.verb, event.actor) == (
            "code",
            "signed_in",
            "signed_in",
            pat,
        )


@pytest.fixture
def admin_client(client, db):  # type: ignore[no-untyped-def]
    sign_in_with_second_factor(client=client, user=UserFactory(username="root", roles=["admin"]))
    return client


class TestAdministration:
    def test_the_log_is_listed_searchable_and_never_edited(self, admin_client, pat):
        password(Client(), "pat", "wrong-password-123")
        entry = SignInEvent.objects.get(identity="pat")
        listing = admin_client.get(reverse("admin:people_signinevent_changelist"), {"q": "pat"})
        assert listing.status_code == 200 and b"Wrong password" in listing.content
        change = reverse("admin:people_signinevent_change", args=[entry.pk])
        admin_client.post(change, {"reason": "", "identity": "someone-else"})
        entry.refresh_from_db()
        assert (entry.reason, entry.identity) == ("wrong_password", "pat")
        assert admin_client.get(reverse("admin:people_signinevent_add")).status_code == 403

    def test_each_entry_reads_in_words_and_a_sign_in_has_no_reason(self, admin_client, pat):
        with clock.frozen_at(dt.datetime(2026, 12, 7, 5, 10, tzinfo=dt.UTC)):
            password(Client(), "pat", "wrong-password-123")
            password(Client(), "pat")
        refused, signed_in = SignInEvent.objects.filter(identity="pat").order_by("id")
        # The reason's label, once: the code never shows.
        assert str(refused).startswith("pat: refused: wrong password, by password, 7 December")
        assert str(signed_in).startswith("pat: signed in, by password, 7 December 2026 at")
        _, event = last()
        refusal = DomainEvent.objects.get(verb="sign_in_refused", object_id=str(refused.pk))
        assert refusal.summary == "pat refused (password): wrong password"
        assert event.summary == "pat signed in (password)"
        # Only the label's first letter is lowered within a sentence.
        assert SignInEvent(reason="inactive_account").reason_words == (
            "the Assure account is deactivated"
        )

        listing = admin_client.get(reverse("admin:people_signinevent_changelist")).content
        assert b"Wrong password" in listing and b">wrong_password<" not in listing
        table = listing.split(b'id="result_list"')[1].split(b"</table>")[0]
        assert b">None<" not in table
        assert '<td class="field-reason_shown">—</td>'.encode() in listing  # the sign-in
        change = reverse("admin:people_signinevent_change", args=[signed_in.pk])
        page = admin_client.get(change).content.decode()
        reason = page.split("field-reason_shown")[1].split("</label>")[1][:200]
        assert "None" not in reason and "—" in reason
        assert "pat: signed in, by password" in page  # the entry's title

    def test_an_administrator_unlocks_single_sign_on_for_one_council_account(
        self, admin_client, settings
    ):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            sso_failure_count(identity="new.starter@council.example")
        lockout = SingleSignOnLockout.objects.get()
        assert lockout.locked_until > clock.now()
        listing = admin_client.get(reverse("admin:people_singlesignonlockout_changelist"))
        assert listing.status_code == 200 and b"new.starter@council.example" in listing.content
        response = admin_client.post(
            reverse("admin:people_singlesignonlockout_changelist"),
            {"action": "delete_selected", "_selected_action": [lockout.pk], "post": "yes"},
        )
        assert response.status_code == 302
        assert not SingleSignOnLockout.objects.exists()
        event = DomainEvent.objects.get(verb="sso_lockout_cleared")
        assert (
            event.actor.username == "root" and event.data["failures"] == settings.AXES_FAILURE_LIMIT
        )

    def test_people_without_the_admin_role_see_neither_list(self, client):
        sign_in_with_second_factor(
            client=client, user=UserFactory(username="lead", roles=["assurance_lead"])
        )
        for name in ("people_signinevent_changelist", "people_singlesignonlockout_changelist"):
            response = client.get(reverse(f"admin:{name}"))
            assert response.status_code == 302
            assert response["Location"].startswith("/admin/login/")


class TestUnlockCommand:
    """`assure sso-unlock`: the list, one council account unlocked (capitals do not matter)
    and recorded, and a clear error for an account with nothing to unlock."""

    def test_list_unlock_and_nothing_to_unlock(self, settings):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            sso_failure_count(identity="new.starter@council.example")
        sso_failure_count(identity="someone.else@council.example")
        out = StringIO()
        call_command("sso_unlock", "--list", stdout=out)
        listed = out.getvalue().splitlines()
        assert listed[0].startswith("someone.else@council.example\t1 failures")
        assert listed[0].endswith("not locked")
        limit = settings.AXES_FAILURE_LIMIT
        assert f"new.starter@council.example\t{limit} failures" in listed[1]
        assert "locked until" in listed[1]
        call_command("sso_unlock", "New.Starter@Council.Example", stdout=StringIO())
        assert list(SingleSignOnLockout.objects.values_list("identity", flat=True)) == [
            "someone.else@council.example"
        ]
        event = DomainEvent.objects.get(verb="sso_lockout_cleared")
        assert event.actor is None and event.data["failures"] == settings.AXES_FAILURE_LIMIT
        with pytest.raises(CommandError, match="No failed single sign-ons are recorded"):
            call_command("sso_unlock", "new.starter@council.example")
