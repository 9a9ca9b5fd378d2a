"""Single sign-on, the flow: from the provider's return to /oidc/callback/ to a person
signed in, or to a page that says plainly what happened.

- The `state` the provider returns must be one this browser's session started, and is used
  once: a replayed or foreign callback is refused before anything is sent to the provider.
- Failures are counted per council account (the claim matched to user names, lower-cased),
  never per address and never through django-axes' password counter, so one person's
  failures never lock anyone else out. After LOGIN_FAILURE_LIMIT of them, single sign-on is
  refused for that council account alone for LOGIN_LOCKOUT_HOURS (or until IT unlocks it:
  `assure sso-unlock`, or the administration site). Provider errors are not counted: they
  are Assure's set-up, not the person.
- Every sign-in and every refusal is a line of the sign-in log with its reason; every
  refusal is also logged (WARNING, logger `assure.people.sso`) with the provider's code and
  the reference the person is shown.
"""

import datetime as dt
import logging
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest

from assure.core import clock

from . import selectors, services
from .client_ip import client_ip
from .models import SignInEvent, User
from .oidc import (
    AssureOIDCBackend,
    ProviderError,
    Refused,
    identity_key,
    provider_code,
    username_from_claims,
)

LOGGER = logging.getLogger("assure.people.sso")
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
# Errors in the provider's answer that mean the person stopped, or was not let through,
# at the provider: not a fault in Assure's set-up.
CANCELLED_CODES = frozenset({"access_denied", "consent_required", "interaction_required"})
CLAIMS_KEPT = ("sub", "oid", "tid", "iss", "preferred_username", "email", "upn")

Reason = SignInEvent.Reason


def new_reference() -> str:
    """A reference the person can read out to IT, to find the sign-in log's line."""
    text = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{text[:4]}-{text[4:]}"


@dataclass
class Outcome:
    """What became of one return from the provider."""

    kind: str  # signed_in, problem, refused, locked, stale, cancelled
    reference: str
    at: dt.datetime
    user: User | None = None
    reason: str = ""
    code: str = ""
    identity: str = ""
    failures: int = 0
    locked_now: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def for_page(self) -> dict[str, Any]:
        """What the outcome page shows, kept in the session (plain JSON)."""
        return {
            "kind": self.kind,
            "reference": self.reference,
            "at": self.at.isoformat(),
            "reason": self.reason,
            "code": self.code,
            "identity": self.identity,
            "failures": self.failures,
            "locked_now": self.locked_now,
        }


def complete(*, request: HttpRequest) -> Outcome:
    """Finish a single sign-on from the provider's answer in `request.GET`."""
    reference = new_reference()
    now = clock.now()
    address = client_ip(request)
    entry = _take_state(request)

    def refuse(kind: str, reason: str, **fields: Any) -> Outcome:
        detail = fields.pop("detail", {})
        outcome = Outcome(kind=kind, reference=reference, at=now, reason=reason, **fields)
        services.sign_in_record(
            method=SignInEvent.Method.SSO,
            outcome=SignInEvent.Outcome.REFUSED,
            reason=reason,
            identity=outcome.identity,
            user=outcome.user,
            address=address,
            reference=reference,
            detail={"code": outcome.code, **detail} if outcome.code else detail,
        )
        LOGGER.warning(
            "Single sign-on refused: %s%s%s (reference %s, address %s)%s",
            reason,
            f" {outcome.code}" if outcome.code else "",
            f" for {outcome.identity}" if outcome.identity else "",
            reference,
            address,
            f": {detail.get('detail')}" if detail.get("detail") else "",
        )
        return outcome

    error = request.GET.get("error")
    if error is not None:
        code = provider_code(error)
        description = request.GET.get("error_description", "")[:300]
        if code in CANCELLED_CODES:
            return refuse("cancelled", Reason.CANCELLED, code=code, detail={"detail": description})
        return refuse("problem", Reason.PROVIDER_ERROR, code=code, detail={"detail": description})
    if entry is None or not request.GET.get("code"):
        return refuse(
            "stale",
            Reason.STALE_CALLBACK,
            detail={"detail": "no sign-in started in this browser has this state"},
        )
    returned_issuer = request.GET.get("iss")
    if returned_issuer is not None and returned_issuer != settings.OIDC_OP_ISSUER:
        return refuse(
            "problem",
            Reason.PROVIDER_ERROR,
            code="authorization_response_issuer",
            detail={"detail": f"the answer came from {returned_issuer[:200]!r}"},
        )

    backend = AssureOIDCBackend()
    try:
        claims = backend.claims_for_code(
            request=request,
            code=request.GET["code"],
            nonce=entry.get("nonce"),
            code_verifier=entry.get("code_verifier"),
        )
    except ProviderError as problem:
        return refuse(
            "problem", Reason.PROVIDER_ERROR, code=problem.code, detail={"detail": problem.detail}
        )

    kept = {name: str(claims[name])[:254] for name in CLAIMS_KEPT if name in claims}
    username = username_from_claims(claims)
    if not username:
        return refuse(
            "problem",
            Reason.PROVIDER_ERROR,
            code="no_username_claim",
            detail={
                "detail": f"neither {settings.OIDC_USERNAME_CLAIM} nor email was sent",
                "claims": kept,
            },
        )
    identity = identity_key(username)
    lockout = selectors.sso_lockout_active(identity=identity)
    if lockout is not None:
        return refuse(
            "locked",
            Reason.SSO_LOCKED,
            identity=identity,
            failures=lockout.failures,
            detail={"claims": kept, "locked_until": lockout.locked_until.isoformat()},
        )
    try:
        with transaction.atomic():
            user = backend.user_for_claims(claims)
    except Refused as refusal:
        with transaction.atomic():
            counted = services.sso_failure_count(identity=identity)
            return refuse(
                "refused",
                refusal.reason,
                identity=identity,
                user=refusal.user,
                failures=counted.failures,
                locked_now=counted.locked_until is not None,
                detail={"claims": kept, "detail": refusal.detail},
            )

    with transaction.atomic():
        services.sso_failures_forget(identity=identity)
        services.sign_in_record(
            method=SignInEvent.Method.SSO,
            outcome=SignInEvent.Outcome.SIGNED_IN,
            identity=identity,
            user=user,
            address=address,
            reference=reference,
            detail={"claims": kept},
        )
    LOGGER.info("Single sign-on: %s signed in as %s", identity, user.username)
    return Outcome(kind="signed_in", reference=reference, at=now, user=user, identity=identity)


