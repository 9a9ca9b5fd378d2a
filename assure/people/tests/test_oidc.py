"""Single sign-on against a real OpenID provider (panva's oidc-provider, tests/oidc), driven
without a browser: the person's part at the provider by HTTP, Assure's part through Django's
test client. Who is matched to which account, every way the provider can fail (none of them
a 500), PKCE, the ID token's checks, the lockout per council account, and the sign-in log."""

import datetime as dt
import logging
import socket
from urllib.parse import parse_qs, urlparse

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client

from assure.core import clock
from assure.core.models import DomainEvent
from assure.people.models import SignInEvent, SingleSignOnLockout, User
from assure.people.oidc import AssureOIDCBackend, Refused
from assure.settings import base
from tests.factories import UserFactory
from tests.oidc import provider as oidc

JANE = "Jane.Doe@council.example"
NEW_STARTER = "New.Starter@council.example"
PASSWORD = "a-long-test-password-1"

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sign_in_at_provider(client: Client, provider: oidc.Provider, *, login: str, **start):  # type: ignore[no-untyped-def]
    """Press "Sign in with your council account", sign in at the provider as `login`, and
    return the address the provider sends the browser back to."""
    response = client.get("/oidc/authenticate/", start)
    assert response.status_code == 302
    back = provider.sign_in(response["Location"], login=login)
    assert back.startswith("http://testserver/oidc/callback/?"), back
    return back


def come_back(client: Client, back: str):  # type: ignore[no-untyped-def]
    url = urlparse(back)
    return client.get(f"{url.path}?{url.query}")


def sso_sign_in(client: Client, provider: oidc.Provider, *, login: str, **start):  # type: ignore[no-untyped-def]
    return come_back(client, sign_in_at_provider(client, provider, login=login, **start))


def signed_in_user(client: Client):  # type: ignore[no-untyped-def]
    return client.get("/privacy/").wsgi_request.user


def outcome_page(client: Client, response):  # type: ignore[no-untyped-def]
    assert response.status_code == 302 and response["Location"] == "/sign-in/council-account/"
    return client.get(response["Location"])


def last_event() -> SignInEvent:
    return SignInEvent.objects.order_by("-id").first()  # type: ignore[return-value]


@pytest.fixture
def jane(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="jane.doe@council.example", roles=["admin", "auditor"])


class TestSettings:
    ENV = {
        "OIDC_RP_CLIENT_ID": "assure",
        "OIDC_OP_ISSUER": "https://login.microsoftonline.com/TENANT/v2.0",
        "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://login.example/authorize",
        "OIDC_OP_TOKEN_ENDPOINT": "https://login.example/token",
        "OIDC_OP_USER_ENDPOINT": "https://login.example/userinfo",
        "OIDC_OP_JWKS_ENDPOINT": "https://login.example/keys",
    }

    def test_pkce_on_post_by_default_and_a_time_limit(self):
        values = base.oidc_settings(self.ENV)
        assert values["OIDC_USE_PKCE"] is True
        assert values["OIDC_PKCE_CODE_CHALLENGE_METHOD"] == "S256"
        assert values["OIDC_TOKEN_AUTH_METHOD"] == "client_secret_post"
        assert values["OIDC_TOKEN_USE_BASIC_AUTH"] is False
        assert values["OIDC_OP_ISSUER"] == self.ENV["OIDC_OP_ISSUER"]
        assert values["OIDC_TIMEOUT"] == 10

    def test_basic_authentication_by_setting(self):
        values = base.oidc_settings({**self.ENV, "OIDC_TOKEN_AUTH_METHOD": "client_secret_basic"})
        assert values["OIDC_TOKEN_USE_BASIC_AUTH"] is True

    def test_an_unknown_method_is_refused_at_start_up(self):
        with pytest.raises(ImproperlyConfigured, match="OIDC_TOKEN_AUTH_METHOD must be"):
            base.oidc_settings({**self.ENV, "OIDC_TOKEN_AUTH_METHOD": "private_key_jwt"})

    def test_the_issuer_is_required(self):
        env = {k: v for k, v in self.ENV.items() if k != "OIDC_OP_ISSUER"}
        with pytest.raises(ImproperlyConfigured, match="needs OIDC_OP_ISSUER"):
            base.oidc_settings(env)


