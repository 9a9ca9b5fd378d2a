"""Single sign-on with OpenID Connect (Microsoft Entra ID or any standard provider): the
provider's side of the conversation.

The authorisation code flow, with PKCE (S256) always. The ID token is checked completely
before anything in it is believed: its signature (the provider's published keys, or the
client secret for HS algorithms), its issuer (OIDC_OP_ISSUER, exactly), its audience (this
client, and `azp` when there are several audiences), its expiry and issue time (a minute's
leeway), and the nonce sent with the sign-in. The claims Assure reads are the verified ID
token's, overlaid with the user-information endpoint's (whose `sub` must be the token's):
Entra ID puts `preferred_username` in the ID token but not in its user-information answer.

Whom the claims name, and so which Assure account they match, is exactly this
(docs/operations/single-sign-on.md says the same):

    the value of the claim OIDC_USERNAME_CLAIM (`preferred_username` by default), or of
    `email` when the provider sends no such claim, compared with User.username without
    regard to case.

Nothing else is compared: not User.email (a person may change it), not the provider's
`sub` or `oid`. One match signs in; none is refused (unless OIDC_CREATE_USER, which makes an
account with no roles); two (user names that differ only in case) are refused as ambiguous;
a deactivated account is refused, never shadowed by a new one. Roles and teams stay managed
in Assure.

Anything the provider gets wrong (an unreachable endpoint, a refused client secret, an
answer that is not JSON, a token that fails a check) is a `ProviderError` with a short code
for IT; a person who may not come in is a `Refused` with its reason. Neither is a 500. The
flow itself (state, lockouts, what is recorded) is `sso.py`'s.
"""

import logging
import re
from typing import Any
from urllib.parse import quote_plus

import jwt
import requests
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import absolutify
from requests.auth import HTTPBasicAuth

from .models import SignInEvent, User

LOGGER = logging.getLogger("assure.people.sso")
LEEWAY_SECONDS = 60
PROVIDER_CODE = re.compile(r"[A-Za-z0-9_.:-]{1,60}")
ENTRA_CODE = re.compile(r"\bAADSTS\d{4,8}\b")


class ProviderError(Exception):
    """The provider, or the way Assure is set up to talk to it, failed: a code IT can act on
    (the provider's own OAuth error code where it gave one, such as `invalid_client`) and
    the detail for the log."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail[:500]


class Refused(Exception):
    """The provider vouched for someone Assure will not let in."""

    def __init__(self, reason: str, *, user: User | None = None, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.user = user
        self.detail = detail


def provider_code(value: Any, fallback: str = "provider_error") -> str:
    """A provider's error code, safe to show and log: short, plain characters only."""
    text = str(value or "").strip()
    return text if PROVIDER_CODE.fullmatch(text) else fallback


def username_from_claims(claims: dict[str, Any]) -> str:
    """The council account the claims name: OIDC_USERNAME_CLAIM's value, else `email`."""
    value = claims.get(settings.OIDC_USERNAME_CLAIM) or claims.get("email") or ""
    return str(value).strip()


def identity_key(identity: str) -> str:
    """The form lockouts are counted under: the matched claim, lower-cased."""
    return identity.strip().lower()


