"""The TOTP second factor: required for administrators, for anyone who has set one up, not
asked again of people who came through the council's single sign-on; the admin site only for
verified administrators."""

import re
from urllib.parse import quote

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from assure.core.models import DomainEvent
from tests.factories import UserFactory

from .helpers import confirmed_device, current_code, sign_in_with_second_factor, unthrottle

PASSWORD = "a-long-test-password-1"
CODE_URL = "/sign-in/code/"
SETUP_URL = "/account/authenticator/"


def password_sign_in(client, username: str) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/sign-in/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302


@pytest.fixture
def admin(db):
    return UserFactory(username="root", roles=["admin"])


@pytest.mark.django_db
class TestAdministrator:
    def test_without_a_device_is_sent_to_set_one_up(self, client, admin):
        password_sign_in(client, "root")
        response = client.get("/children/")
        assert response.status_code == 302
        assert response["Location"] == f"{SETUP_URL}?next={quote('/children/', safe='')}"

    def test_sets_up_a_device_with_the_qr_code_and_a_code(self, client, admin):
        password_sign_in(client, "root")
        page = client.get(SETUP_URL, {"next": "/children/"})
        assert page.status_code == 200
        html = page.content.decode()
        img = re.search(r'<img src="(data:image/svg\+xml[^"]+)" alt="([^"]+)"', html)
        assert img and "QR code" in img.group(2)
        assert ' style="' not in html  # the CSP allows no inline styles
        device = TOTPDevice.objects.get(user=admin, confirmed=False)
        assert page.context["secret"] in html

        wrong = client.post(SETUP_URL, {"code": "000000", "next": "/children/"})
        assert b"The code is not right" in wrong.content
        assert client.get("/").status_code == 302
        too_soon = client.post(
            SETUP_URL, {"code": current_code(device=device), "next": "/children/"}
        )
        assert b"Too many wrong codes" in too_soon.content

        unthrottle(device=device)
        right = client.post(SETUP_URL, {"code": current_code(device=device), "next": "/children/"})
        assert right.status_code == 302 and right["Location"] == "/children/"
        device.refresh_from_db()
        assert device.confirmed
        assert DomainEvent.objects.filter(verb="authenticator_set_up", actor=admin).count() == 1
        assert client.get("/").status_code == 200

    def test_with_a_device_must_enter_a_code(self, client, admin):
        device = confirmed_device(user=admin)
        password_sign_in(client, "root")
        response = client.get("/")
        assert response["Location"] == f"{CODE_URL}?next=%2F"
        assert client.get(SETUP_URL)["Location"] == CODE_URL  # no new device before the code

        page = client.get(response["Location"])
        assert b"Enter the code from your authenticator app" in page.content
        for bad in ("000000", "12345", "abcdef", ""):
            wrong = client.post(CODE_URL, {"code": bad, "next": "/"})
            assert wrong.status_code == 200
            assert b"govuk-error-message" in wrong.content
        assert client.get("/").status_code == 302

        unthrottle(device=device)
        right = client.post(CODE_URL, {"code": current_code(device=device), "next": "/"})
        assert right.status_code == 302 and right["Location"] == "/"
        assert client.get("/").status_code == 200

    def test_a_code_cannot_be_used_twice(self, client, admin):
        device = sign_in_with_second_factor(client=client, user=admin)
        client.post("/sign-out/")
        password_sign_in(client, "root")
        response = client.post(CODE_URL, {"code": current_code(device=device), "next": "/"})
        assert response.status_code == 200
        assert b"The code is not right" in response.content

    def test_next_after_the_code_stays_on_this_site(self, client, admin):
        device = confirmed_device(user=admin)
        password_sign_in(client, "root")
        response = client.post(
            CODE_URL, {"code": current_code(device=device), "next": "https://evil.example/"}
        )
        assert response["Location"] == "/"

    def test_admin_site_needs_the_code(self, client, admin):
        confirmed_device(user=admin)
        password_sign_in(client, "root")
        assert client.get("/admin/")["Location"].startswith(CODE_URL)
        client.post("/sign-out/")
        sign_in_with_second_factor(client=client, user=admin)
        page = client.get("/admin/")
        assert page.status_code == 200
        assert b"People and settings" in page.content


@pytest.mark.django_db
class TestOtherRoles:
    def test_without_a_device_are_not_asked(self, client):
        UserFactory(username="pat", roles=["practitioner"])
        password_sign_in(client, "pat")
        assert client.get("/").status_code == 200

    def test_who_set_up_a_device_must_enter_a_code_at_next_sign_in(self, client):
        pat = UserFactory(username="pat", roles=["practitioner"])
        confirmed_device(user=pat)
        password_sign_in(client, "pat")
        assert client.get("/")["Location"] == f"{CODE_URL}?next=%2F"

    def test_are_refused_the_admin_site_even_when_verified(self, client):
        pat = UserFactory(username="pat", roles=["practitioner", "assurance_lead"])
        sign_in_with_second_factor(client=client, user=pat)
        response = client.get("/admin/", follow=True)
        assert response.status_code == 403
        assert response.redirect_chain[0][0] == "/admin/login/?next=/admin/"
        assert b"govuk-heading-l" in response.content

    def test_anonymous_admin_login_page_goes_to_assure_sign_in(self, client, db):
        response = client.get("/admin/login/", {"next": "/admin/people/user/"})
        assert response.status_code == 302
        assert response["Location"] == "/sign-in/?next=/admin/people/user/"
        assert client.post("/admin/login/", {"username": "x", "password": "y"}).status_code == 302