class TestMatching:
    """Which account the claims name: OIDC_USERNAME_CLAIM (else email) against user names,
    without regard to case; nothing else."""

    @pytest.fixture(autouse=True)
    def _settings(self, oidc_provider, settings):  # type: ignore[no-untyped-def]
        for name, value in oidc_provider.settings().items():
            setattr(settings, name, value)

    def match(self, claims: dict) -> User:  # type: ignore[type-arg]
        return AssureOIDCBackend().user_for_claims(claims)

    def test_the_username_claim_whatever_the_case(self):
        jane = UserFactory(username="jane.doe@council.example")
        assert self.match({"preferred_username": JANE, "email": "other@x.example"}) == jane

    def test_email_only_when_the_username_claim_is_absent(self):
        jane = UserFactory(username="jane@council.example")
        assert self.match({"email": "JANE@council.example"}) == jane

    def test_email_is_not_compared_with_the_accounts_email(self):
        UserFactory(username="jdoe", email="jane@council.example")
        with pytest.raises(Refused) as refusal:
            self.match(
                {"preferred_username": "jane.d@council.example", "email": "jane@council.example"}
            )
        assert refusal.value.reason == "no_account"

    def test_another_claim_by_setting(self, settings):
        settings.OIDC_USERNAME_CLAIM = "upn"
        jane = UserFactory(username="jdoe")
        assert self.match({"preferred_username": JANE, "upn": "JDOE"}) == jane

    def test_user_names_differing_only_in_case_are_ambiguous(self):
        UserFactory(username="Jane.Doe@council.example")
        UserFactory(username="jane.doe@council.example")
        with pytest.raises(Refused) as refusal:
            self.match({"preferred_username": JANE})
        assert refusal.value.reason == "ambiguous_account"

    def test_a_deactivated_account_is_refused_never_replaced(self, settings):
        settings.OIDC_CREATE_USER = True
        jane = UserFactory(username="jane.doe@council.example", is_active=False)
        with pytest.raises(Refused) as refusal:
            self.match({"preferred_username": JANE})
        assert (refusal.value.reason, refusal.value.user) == ("inactive_account", jane)
        assert User.objects.count() == 1

    def test_unknown_people_get_a_bare_account_only_when_configured(self, settings):
        with pytest.raises(Refused):
            self.match({"preferred_username": JANE})
        assert not User.objects.exists()
        settings.OIDC_CREATE_USER = True
        user = self.match({"preferred_username": JANE, "given_name": "Jane", "family_name": "Doe"})
        assert user.username == JANE and not user.has_usable_password()
        assert not user.roles.exists() and (user.first_name, user.last_name) == ("Jane", "Doe")
        assert DomainEvent.objects.filter(verb="user_created", object_id=str(user.pk)).exists()


class TestSigningIn:
    def test_the_sign_in_page_offers_the_council_account_and_keeps_next(self, client, sso):
        page = client.get("/sign-in/", {"next": "/children/"})
        assert b"Sign in with your council account" in page.content
        assert b'href="/oidc/authenticate/?next=/children/"' in page.content

    def test_without_single_sign_on_there_is_no_button(self, client, settings):
        settings.OIDC_ENABLED = False
        assert b"Sign in with your council account" not in client.get("/sign-in/").content

    def test_the_start_asks_for_a_code_with_pkce_and_a_nonce(self, client, sso):
        response = client.get("/oidc/authenticate/")
        url = urlparse(response["Location"])
        query = parse_qs(url.query)
        assert f"{url.scheme}://{url.netloc}{url.path}" == f"{sso.issuer}/auth"
        assert query["client_id"] == ["assure-post"] and query["response_type"] == ["code"]
        assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
        assert query["nonce"] and query["state"]

    def test_a_known_person_signs_in_and_it_is_recorded(self, client, sso, jane):
        response = sso_sign_in(client, sso, login=JANE)
        assert response.status_code == 302 and response["Location"] == "/"
        assert signed_in_user(client) == jane
        event = last_event()
        assert (event.method, event.outcome, event.user, event.identity) == (
            "sso",
            "signed_in",
            jane,
            "jane.doe@council.example",
        )
        assert event.address == "127.0.0.1"
        domain = DomainEvent.objects.get(object_type="people.signinevent", object_id=str(event.pk))
        assert (domain.verb, domain.actor, domain.data["method"]) == ("signed_in", jane, "sso")
        # Entra-shaped claims from the ID token, kept to trace the person at the provider.
        assert event.detail["claims"]["tid"] == oidc.TENANT and event.detail["claims"]["oid"]
        # The council's sign-in stands in for the second factor, except on the admin site.
        assert client.get("/").status_code == 200
        admin = client.get("/admin/", follow=True)
        assert admin.redirect_chain[-1][0].startswith("/account/authenticator/")

    def test_back_to_the_page_asked_for(self, client, sso, jane):
        response = sso_sign_in(client, sso, login=JANE, next="/account/")
        assert response["Location"] == "/account/"

    def test_client_secret_basic_by_setting(self, client, sso, jane, settings):
        for name, value in sso.settings(method="client_secret_basic").items():
            setattr(settings, name, value)
        response = sso_sign_in(client, sso, login=JANE)
        assert response["Location"] == "/" and signed_in_user(client) == jane

    def test_a_deactivated_accounts_open_session_ends(self, client, sso, jane):
        sso_sign_in(client, sso, login=JANE)
        User.objects.filter(pk=jane.pk).update(is_active=False)
        assert not signed_in_user(client).is_authenticated