class AssureOIDCBackend(OIDCAuthenticationBackend):
    """Kept in AUTHENTICATION_BACKENDS so that a session opened by single sign-on loads its
    user (and is known as a single sign-on session). It signs nobody in through
    `django.contrib.auth.authenticate`: the callback view (`sso.py`) runs the flow, so
    single sign-on never passes through the password lockout's counter."""

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> None:  # type: ignore[override]
        return None

    def get_user(self, user_id: Any) -> User | None:
        """A deactivated account's open session ends at its next request, as with a password
        (mozilla-django-oidc's own get_user would keep it)."""
        return ModelBackend.get_user(self, user_id)  # type: ignore[return-value]

    # --- the provider ----------------------------------------------------------------------

    def claims_for_code(
        self, *, request: HttpRequest, code: str, nonce: str | None, code_verifier: str | None
    ) -> dict[str, Any]:
        """Exchange the sign-in code for tokens and return the verified claims."""
        tokens = self.exchange_code(request=request, code=code, code_verifier=code_verifier)
        claims = self.verify_id_token(tokens["id_token"], nonce=nonce)
        access_token = tokens.get("access_token")
        if access_token and self.OIDC_OP_USER_ENDPOINT:
            claims = self.merge_userinfo(claims, access_token=str(access_token))
        return claims

    def _http(self) -> dict[str, Any]:
        return {
            "verify": self.get_settings("OIDC_VERIFY_SSL", True),
            "proxies": self.get_settings("OIDC_PROXY", None),
        }

    def _timeout(self) -> float:
        """Every call to the provider has a limit (OIDC_TIMEOUT_SECONDS): one that never
        answers must not hold a web worker for ever."""
        return float(self.get_settings("OIDC_TIMEOUT", 10))

    def exchange_code(
        self, *, request: HttpRequest, code: str, code_verifier: str | None
    ) -> dict[str, Any]:
        payload = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": absolutify(request, reverse("oidc_authentication_callback")),
        }
        if code_verifier:
            payload["code_verifier"] = code_verifier
        auth = None
        if self.get_settings("OIDC_TOKEN_USE_BASIC_AUTH", False):
            # RFC 6749 2.3.1: each part form-encoded before it goes into the header.
            auth = HTTPBasicAuth(
                quote_plus(self.OIDC_RP_CLIENT_ID), quote_plus(self.OIDC_RP_CLIENT_SECRET or "")
            )
        else:
            payload["client_id"] = self.OIDC_RP_CLIENT_ID
            payload["client_secret"] = self.OIDC_RP_CLIENT_SECRET or ""
        try:
            response = requests.post(
                self.OIDC_OP_TOKEN_ENDPOINT,
                data=payload,
                auth=auth,
                timeout=self._timeout(),
                **self._http(),
            )
        except requests.RequestException as error:
            raise ProviderError(
                "provider_unreachable", f"token endpoint: {type(error).__name__}: {error}"
            ) from error
        body = _json_or_none(response)
        if response.status_code != 200:
            raise _oauth_error(response, body, endpoint="token endpoint")
        if not isinstance(body, dict):
            raise ProviderError("bad_token_response", "the token endpoint's answer is not JSON")
        if not isinstance(body.get("id_token"), str) or not body["id_token"]:
            raise ProviderError("bad_token_response", "the token endpoint sent no ID token")
        return body

    def verify_id_token(self, token: str, *, nonce: str | None) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as error:
            raise ProviderError("id_token_invalid", f"not a JWT: {error}") from error
        algorithm = header.get("alg")
        if algorithm != self.OIDC_RP_SIGN_ALGO:
            raise ProviderError(
                "id_token_invalid",
                f"signed with {algorithm!r}, expected OIDC_RP_SIGN_ALGO {self.OIDC_RP_SIGN_ALGO!r}",
            )
        key = self._signing_key(token)
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_OP_ISSUER,
                leeway=LEEWAY_SECONDS,
                options={"require": ["iss", "aud", "exp", "iat", "sub"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise ProviderError("id_token_expired", str(error)) from error
        except jwt.ImmatureSignatureError as error:
            raise ProviderError("id_token_not_yet_valid", str(error)) from error
        except jwt.InvalidAudienceError as error:
            raise ProviderError(
                "id_token_audience", f"{error}; expected {self.OIDC_RP_CLIENT_ID!r}"
            ) from error
        except jwt.InvalidIssuerError as error:
            raise ProviderError(
                "id_token_issuer", f"{error}; expected OIDC_OP_ISSUER {settings.OIDC_OP_ISSUER!r}"
            ) from error
        except jwt.InvalidSignatureError as error:
            raise ProviderError("id_token_signature", str(error)) from error
        except (jwt.InvalidTokenError, jwt.PyJWKError, ValueError, TypeError) as error:
            raise ProviderError("id_token_invalid", str(error)) from error
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise ProviderError("id_token_audience", "several audiences and azp is not Assure")
        if self.get_settings("OIDC_USE_NONCE", True) and claims.get("nonce") != nonce:
            raise ProviderError("id_token_nonce", "the ID token's nonce is not the one sent")
        return claims

    def _signing_key(self, token: str) -> Any:
        if not self.OIDC_RP_SIGN_ALGO.startswith(("RS", "ES")):
            return self.OIDC_RP_CLIENT_SECRET
        if self.OIDC_RP_IDP_SIGN_KEY is not None:
            return self.OIDC_RP_IDP_SIGN_KEY
        try:
            return self.retrieve_matching_jwk(token)
        except requests.RequestException as error:
            raise ProviderError(
                "provider_unreachable", f"keys endpoint: {type(error).__name__}: {error}"
            ) from error
        except SuspiciousOperation as error:
            raise ProviderError(
                "id_token_signature", "no published key matches the ID token's key ID"
            ) from error
        except (ValueError, KeyError, TypeError, jwt.PyJWKError) as error:
            raise ProviderError("bad_keys_response", f"{type(error).__name__}: {error}") from error

    def merge_userinfo(self, claims: dict[str, Any], *, access_token: str) -> dict[str, Any]:
        """The user-information claims over the verified ID token's, so that a claim only the
        ID token carries (Entra ID's `preferred_username`) still names the person."""
        try:
            response = requests.get(
                self.OIDC_OP_USER_ENDPOINT,
                headers={"Authorization": f"Bearer {access_token}"},
                timeout=self._timeout(),
                **self._http(),
            )
        except requests.RequestException as error:
            raise ProviderError(
                "provider_unreachable",
                f"user-information endpoint: {type(error).__name__}: {error}",
            ) from error
        if response.status_code != 200:
            raise _oauth_error(
                response, _json_or_none(response), endpoint="user-information endpoint"
            )
        content_type = response.headers.get("content-type", "").lower()
        if content_type.startswith("application/jwt"):
            info: Any = self._verify_userinfo_jwt(response.text)
        else:
            info = _json_or_none(response)
        if not isinstance(info, dict):
            raise ProviderError("bad_userinfo_response", "the answer is not a JSON object")
        if "sub" in info and info["sub"] != claims.get("sub"):
            raise ProviderError(
                "userinfo_subject_mismatch", "user information is about someone else"
            )
        return {**claims, **info}

    def _verify_userinfo_jwt(self, token: str) -> dict[str, Any]:
        """A signed user-information answer: the same key, and its issuer and audience when
        it names them (OpenID Connect Core 5.3.2)."""
        key = self._signing_key(token)
        try:
            info = jwt.decode(
                token,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                options={"verify_aud": False, "verify_iss": False, "require": ["sub"]},
            )
        except (jwt.InvalidTokenError, jwt.PyJWKError) as error:
            raise ProviderError("bad_userinfo_response", str(error)) from error
        if "iss" in info and info["iss"] != settings.OIDC_OP_ISSUER:
            raise ProviderError("bad_userinfo_response", "signed by another issuer")
        audiences = info.get("aud", self.OIDC_RP_CLIENT_ID)
        audiences = audiences if isinstance(audiences, list) else [audiences]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise ProviderError("bad_userinfo_response", "meant for another client")
        return info

    # --- the person ------------------------------------------------------------------------

    def user_for_claims(self, claims: dict[str, Any]) -> User:
        """The one active Assure account the claims name (see the module's docstring)."""
        users = list(self.filter_users_by_claims(claims)[:2])
        if len(users) > 1:
            raise Refused(
                SignInEvent.Reason.AMBIGUOUS_ACCOUNT,
                detail=", ".join(u.username for u in users),
            )
        if not users:
            if self.get_settings("OIDC_CREATE_USER", False):
                return self.create_user(claims)
            raise Refused(SignInEvent.Reason.NO_ACCOUNT)
        user = users[0]
        if not user.is_active:
            raise Refused(SignInEvent.Reason.INACTIVE_ACCOUNT, user=user)
        return user

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        """The provider must name the person; an e-mail address alone is not required."""
        return bool(username_from_claims(claims))

    def describe_user_by_claims(self, claims: dict[str, Any]) -> str:
        return f"user name {username_from_claims(claims)!r}"

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        username = username_from_claims(claims)
        if not username:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(username__iexact=username).order_by("pk")

    def create_user(self, claims: dict[str, Any]) -> User:  # type: ignore[override]
        """Only with OIDC_CREATE_USER on: an account with no roles (it sees nothing until an
        administrator gives it roles) and no usable password."""
        from .services import user_create_from_sso

        return user_create_from_sso(
            username=username_from_claims(claims),
            email=str(claims.get("email") or ""),
            first_name=str(claims.get("given_name") or ""),
            last_name=str(claims.get("family_name") or ""),
        )


def _json_or_none(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _oauth_error(response: requests.Response, body: Any, *, endpoint: str) -> ProviderError:
    """The provider's refusal as it gave it (RFC 6749 5.2): its `error` code, and Entra ID's
    AADSTS number from the description when there is one."""
    if isinstance(body, dict) and body.get("error"):
        code = provider_code(body.get("error"))
        description = str(body.get("error_description") or "")
    else:
        code = f"http_{response.status_code}"
        description = response.text[:200] if isinstance(response.text, str) else ""
    entra = ENTRA_CODE.search(description)
    if entra:
        code = f"{code} {entra.group(0)}"
    return ProviderError(code, f"{endpoint} answered {response.status_code}: {description}")
