"""API tokens: issued once, stored as a digest, accepted as bearer tokens until revoked by the
user (account page) or an administrator (admin site action)."""

import pytest
from django.urls import reverse

from assure.core.models import DomainEvent
from assure.people.models import ApiToken
from assure.people.services import api_token_create
from tests.factories import ChildFactory, TeamFactory, UserFactory

from .helpers import sign_in_with_second_factor

API = "/api/v1/children"


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def practitioner(db):
    team = TeamFactory(name="North")
    ChildFactory(child_id="N1", team=team)
    ChildFactory(child_id="S1", team=TeamFactory(name="South"))
    return UserFactory(username="pat", roles=["practitioner"], teams=[team])


@pytest.mark.django_db
class TestBearer:
    def test_token_reads_the_api_under_the_users_access(self, client, practitioner):
        _token, raw = api_token_create(user=practitioner, name="Power BI")
        response = client.get(API, **bearer(raw))
        assert response.status_code == 200
        assert [item["child_id"] for item in response.json()["items"]] == ["N1"]
        assert ApiToken.objects.get(user=practitioner).last_used_at is not None

    @pytest.mark.parametrize("header", ["", "Bearer", "Bearer nonsense", "Basic cGF0OnBhdA=="])
    def test_missing_or_wrong_token_is_401(self, client, practitioner, header):
        api_token_create(user=practitioner)
        extra = {"HTTP_AUTHORIZATION": header} if header else {}
        response = client.get(API, **extra)
        assert response.status_code == 401
        assert response.json() == {"detail": "A valid bearer token is required."}

    def test_revoked_token_is_401(self, client, practitioner):
        token, raw = api_token_create(user=practitioner)
        token.revoked_at = token.created_at
        token.save()
        assert client.get(API, **bearer(raw)).status_code == 401

    def test_token_of_inactive_user_is_401(self, client, practitioner):
        _token, raw = api_token_create(user=practitioner)
        practitioner.is_active = False
        practitioner.save()
        assert client.get(API, **bearer(raw)).status_code == 401

    def test_session_alone_does_not_open_the_api(self, client, practitioner):
        client.force_login(practitioner)
        assert client.get(API).status_code == 401


@pytest.mark.django_db
class TestAccountPage:
    def test_create_list_and_revoke(self, client, practitioner):
        client.force_login(practitioner)
        created = client.post(reverse("people:account"), {"name": "Excel tracker"})
        assert created.status_code == 200
        raw = created.context["raw"]
        assert raw.encode() in created.content
        token = ApiToken.objects.get(user=practitioner)
        assert token.digest == ApiToken.digest_of(raw) and token.name == "Excel tracker"

        page = client.get(reverse("people:account"))
        assert b"Excel tracker" in page.content and token.prefix.encode() in page.content
        assert raw.encode() not in page.content

        revoked = client.post(reverse("people:token_revoke", args=[token.pk]), follow=True)
        assert b"is revoked" in revoked.content and b"Revoked" in revoked.content
        token.refresh_from_db()
        assert token.revoked_at is not None
        assert DomainEvent.objects.filter(verb="api_token_revoked", actor=practitioner).exists()
        assert client.get(API, **bearer(raw)).status_code == 401

    def test_name_is_required(self, client, practitioner):
        client.force_login(practitioner)
        response = client.post(reverse("people:account"), {"name": ""})
        assert b"Enter what the token is for." in response.content
        assert not ApiToken.objects.exists()

    def test_cannot_revoke_someone_elses_token_nor_by_get(self, client, practitioner):
        other = UserFactory(username="other", roles=["auditor"])
        theirs, _ = api_token_create(user=other)
        mine, _ = api_token_create(user=practitioner)
        client.force_login(practitioner)
        assert client.post(reverse("people:token_revoke", args=[theirs.pk])).status_code == 404
        assert client.get(reverse("people:token_revoke", args=[mine.pk])).status_code == 405
        assert not ApiToken.objects.filter(revoked_at__isnull=False).exists()


@pytest.mark.django_db
class TestAdminRevokes:
    def test_admin_action_revokes_selected_tokens(self, client, practitioner):
        token, raw = api_token_create(user=practitioner)
        keep, keep_raw = api_token_create(user=practitioner)
        admin = UserFactory(username="root", roles=["admin"])
        sign_in_with_second_factor(client=client, user=admin)
        changelist = reverse("admin:people_apitoken_changelist")
        listing = client.get(changelist)
        assert listing.status_code == 200
        assert token.prefix.encode() in listing.content
        assert token.digest.encode() not in listing.content
        response = client.post(
            changelist, {"action": "revoke_tokens", "_selected_action": [token.pk]}
        )
        assert response.status_code == 302
        token.refresh_from_db()
        keep.refresh_from_db()
        assert token.revoked_at is not None and keep.revoked_at is None
        assert DomainEvent.objects.filter(verb="api_token_revoked", actor=admin).count() == 1
        assert client.get(API, **bearer(raw)).status_code == 401
        assert client.get(API, **bearer(keep_raw)).status_code == 200

    def test_token_detail_in_admin_hides_the_digest(self, client, practitioner):
        token, _ = api_token_create(user=practitioner)
        sign_in_with_second_factor(client=client, user=UserFactory(roles=["admin"]))
        page = client.get(reverse("admin:people_apitoken_change", args=[token.pk]))
        assert page.status_code == 200
        assert token.digest.encode() not in page.content
