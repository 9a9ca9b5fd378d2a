"""Single sign-on with OpenID Connect, without any network: the backend's matching of people
to Assure accounts, the sign-in page's button, and the whole callback with the provider's
answers stubbed."""

from unittest import mock

import pytest
from django.core.exceptions import SuspiciousOperation
from django.test import override_settings

from assure.people.models import User
from assure.people.oidc import AssureOIDCBackend
from tests.factories import UserFactory

OIDC_SETTINGS = {
    "OIDC_ENABLED": True,
    "OIDC_RP_CLIENT_ID": "assure-client",
    "OIDC_RP_CLIENT_SECRET": "s3cret",
    "OIDC_RP_SIGN_ALGO": "RS256",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://login.example/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "https://login.example/token",
    "OIDC_OP_USER_ENDPOINT": "https://login.example/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "https://login.example/keys",
    "OIDC_RP_SCOPES": "openid email profile",
    "OIDC_CREATE_USER": False,
    "OIDC_USERNAME_CLAIM": "preferred_username",
    "LOGIN_REDIRECT_URL_FAILURE": "/sign-in/?sso=failed",
    "ROOT_URLCONF": "assure.people.tests.urls_oidc",
    "AUTHENTICATION_BACKENDS": [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
        "assure.people.oidc.AssureOIDCBackend",
    ],
}
JANE = {
    "preferred_username": "Jane.Doe@Council.gov.uk",
    "email": "jane@council.gov.uk",
    "given_name": "Jane",
    "family_name": "Doe",
}

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("oidc_on")]


@pytest.fixture
def oidc_on():
    with override_settings(**OIDC_SETTINGS):
        yield


def matched(claims: dict, **overrides) -> User | None:  # type: ignore[type-arg]
    backend = AssureOIDCBackend()
    with (
        override_settings(**overrides),
        mock.patch.object(AssureOIDCBackend, "get_userinfo", return_value=claims),
    ):
        return backend.get_or_create_user("access", "id", {"sub": "x"})


class TestMatching:
    def test_existing_user_by_username_claim_whatever_the_case(self):
        jane = UserFactory(username="jane.doe@council.gov.uk", roles=["auditor"])
        assert list(AssureOIDCBackend().filter_users_by_claims(JANE)) == [jane]
        assert matched(JANE) == jane

    def test_email_is_used_when_the_username_claim_is_missing(self):
        jane = UserFactory(username="jane@council.gov.uk", roles=["auditor"])
        assert matched({"email": "JANE@council.gov.uk"}) == jane

    def test_other_claim_can_be_configured(self):
        jane = UserFactory(username="jdoe", roles=["auditor"])
        assert matched({**JANE, "upn": "JDOE"}, OIDC_USERNAME_CLAIM="upn") == jane

    def test_unknown_person_is_refused(self):
        assert matched(JANE) is None
        assert not User.objects.exists()

    def test_unknown_person_gets_a_bare_account_only_when_configured(self):
        user = matched(JANE, OIDC_CREATE_USER=True)
        assert user is not None and user.username == "Jane.Doe@Council.gov.uk"
        assert not user.has_usable_password()
        assert user.role_slugs == frozenset()
        assert (user.first_name, user.last_name) == ("Jane", "Doe")

    def test_inactive_account_is_matched_not_replaced(self):
        jane = UserFactory(username="jane.doe@council.gov.uk", is_active=False)
        assert matched(JANE, OIDC_CREATE_USER=True) == jane
        assert User.objects.count() == 1

    def test_claims_without_a_name_are_refused(self):
        backend = AssureOIDCBackend()
        assert backend.verify_claims({"sub": "abc"}) is False
        with (
            mock.patch.object(AssureOIDCBackend, "get_userinfo", return_value={"sub": "a"}),
            pytest.raises(SuspiciousOperation),
        ):
            backend.get_or_create_user("access", "id", {"sub": "a"})


class TestJourney:
    def test_sign_in_page_offers_the_council_account(self, client):
        page = client.get("/sign-in/")
        assert b"Sign in with your council account" in page.content
        assert b'href="/oidc/authenticate/"' in page.content

    def test_without_oidc_the_button_is_absent(self, client):
        with override_settings(OIDC_ENABLED=False):
            page = client.get("/sign-in/")
        assert b"Sign in with your council account" not in page.content

    def test_start_goes_to_the_provider_before_anyone_is_signed_in(self, client):
        response = client.get("/oidc/authenticate/")
        assert response.status_code == 302
        assert response["Location"].startswith("https://login.example/authorize?")
        assert "client_id=assure-client" in response["Location"]

    def _callback(self, client, claims):  # type: ignore[no-untyped-def]
        client.get("/oidc/authenticate/")
        state = next(iter(client.session["oidc_states"]))
        with (
            mock.patch.object(
                AssureOIDCBackend,
                "get_token",
                return_value={"id_token": "id", "access_token": "at"},
            ),
            mock.patch.object(AssureOIDCBackend, "verify_token", return_value={"sub": "1"}),
            mock.patch.object(AssureOIDCBackend, "get_userinfo", return_value=claims),
        ):
            return client.get("/oidc/callback/", {"code": "c", "state": state})

    def test_callback_signs_in_and_sso_admins_are_not_asked_for_a_code(self, client):
        UserFactory(username="jane.doe@council.gov.uk", roles=["admin", "auditor"])
        response = self._callback(client, JANE)
        assert response.status_code == 302
        home = client.get("/")
        assert home.status_code == 200
        assert home.wsgi_request.user.username == "jane.doe@council.gov.uk"
        # The admin site still wants Assure's own second factor.
        admin = client.get("/admin/", follow=True)
        assert admin.redirect_chain[-1][0].startswith("/account/authenticator/")

    def test_callback_for_unknown_person_says_so(self, client):
        response = self._callback(client, JANE)
        assert response["Location"] == "/sign-in/?sso=failed"
        page = client.get(response["Location"])
        assert b"You could not be signed in with your council account" in page.content
        assert not page.wsgi_request.user.is_authenticated

    def test_callback_for_inactive_account_is_refused(self, client):
        UserFactory(username="jane.doe@council.gov.uk", roles=["auditor"], is_active=False)
        response = self._callback(client, JANE)
        assert response["Location"] == "/sign-in/?sso=failed"
        assert not client.get("/privacy/").wsgi_request.user.is_authenticated
