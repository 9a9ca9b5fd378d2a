"""Reads about people."""

from typing import Any

from django.contrib.auth import BACKEND_SESSION_KEY
from django.db.models import QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import ApiToken, User
from .roles import Role

OIDC_BACKEND_PATH = "assure.people.oidc.AssureOIDCBackend"


def user_has_confirmed_device(*, user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def user_needs_second_factor(*, user: Any, via_sso: bool = False) -> bool:
    """Administrators always need one; so does anyone who has set up an authenticator.
    People who signed in through the council's single sign-on use its second factor."""
    if via_sso:
        return False
    return Role.ADMIN in user.role_slugs or user_has_confirmed_device(user=user)


def signed_in_with_sso(*, session: Any) -> bool:
    """Whether this session was opened by the council's single sign-on. Django records the
    backend that signed the person in, so there is no separate flag to forge or forget."""
    return session.get(BACKEND_SESSION_KEY) == OIDC_BACKEND_PATH


def api_tokens_for(*, user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def user_for_api_token(*, raw: str) -> User | None:
    """The active user a bearer token belongs to, or None."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_of(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    return token.user if token else None