class TestRefusals:
    def test_an_unknown_person_is_told_and_it_is_recorded_with_its_reason(
        self, client, sso, caplog
    ):
        with caplog.at_level(logging.WARNING, logger="assure.people.sso"):
            page = outcome_page(client, sso_sign_in(client, sso, login=NEW_STARTER))
        assert page.status_code == 403
        assert b"You do not have an Assure account" in page.content
        assert b"new.starter@council.example" in page.content
        event = last_event()
        assert (event.outcome, event.reason, event.identity) == (
            "refused",
            "no_account",
            "new.starter@council.example",
        )
        assert event.reference.encode() in page.content
        domain = DomainEvent.objects.get(object_type="people.signinevent", object_id=str(event.pk))
        assert (domain.verb, domain.actor) == ("sign_in_refused", None)
        assert (domain.data["reason"], domain.data["reference"]) == ("no_account", event.reference)
        assert f"no_account for new.starter@council.example (reference {event.reference}" in (
            caplog.text
        )
        assert not signed_in_user(client).is_authenticated

    def test_a_deactivated_account_is_refused_with_its_reason(self, client, sso, jane, caplog):
        User.objects.filter(pk=jane.pk).update(is_active=False)
        with caplog.at_level(logging.WARNING, logger="assure.people.sso"):
            page = outcome_page(client, sso_sign_in(client, sso, login=JANE))
        assert page.status_code == 403 and b"Your Assure account is switched off" in page.content
        assert (last_event().reason, last_event().user) == ("inactive_account", jane)
        domain = DomainEvent.objects.get(verb="sign_in_refused")
        assert (domain.data["reason"], domain.data["user"]) == ("inactive_account", jane.pk)
        assert "inactive_account for jane.doe@council.example" in caplog.text
        assert not signed_in_user(client).is_authenticated

    def test_ambiguous_accounts_are_refused(self, client, sso):
        UserFactory(username="Jane.Doe@council.example")
        UserFactory(username="jane.doe@council.example")
        page = outcome_page(client, sso_sign_in(client, sso, login=JANE))
        assert page.status_code == 403 and b"cannot tell which account is yours" in page.content
        assert last_event().reason == "ambiguous_account"

    def test_a_replayed_callback_is_refused_before_the_provider_is_asked(self, client, sso, jane):
        back = sign_in_at_provider(client, sso, login=JANE)
        assert come_back(client, back)["Location"] == "/"
        client.post("/sign-out/")
        page = outcome_page(client, come_back(client, back))
        assert page.status_code == 400 and b"already been used or has expired" in page.content
        assert last_event().reason == "stale_callback"
        assert not signed_in_user(client).is_authenticated

    def test_a_callback_from_another_browser_is_refused(self, client, sso, jane):
        back = sign_in_at_provider(client, sso, login=JANE)
        other = Client()
        page = outcome_page(other, come_back(other, back))
        assert page.status_code == 400
        assert not signed_in_user(other).is_authenticated

    def test_cancelling_at_the_provider(self, client, sso):
        start = client.get("/oidc/authenticate/")
        back = sso.sign_in(start["Location"], login=JANE, cancel=True)
        assert "error=access_denied" in back
        page = outcome_page(client, come_back(client, back))
        assert page.status_code == 200 and b"You did not finish signing in" in page.content
        assert last_event().reason == "cancelled"

    def test_reloading_the_page_shows_it_again(self, client, sso):
        outcome_page(client, sso_sign_in(client, sso, login=NEW_STARTER))
        again = client.get("/sign-in/council-account/")
        assert again.status_code == 403 and b"You do not have an Assure account" in again.content

    def test_the_page_without_a_sign_in_goes_to_the_sign_in_page(self, client):
        assert client.get("/sign-in/council-account/")["Location"] == "/sign-in/"


