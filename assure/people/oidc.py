"""Single sign-on with OpenID Connect (Microsoft Entra ID or any standard provider).

People are matched to existing Assure users by the username claim; roles and teams stay
managed in Assure. With OIDC_CREATE_USER off (the default) a person without an Assure
account is refused, so nobody gains access by merely existing in the council's directory.
"""

from typing import Any

from django.conf import settings
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .models import User


class AssureOIDCBackend(OIDCAuthenticationBackend):
    def filter_users_by_claims(self, claims: dict[str, Any]):  # type: ignore[no-untyped-def]
        username = claims.get(settings.OIDC_USERNAME_CLAIM) or claims.get("email")
        if not username:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(username__iexact=username, is_active=True)

    def create_user(self, claims: dict[str, Any]) -> User:  # type: ignore[override]
        username = claims.get(settings.OIDC_USERNAME_CLAIM) or claims.get("email")
        return self.UserModel.objects.create_user(
            username=username,
            email=claims.get("email", ""),
            first_name=claims.get("given_name", ""),
            last_name=claims.get("family_name", ""),
        )

    def authenticate(self, request, **kwargs):  # type: ignore[no-untyped-def]
        user = super().authenticate(request, **kwargs)
        if user is not None and request is not None:
            request.session["signed_in_with_sso"] = True
        return user
