"""The admin site for the `admin` role: unlocking a locked-out account, resetting a lost
authenticator, adding people without a usable password; Django's groups are not offered."""

import pytest
from axes.models import AccessAttempt
from django.contrib import admin as django_admin
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from assure.core.models import DomainEvent
from assure.people.models import User
from tests.factories import UserFactory

from .helpers import confirmed_device, sign_in_with_second_factor

PASSWORD = "a-long-test-password-1"


@pytest.fixture
def admin_client(client, db):
    sign_in_with_second_factor(client=client, user=UserFactory(username="root", roles=["admin"]))
    return client


def test_groups_are_not_offered():
    assert not django_admin.site.is_registered(Group)


@pytest.mark.django_db
def test_admin_unlocks_a_locked_out_account(admin_client, settings):
    UserFactory(username="pat", roles=["practitioner"])
    browser = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        browser.post("/sign-in/", {"username": "pat", "password": "wrong"})
    assert browser.post("/sign-in/", {"username": "pat", "password": PASSWORD}).status_code == 429

    attempt = AccessAttempt.objects.get(username="pat")
    listing = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and b"pat" in listing.content
    response = admin_client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert DomainEvent.objects.filter(verb="lockout_cleared").count() == 1
    assert browser.post("/sign-in/", {"username": "pat", "password": PASSWORD}).status_code == 302


@pytest.mark.django_db
def test_admin_resets_a_lost_authenticator(admin_client):
    pat = UserFactory(username="pat", roles=["practitioner"])
    device = confirmed_device(user=pat)
    page = admin_client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200
    assert device.key.encode() not in page.content
    response = admin_client.post(
        reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=pat).exists()
    assert DomainEvent.objects.filter(verb="authenticator_reset", object_id=str(pat.pk)).exists()


@pytest.mark.django_db
def test_user_added_in_admin_has_no_usable_password(admin_client):
    response = admin_client.post(
        reverse("admin:people_user_add"),
        {
            "username": "newbie",
            "first_name": "New",
            "last_name": "Person",
            "email": "",
            "job_title": "",
            "is_active": "on",
            "roles-TOTAL_FORMS": "1",
            "roles-INITIAL_FORMS": "0",
            "roles-MIN_NUM_FORMS": "0",
            "roles-MAX_NUM_FORMS": "1000",
            "roles-0-role": "auditor",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    newbie = User.objects.get(username="newbie")
    assert not newbie.has_usable_password()
    assert newbie.role_slugs == {"auditor"}


@pytest.mark.django_db
def test_people_without_the_admin_role_cannot_unlock(client):
    lead = UserFactory(username="lead", roles=["assurance_lead"])
    sign_in_with_second_factor(client=client, user=lead)
    response = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