class TestProviderProblems:
    """A clear page with what to tell IT, the provider's code logged, never a 500."""

    def problem(self, client, sso, caplog, *, code: str, login: str = JANE):  # type: ignore[no-untyped-def]
        with caplog.at_level(logging.WARNING, logger="assure.people.sso"):
            page = outcome_page(client, sso_sign_in(client, sso, login=login))
        assert page.status_code == 502
        assert b"Signing in with your council account is not working" in page.content
        assert b"What to tell your IT service desk" in page.content
        assert f'<code data-testid="sso-code">{code}</code>'.encode() in page.content
        event = last_event()
        assert (event.reason, event.detail["code"]) == ("provider_error", code)
        domain = DomainEvent.objects.get(object_type="people.signinevent", object_id=str(event.pk))
        assert (domain.verb, domain.data["code"]) == ("sign_in_refused", code)
        assert event.reference.encode() in page.content
        assert f"provider_error {code}" in caplog.text and event.reference in caplog.text
        assert b"Traceback" not in page.content
        assert not signed_in_user(client).is_authenticated
        return page, event

    def test_a_wrong_secret(self, client, sso, jane, caplog, settings):
        settings.OIDC_RP_CLIENT_SECRET = "an-expired-secret"
        page, event = self.problem(client, sso, caplog, code="invalid_client")
        assert b"did not accept Assure&#x27;s client ID or secret" in page.content
        assert "token endpoint answered 401" in event.detail["detail"]

    def test_a_provider_that_insists_on_client_secret_basic(
        self, client, sso, jane, caplog, settings
    ):
        settings.OIDC_RP_CLIENT_ID = "assure-basic"  # registered for basic; Assure posts
        self.problem(client, sso, caplog, code="invalid_client")

    def test_an_unreachable_token_endpoint(self, client, sso, jane, caplog, settings):
        settings.OIDC_OP_TOKEN_ENDPOINT = f"http://127.0.0.1:{closed_port()}/token"
        page, _ = self.problem(client, sso, caplog, code="provider_unreachable")
        assert b"could not reach the council&#x27;s sign-in service" in page.content

    def test_unreachable_keys(self, client, sso, jane, caplog, settings):
        settings.OIDC_OP_JWKS_ENDPOINT = f"http://127.0.0.1:{closed_port()}/jwks"
        self.problem(client, sso, caplog, code="provider_unreachable")

    def test_a_token_answer_that_is_not_json(self, client, sso, jane, caplog):
        sso.tamper("bad_json")
        self.problem(client, sso, caplog, code="bad_token_response")

    def test_a_used_code(self, client, sso, jane, caplog):
        """The provider's invalid_grant: a code given twice (here with the state of a new
        sign-in in the same browser, so that Assure's own replay check does not stop it)."""
        first = parse_qs(urlparse(sign_in_at_provider(client, sso, login=JANE)).query)
        assert (
            come_back(client, f"/oidc/callback/?code={first['code'][0]}&state={first['state'][0]}")[
                "Location"
            ]
            == "/"
        )
        client.post("/sign-out/")
        second = parse_qs(urlparse(sign_in_at_provider(client, sso, login=JANE)).query)
        with caplog.at_level(logging.WARNING, logger="assure.people.sso"):
            response = come_back(
                client,
                f"/oidc/callback/?code={first['code'][0]}&state={second['state'][0]}"
                f"&iss={second['iss'][0]}",
            )
        page = outcome_page(client, response)
        assert page.status_code == 502 and last_event().detail["code"] == "invalid_grant"

    @pytest.mark.parametrize(
        ("tamper", "code"),
        [
            ("aud", "id_token_audience"),
            ("iss", "id_token_issuer"),
            ("expired", "id_token_expired"),
            ("signature", "id_token_signature"),
            ("nonce", "id_token_nonce"),
            ("userinfo_sub", "userinfo_subject_mismatch"),
        ],
    )
    def test_an_id_token_that_fails_a_check(self, client, sso, jane, caplog, tamper, code):
        sso.tamper(tamper)
        page, _ = self.problem(client, sso, caplog, code=code)
        assert b"failed Assure&#x27;s security checks" in page.content

    def test_an_answer_from_another_issuer(self, client, sso, jane, caplog, settings):
        settings.OIDC_OP_ISSUER = "https://login.microsoftonline.com/another-tenant/v2.0"
        self.problem(client, sso, caplog, code="authorization_response_issuer")

    def test_an_error_from_the_provider_is_shown_with_its_code(self, client, sso, caplog):
        client.get("/oidc/authenticate/")
        state = next(iter(client.session["oidc_states"]))
        with caplog.at_level(logging.WARNING, logger="assure.people.sso"):
            response = client.get(
                "/oidc/callback/",
                {
                    "error": "unauthorized_client",
                    "error_description": "AADSTS700016",
                    "state": state,
                },
            )
        page = outcome_page(client, response)
        assert page.status_code == 502 and b">unauthorized_client</code>" in page.content
        assert "unauthorized_client" in caplog.text
        assert state not in client.session["oidc_states"]  # used up, even so

    def test_a_provider_code_is_never_echoed_raw(self, client, sso):
        response = client.get("/oidc/callback/", {"error": "<script>alert(1)</script>"})
        page = outcome_page(client, response)
        assert b"<script>alert" not in page.content and b">provider_error</code>" in page.content


