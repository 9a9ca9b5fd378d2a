"""Password sign-in: the hasher, lockout after repeated failures, the inactivity timeout,
sign-out by POST only, and no open redirects through `next`."""

import datetime as dt

import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.sessions.models import Session
from django.utils import timezone

from assure.settings import base
from tests.factories import UserFactory

PASSWORD = "a-long-test-password-1"
SIGN_IN = "/sign-in/"


def signed_in_user(client):  # type: ignore[no-untyped-def]
    return client.get("/privacy/").wsgi_request.user


@pytest.fixture
def pat(db):
    return UserFactory(username="pat", roles=["practitioner"])


def test_argon2_is_the_production_hasher(settings):
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS  # the tests use a fast one
    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    encoded = make_password("correct-horse", hasher="argon2")
    assert encoded.startswith("argon2$") and check_password("correct-horse", encoded)


@pytest.mark.django_db
class TestPasswordSignIn:
    def test_right_password_signs_in(self, client, pat):
        response = client.post(SIGN_IN, {"username": "pat", "password": PASSWORD})
        assert response.status_code == 302 and response["Location"] == "/"
        assert signed_in_user(client) == pat

    def test_wrong_password_is_refused_with_a_clear_message(self, client, pat):
        response = client.post(SIGN_IN, {"username": "pat", "password": "wrong"})
        assert response.status_code == 200
        assert b"Enter a correct user name and password" in response.content
        assert not signed_in_user(client).is_authenticated

    def test_account_without_usable_password_cannot_sign_in_with_one(self, client, db):
        user = UserFactory(username="sso", roles=["director"])
        user.set_unusable_password()
        user.save()
        response = client.post(SIGN_IN, {"username": "sso", "password": ""})
        assert response.status_code == 200
        assert not signed_in_user(client).is_authenticated

    def test_lockout_after_the_failure_limit(self, client, pat, settings):
        for attempt in range(1, settings.AXES_FAILURE_LIMIT + 1):
            response = client.post(SIGN_IN, {"username": "pat", "password": "wrong"})
            if attempt < settings.AXES_FAILURE_LIMIT:
                assert b"Enter a correct user name and password" in response.content
        assert b"Your account is locked for now" in response.content
        locked = client.post(SIGN_IN, {"username": "pat", "password": PASSWORD})
        assert locked.status_code == 429
        assert b"Your account is locked for now" in locked.content
        assert b"Try again in an hour" in locked.content
        assert not signed_in_user(client).is_authenticated
        # The lock is for this user name from this address, not for everyone.
        UserFactory(username="sam", roles=["practitioner"])
        other = client.post(SIGN_IN, {"username": "sam", "password": PASSWORD})
        assert other.status_code == 302

    def test_failures_below_the_limit_do_not_lock(self, client, pat, settings):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            client.post(SIGN_IN, {"username": "pat", "password": "wrong"})
        response = client.post(SIGN_IN, {"username": "pat", "password": PASSWORD})
        assert response.status_code == 302
        assert signed_in_user(client) == pat


@pytest.mark.django_db
class TestSession:
    def test_expired_session_sends_the_person_to_sign_in_and_says_why(self, client, pat):
        client.post(SIGN_IN, {"username": "pat", "password": PASSWORD})
        assert client.get("/").status_code == 200
        Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
        response = client.get("/children/?team=1")
        assert response.status_code == 302
        assert response["Location"] == "/sign-in/?timeout=1&next=/children/%3Fteam%3D1"
        page = client.get(response["Location"])
        assert b"You were signed out because you had not used Assure for a while" in page.content

    def test_first_visit_is_not_called_a_timeout(self, client, db):
        response = client.get("/")
        assert response["Location"] == "/sign-in/?next=/"

    def test_each_request_extends_the_session(self, client, pat, settings):
        client.force_login(pat)
        Session.objects.update(expire_date=timezone.now() + dt.timedelta(minutes=1))
        client.get("/")
        expiry = Session.objects.get().expire_date
        assert expiry > timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)

    def test_sign_out_is_post_only(self, client, pat):
        client.force_login(pat)
        assert client.get("/sign-out/").status_code == 405
        assert signed_in_user(client) == pat
        response = client.post("/sign-out/")
        assert response.status_code == 302 and response["Location"] == "/sign-in/"
        assert not signed_in_user(client).is_authenticated
        assert client.get("/")["Location"] == "/sign-in/?next=/"


@pytest.mark.django_db
class TestNoOpenRedirects:
    @pytest.mark.parametrize(
        "target",
        [
            "https://evil.example/",
            "//evil.example/",
            "http:/evil.example",
            "javascript:alert(1)",
            "\\\\evil.example",
            "https://testserver.evil.example/",
        ],
    )
    def test_sign_in_ignores_a_next_elsewhere(self, client, pat, target):
        page = client.get(SIGN_IN, {"next": target})
        assert target.encode() not in page.content
        response = client.post(SIGN_IN, {"username": "pat", "password": PASSWORD, "next": target})
        assert response.status_code == 302 and response["Location"] == "/"

    def test_sign_in_follows_a_next_on_this_site(self, client, pat):
        response = client.post(
            SIGN_IN, {"username": "pat", "password": PASSWORD, "next": "/children/?page=2"}
        )
        assert response["Location"] == "/children/?page=2"

    def test_signed_in_person_visiting_sign_in_is_not_sent_elsewhere(self, client, pat):
        client.force_login(pat)
        response = client.get(SIGN_IN, {"next": "https://evil.example/"})
        assert response.status_code == 302 and response["Location"] == "/"
