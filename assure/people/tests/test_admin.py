"""The admin site for the `admin` role: unlocking a locked-out account, resetting a lost
authenticator, adding people without a usable password; Django's groups are not offered."""

import pytest
from axes.models import AccessAttempt
from django.contrib import admin as django_admin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from assure.core.models import DomainEvent
from assure.people.models import User
from tests.factories import TeamFactory, UserFactory

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
    listing = admin_client.get(reverse("admin:people_passwordlockout_changelist"))
    assert listing.status_code == 200 and b"pat" in listing.content
    response = admin_client.post(
        reverse("admin:people_passwordlockout_changelist"),
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
    page = admin_client.get(reverse("admin:people_authenticator_change", args=[device.pk]))
    assert page.status_code == 200
    assert device.key.encode() not in page.content
    response = admin_client.post(
        reverse("admin:people_authenticator_delete", args=[device.pk]), {"post": "yes"}
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
    response = client.get(reverse("admin:people_passwordlockout_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def _user_form(**overrides):  # type: ignore[no-untyped-def]
    """The administration site's user form as a browser posts it, with one role row."""
    form = {
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
    }
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}


@pytest.mark.django_db
def test_a_user_added_in_admin_is_recorded_with_roles_teams_and_who_added_them(admin_client):
    team = TeamFactory(name="Children in Care North")
    response = admin_client.post(reverse("admin:people_user_add"), _user_form(teams=[team.pk]))
    assert response.status_code == 302, response.content[:2000]
    newbie = User.objects.get(username="newbie")
    assert list(newbie.teams.all()) == [team]
    event = DomainEvent.objects.get(verb="user_created", object_id=str(newbie.pk))
    assert event.actor.username == "root"
    assert event.data["roles"] == ["auditor"]
    assert event.data["teams"] == ["Children in Care North"]


@pytest.mark.django_db
def test_giving_a_role_and_deactivating_in_admin_are_recorded_before_and_after(admin_client):
    """Who gave someone a role (and so the children they see), or took their access away, is
    in the domain events as it is for every other write."""
    pat = UserFactory(username="pat", roles=["auditor"])
    role = pat.roles.get()
    change = reverse("admin:people_user_change", args=[pat.pk])
    form = _user_form(
        username="pat",
        is_active=None,  # unticked: deactivated
        **{
            "roles-TOTAL_FORMS": "2",
            "roles-INITIAL_FORMS": "1",
            "roles-0-id": str(role.pk),
            "roles-0-user": str(pat.pk),
            "roles-0-role": "auditor",
            "roles-1-role": "assurance_lead",
        },
    )
    response = admin_client.post(change, form)
    assert response.status_code == 302, response.content[:2000]
    event = DomainEvent.objects.get(verb="user_changed", object_id=str(pat.pk))
    assert event.actor.username == "root"
    assert event.data["before"]["roles"] == ["auditor"]
    assert event.data["after"]["roles"] == ["assurance_lead", "auditor"]
    assert event.data["before"]["is_active"] is True
    assert event.data["after"]["is_active"] is False
    assert "Assurance lead" in event.summary
    assert "deactivated" in event.summary


@pytest.mark.django_db
def test_saving_a_user_unchanged_in_admin_records_nothing(admin_client):
    pat = UserFactory(username="pat", roles=["auditor"], first_name="New", last_name="Person")
    role = pat.roles.get()
    form = _user_form(
        username="pat",
        **{
            "roles-INITIAL_FORMS": "1",
            "roles-0-id": str(role.pk),
            "roles-0-user": str(pat.pk),
        },
    )
    response = admin_client.post(reverse("admin:people_user_change", args=[pat.pk]), form)
    assert response.status_code == 302, response.content[:2000]
    assert not DomainEvent.objects.filter(verb="user_changed").exists()


@pytest.mark.django_db
def test_a_role_row_names_the_role_not_its_code():
    pat = UserFactory(username="pat", roles=["assurance_lead"])
    assert str(pat.roles.get()) == "pat as Assurance lead"


@pytest.mark.django_db
def test_the_admin_index_names_things_as_a_council_would(admin_client):
    """Not the packages' own labels ('AXES', 'OTP_TOTP', 'TOTP devices'): the lists sit
    under People with names an administrator would look for."""
    page = admin_client.get(reverse("admin:index")).content.decode()
    for name in ("Authenticator apps", "Password lockouts", "API tokens"):
        assert name in page
    for label in ("Axes", "AXES", "Otp_Totp", "OTP_TOTP", "TOTP device", "Access attempt", "Api"):
        assert label not in page
    listing = admin_client.get(reverse("admin:people_authenticator_changelist"))
    assert "Select authenticator app to" in listing.content.decode()


def _change_form(user: User, *, roles: dict[str, str] | None = None, **overrides):  # type: ignore[no-untyped-def]
    """The change form for `user` as a browser posts it: their details, Active ticked, and
    their role rows as stored (overridden by `roles`, e.g. {"roles-0-DELETE": "on"})."""
    rows = list(user.roles.order_by("pk"))
    form = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "job_title": user.job_title,
        "is_active": "on",
        "roles-TOTAL_FORMS": str(len(rows)),
        "roles-INITIAL_FORMS": str(len(rows)),
        "roles-MIN_NUM_FORMS": "0",
        "roles-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        form |= {f"roles-{i}-id": str(row.pk), f"roles-{i}-user": str(user.pk)}
        form[f"roles-{i}-role"] = row.role
    form |= roles or {}
    form |= overrides
    return {k: v for k, v in form.items() if v is not None}


def _post_change(admin_client, user: User, **form):  # type: ignore[no-untyped-def]
    return admin_client.post(
        reverse("admin:people_user_change", args=[user.pk]), _change_form(user, **form)
    )


@pytest.fixture
def root(admin_client) -> User:  # type: ignore[no-untyped-def]
    """The signed-in administrator, with a second one so that neither is the last."""
    UserFactory(username="sam", roles=["admin"])
    return User.objects.get(username="root")


@pytest.mark.django_db
def test_an_administrator_cannot_deactivate_themselves(admin_client, root):
    response = _post_change(admin_client, root, is_active=None)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["is_active"] == [
        "You cannot deactivate your own account. Another administrator can do it."
    ]
    root.refresh_from_db()
    assert root.is_active
    assert not DomainEvent.objects.filter(verb="user_changed").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [{"roles-0-DELETE": "on"}, {"roles-0-role": "auditor"}],
    ids=["deleting the row", "changing the row to another role"],
)
def test_an_administrator_cannot_remove_their_own_administrator_role(admin_client, root, change):
    response = _post_change(admin_client, root, roles=change)
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.non_form_errors() == [
        "You cannot remove your own System administrator role. Another administrator can do it."
    ]
    assert "You cannot remove your own System administrator role" in response.content.decode()
    assert User.objects.get(username="root").role_slugs == {"admin"}


@pytest.mark.django_db
def test_an_administrator_may_give_themselves_another_role_and_change_their_details(
    admin_client, root
):
    response = _post_change(
        admin_client,
        root,
        first_name="Robin",
        roles={"roles-TOTAL_FORMS": "2", "roles-1-role": "auditor"},
    )
    assert response.status_code == 302, response.content[:2000]
    root = User.objects.get(username="root")
    assert root.first_name == "Robin" and root.role_slugs == {"admin", "auditor"}


@pytest.mark.django_db
def test_another_administrator_may_be_deactivated_or_lose_the_role(admin_client, root):
    sam = User.objects.get(username="sam")
    response = _post_change(admin_client, sam, roles={"roles-0-role": "auditor"})
    assert response.status_code == 302, response.content[:2000]
    assert User.objects.get(username="sam").role_slugs == {"auditor"}
    UserFactory(username="kim", roles=["admin"])
    kim = User.objects.get(username="kim")
    assert _post_change(admin_client, kim, is_active=None).status_code == 302
    assert not User.objects.get(username="kim").is_active


@pytest.mark.django_db
def test_the_last_active_administrator_cannot_be_deactivated_or_lose_the_role():
    """By anyone: here a command or a service acting for nobody in particular, and another
    person. An inactive administrator does not count as one who remains."""
    from assure.people.services import user_access_check

    root = UserFactory(username="root", roles=["admin"])
    UserFactory(username="old", roles=["admin"], is_active=False)
    lead = UserFactory(username="lead", roles=["assurance_lead"])
    only = "root is the only active system administrator."
    for actor in (None, lead):
        with pytest.raises(ValidationError) as refused:
            user_access_check(user=root, is_active=False, roles=["auditor"], actor=actor)
        assert refused.value.message_dict == {
            "is_active": [
                f"{only} Give someone else the System administrator role before you "
                "deactivate root."
            ],
            "roles": [
                f"{only} Give someone else the System administrator role before you "
                "remove it from root."
            ],
        }
    # Keeping both is no change to refuse; nor is anything done to a non-administrator.
    user_access_check(user=root, is_active=True, roles=["admin", "auditor"], actor=None)
    user_access_check(user=lead, is_active=False, roles=[], actor=None)
    # With a second active administrator, either may go.
    UserFactory(username="sam", roles=["admin"])
    user_access_check(user=root, is_active=False, roles=[], actor=None)


@pytest.mark.django_db
def test_a_lockout_written_past_the_form_is_undone_when_it_is_recorded():
    """The record of an administration-site save checks the rule again, on what was written:
    raising there rolls the whole save back."""
    from assure.people.selectors import user_facts
    from assure.people.services import user_admin_saved

    root = UserFactory(username="root", roles=["admin"])
    before = user_facts(user=root)
    with pytest.raises(ValidationError), transaction.atomic():
        root.roles.all().delete()
        user_admin_saved(user=root, before=before, actor=None)
    assert User.objects.get(username="root").role_slugs == {"admin"}
    assert not DomainEvent.objects.filter(verb="user_changed").exists()
