"""Single sign-on with OpenID Connect (Microsoft Entra ID or any standard provider).

People are matched to existing Assure users by the username claim (OIDC_USERNAME_CLAIM,
`preferred_username` by default), without regard to case. Entra ID puts `preferred_username`
(the user principal name) in the ID token but not in its user-information response, so the
claims Assure reads are the verified ID token's, overlaid with the user-information ones.
Roles and teams stay managed in Assure. With OIDC_CREATE_USER off (the default) a person
without an Assure account is refused, so nobody gains access by merely existing in the
council's directory. An inactive Assure account is matched and then refused
by the callback, never shadowed by a new account.
"""

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .models import User


def username_from_claims(claims: dict[str, Any]) -> str:
    value = claims.get(settings.OIDC_USERNAME_CLAIM) or claims.get("email") or ""
    return str(value).strip()


class AssureOIDCBackend(OIDCAuthenticationBackend):
    def get_userinfo(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """The user-information claims over the verified ID token's, so that a claim only the
        ID token carries (Entra ID's `preferred_username`) can still match the person."""
        return {**(payload or {}), **super().get_userinfo(access_token, id_token, payload)}

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        """The provider must name the person; an e-mail address alone is not required."""
        return bool(username_from_claims(claims))

    def describe_user_by_claims(self, claims: dict[str, Any]) -> str:
        return f"user name {username_from_claims(claims)!r}"

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        username = username_from_claims(claims)
        if not username:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(username__iexact=username)

    def create_user(self, claims: dict[str, Any]) -> User:  # type: ignore[override]
        """Only reached with OIDC_CREATE_USER on: an account with no roles (it sees nothing
        until an administrator gives it roles) and no usable password."""
        return self.UserModel.objects.create_user(
            username=username_from_claims(claims),
            email=claims.get("email", ""),
            first_name=claims.get("given_name", ""),
            last_name=claims.get("family_name", ""),
        )