def _take_state(request: HttpRequest) -> dict[str, Any] | None:
    """The sign-in this browser started with the returned `state`, removed from the session
    so that it cannot be used twice (whether or not the rest succeeds)."""
    state = request.GET.get("state")
    states = request.session.get("oidc_states")
    if not state or not isinstance(states, dict) or state not in states:
        return None
    entry = states.pop(state)
    request.session["oidc_states"] = states
    request.session.save()
    return entry if isinstance(entry, dict) else None


# --- what the pages say --------------------------------------------------------------------

PROBLEMS = {
    "invalid_client": "The council's sign-in service did not accept Assure's client ID or "
    "secret. The secret may have expired or been replaced.",
    "unauthorized_client": "The council's sign-in service does not allow Assure to sign "
    "people in this way.",
    "invalid_grant": "The council's sign-in service did not accept the sign-in code it had "
    "just given. Try again; if it happens again, tell IT.",
    "provider_unreachable": "Assure could not reach the council's sign-in service. It may be "
    "down, or Assure's server may not be allowed to reach it.",
    "no_username_claim": "The council's sign-in service did not say who you are.",
    "authorization_response_issuer": "The answer did not come from the council's sign-in "
    "service that Assure is set up to use.",
    "temporarily_unavailable": "The council's sign-in service is busy or down for the "
    "moment. Try again in a few minutes.",
    "server_error": "The council's sign-in service had a problem of its own.",
}
SECURITY_CHECK = (
    "The council's sign-in service sent an answer that failed Assure's security checks, so "
    "Assure did not trust it."
)
UNREADABLE = "The council's sign-in service sent an answer Assure could not read."
GENERIC = "The council's sign-in service reported a problem."


def explain(code: str) -> str:
    """What a provider error code means, in words for the person and their IT desk."""
    base = code.split()[0] if code else ""
    if base in PROBLEMS:
        return PROBLEMS[base]
    if base.startswith("id_token_") or base == "userinfo_subject_mismatch":
        return SECURITY_CHECK
    if base.startswith("bad_"):
        return UNREADABLE
    return GENERIC


HEADINGS = {
    "problem": "Signing in with your council account is not working",
    "locked": "Signing in with your council account is locked for now",
    "stale": "This sign-in link has already been used or has expired",
    "cancelled": "You did not finish signing in",
    Reason.INACTIVE_ACCOUNT: "Your Assure account is switched off",
    Reason.AMBIGUOUS_ACCOUNT: "Assure cannot tell which account is yours",
    Reason.NO_ACCOUNT: "You do not have an Assure account",
}


def heading(*, kind: str, reason: str) -> str:
    return HEADINGS.get(kind) or HEADINGS.get(reason) or HEADINGS[Reason.NO_ACCOUNT]


def wait_words() -> str:
    """How long a lockout lasts, in words (LOGIN_LOCKOUT_HOURS)."""
    minutes = round(float(settings.AXES_COOLOFF_TIME) * 60)
    if minutes == 60:
        return "an hour"
    return f"{minutes} minutes" if minutes < 120 else f"{round(minutes / 60)} hours"