class TestLockout:
    """Failures counted per council account, never per address; the password lockout does
    not see single sign-on at all."""

    def fail(self, client, sso, *, login: str = NEW_STARTER):  # type: ignore[no-untyped-def]
        return outcome_page(client, sso_sign_in(client, sso, login=login))

    def test_five_failures_from_one_address_lock_only_that_council_account(
        self, client, sso, jane, settings
    ):
        UserFactory(username="pat", roles=["practitioner"])
        for attempt in range(1, settings.AXES_FAILURE_LIMIT + 1):
            page = self.fail(client, sso)
            assert page.status_code == 403
            assert (b"is now locked for an hour" in page.content) == (
                attempt == settings.AXES_FAILURE_LIMIT
            )
        locked = self.fail(client, sso)
        assert locked.status_code == 429
        assert b"Signing in with your council account is locked for now" in locked.content
        assert b"wrong password" not in locked.content
        assert b"nobody else is affected" in locked.content
        assert last_event().reason == "sso_locked"
        # Everyone else, from the same address, still gets in: by single sign-on ...
        assert sso_sign_in(Client(), sso, login=JANE)["Location"] == "/"
        # ... and with a password; and the password lockout counted nothing.
        assert (
            Client().post("/sign-in/", {"username": "pat", "password": PASSWORD})["Location"] == "/"
        )
        assert not AccessAttempt.objects.exists()
        lockout = SingleSignOnLockout.objects.get()
        assert (lockout.identity, lockout.failures) == ("new.starter@council.example", 5)

    def test_a_lock_holds_even_once_the_account_exists_until_it_is_unlocked(
        self, client, sso, settings
    ):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            self.fail(client, sso)
        UserFactory(username="new.starter@council.example", roles=["practitioner"])
        assert self.fail(client, sso).status_code == 429
        call_command("sso_unlock", NEW_STARTER)  # capitals do not matter
        assert DomainEvent.objects.filter(verb="sso_lockout_cleared").count() == 1
        assert sso_sign_in(client, sso, login=NEW_STARTER)["Location"] == "/"

    def test_the_lock_runs_out(self, client, sso, settings):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            self.fail(client, sso)
        later = clock.now() + dt.timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1)
        UserFactory(username="new.starter@council.example", roles=["practitioner"])
        with clock.frozen_at(later):
            assert sso_sign_in(client, sso, login=NEW_STARTER)["Location"] == "/"
        assert not SingleSignOnLockout.objects.exists()  # a success clears the count

    def test_failures_far_apart_start_the_count_again(self, client, sso, settings):
        start = clock.now()
        for hours in range(settings.AXES_FAILURE_LIMIT + 1):
            moment = start + dt.timedelta(hours=hours * (settings.AXES_COOLOFF_TIME + 0.1))
            with clock.frozen_at(moment):
                assert self.fail(client, sso).status_code == 403
        assert SingleSignOnLockout.objects.get().failures == 1

    def test_provider_errors_lock_nobody(self, client, sso, jane, settings):
        settings.OIDC_RP_CLIENT_SECRET = "wrong"
        for _ in range(settings.AXES_FAILURE_LIMIT + 1):
            assert outcome_page(client, sso_sign_in(client, sso, login=JANE)).status_code == 502
        assert not SingleSignOnLockout.objects.exists()
        settings.OIDC_RP_CLIENT_SECRET = oidc.SECRET
        assert sso_sign_in(client, sso, login=JANE)["Location"] == "/"

    def test_a_password_lockout_does_not_stop_single_sign_on(self, client, sso, jane, settings):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            client.post("/sign-in/", {"username": jane.username, "password": "wrong"})
        assert (
            client.post("/sign-in/", {"username": jane.username, "password": PASSWORD}).status_code
            == 429
        )
        assert sso_sign_in(client, sso, login=JANE)["Location"] == "/"
