"""Reads about people."""

import datetime as dt
from typing import Any

from django.contrib.auth import BACKEND_SESSION_KEY
from django.db.models import QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from assure.core import access, clock

from .models import ApiToken, SignInEvent, SingleSignOnLockout, User

OIDC_BACKEND_PATH = "assure.people.oidc.AssureOIDCBackend"


def user_has_confirmed_device(*, user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def user_needs_second_factor(*, user: Any, via_sso: bool = False) -> bool:
    """Administrators always need one; so does anyone who has set up an authenticator.
    People who signed in through the council's single sign-on use its second factor."""
    if via_sso:
        return False
    return access.can(user, "always_second_factor") or user_has_confirmed_device(user=user)


def signed_in_with_sso(*, session: Any) -> bool:
    """Whether this session was opened by the council's single sign-on. Django records the
    backend that signed the person in, so there is no separate flag to forge or forget."""
    return session.get(BACKEND_SESSION_KEY) == OIDC_BACKEND_PATH


def api_tokens_for(*, user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def api_token_for(*, raw: str) -> ApiToken | None:
    """The token, if it is live (not revoked, not expired) and its owner is active."""
    return (
        ApiToken.objects.select_related("user")
        .filter(
            digest=ApiToken.digest_of(raw),
            revoked_at__isnull=True,
            expires_at__gt=clock.now(),
            user__is_active=True,
        )
        .first()
    )


def user_for_api_token(*, raw: str) -> User | None:
    """The active user a live bearer token belongs to, or None."""
    token = api_token_for(raw=raw)
    return token.user if token else None


def api_tokens_expiring(*, user: Any) -> list[ApiToken]:
    """The user's live tokens that expire within API_TOKEN_REMINDER_DAYS."""
    from django.conf import settings

    now = clock.now()
    soon = now + dt.timedelta(days=settings.API_TOKEN_REMINDER_DAYS)
    return list(
        ApiToken.objects.filter(
            user=user, revoked_at__isnull=True, expires_at__gt=now, expires_at__lte=soon
        ).order_by("expires_at")
    )


def sso_lockout_active(*, identity: str) -> SingleSignOnLockout | None:
    """The lockout in force for this council account (lower-cased), if any."""
    return SingleSignOnLockout.objects.filter(
        identity=identity, locked_until__gt=clock.now()
    ).first()


def password_refusal_reason(*, username: str) -> str:
    """Why a password sign-in with this user name failed, for the sign-in log (never shown
    to the person, who is told only that the user name or password is wrong). Django looks
    the user name up exactly, so this does too."""
    user = User.objects.filter(username=username).first()
    if user is None:
        return SignInEvent.Reason.UNKNOWN_USER
    if not user.is_active:
        return SignInEvent.Reason.INACTIVE_ACCOUNT
    if not user.has_usable_password():
        return SignInEvent.Reason.NO_PASSWORD
    return SignInEvent.Reason.WRONG_PASSWORD


def user_facts(*, user: User) -> dict[str, Any]:
    """What an administrator may change about a person, as stored now: their details, whether
    they may sign in, their roles and their teams (read fresh, not from cached properties), to
    compare before and after a change."""
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "job_title": user.job_title,
        "is_active": user.is_active,
        "roles": sorted(user.roles.values_list("role", flat=True)),
        "teams": sorted(user.teams.values_list("name", flat=True)),
    }
