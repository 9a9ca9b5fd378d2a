"""Writes about people: users, roles, teams and API tokens. Each records a domain event."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from assure.core import access, clock, events

from .models import ApiToken, SignInEvent, SingleSignOnLockout, Team, User, UserRole
from .roles import ROLE_SLUGS, Role
from .selectors import user_facts


@transaction.atomic
def user_create(
    *,
    username: str,
    roles: Iterable[str],
    teams: Iterable[str] = (),
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    actor: Any = None,
) -> User:
    """Create a user with roles and teams (creating any team not known yet). Without a
    password the account cannot sign in with one: single sign-on or the API only."""
    roles = sorted(set(roles))
    unknown = [r for r in roles if r not in ROLE_SLUGS]
    if unknown:
        raise ValidationError(
            f"Unknown role {', '.join(unknown)}. Roles are: {', '.join(sorted(ROLE_SLUGS))}."
        )
    if not roles:
        raise ValidationError("A user needs at least one role.")
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(f"A user called {username} already exists.")
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in roles])
    team_objs = [Team.objects.get_or_create(name=name.strip())[0] for name in teams if name.strip()]
    user.teams.set(team_objs)
    events.record(
        actor=actor,
        verb="user_created",
        obj=user,
        summary=f"Created {username} as {', '.join(roles)}",
        data={"roles": roles, "teams": [t.name for t in team_objs]},
    )
    return user


def _role_names(slugs: Iterable[str]) -> str:
    return ", ".join(Role(slug).label for slug in slugs) or "no role"


def _user_change_summary(*, username: str, before: dict[str, Any], after: dict[str, Any]) -> str:
    """In words, for the event list: roles and access first, as they decide what is seen."""
    parts = []
    if before["roles"] != after["roles"]:
        parts.append(f"roles from {_role_names(before['roles'])} to {_role_names(after['roles'])}")
    if before["teams"] != after["teams"]:
        parts.append(f"teams {', '.join(after['teams']) or 'none'}")
    if before["is_active"] != after["is_active"]:
        parts.append("reactivated" if after["is_active"] else "deactivated")
    access_keys = {"roles", "teams", "is_active"}
    details = [k for k in after if k not in access_keys and before[k] != after[k]]
    if details:
        parts.append(f"changed {', '.join(k.replace('_', ' ') for k in details)}")
    return f"{username}: {'; '.join(parts)}"


# The action that makes someone an administrator: whoever holds it, active, can let people
# in. Asked of the access policy by name, so the rule follows its permission table.
ADMINISTERING = "manage_users"


def _administers(*, is_active: bool, roles: Iterable[str]) -> bool:
    return is_active and bool(set(roles) & access.PERMISSIONS[ADMINISTERING])


def _lockout_refusals(
    *, username: str, is_active: bool, roles: Iterable[str], by_self: bool, others_remain: bool
) -> dict[str, str]:
    """Why a change to an active administrator's access would lock administrators out, by
    the field it is about ("is_active", "roles"); empty if it would not."""
    role = _role_names(sorted(access.PERMISSIONS[ADMINISTERING]))
    keeps_role = _administers(is_active=True, roles=roles)
    refusals = {}
    if by_self:
        if not is_active:
            refusals["is_active"] = (
                "You cannot deactivate your own account. Another administrator can do it."
            )
        if not keeps_role:
            refusals["roles"] = (
                f"You cannot remove your own {role} role. Another administrator can do it."
            )
    elif not others_remain:
        only = f"{username} is the only active {role.lower()}."
        if not is_active:
            refusals["is_active"] = (
                f"{only} Give someone else the {role} role before you deactivate {username}."
            )
        if not keeps_role:
            refusals["roles"] = (
                f"{only} Give someone else the {role} role before you remove it from {username}."
            )
    return refusals


@transaction.atomic
def user_access_check(*, user: User, is_active: bool, roles: Iterable[str], actor: Any) -> None:
    """Refuse, before it is saved, a change to whether a person may sign in or to their roles
    that could lock every administrator out: an administrator may not deactivate themselves
    or remove their own administrator role, and nobody may do either to the last active
    administrator. Raises ValidationError keyed by "is_active" and "roles".

    The active administrators are locked until the caller's transaction ends, so that two
    administrators deactivating each other at the same moment cannot both succeed."""
    if user.pk is None:
        return  # someone being added takes no administrator away
    admins = set(
        User.objects.select_for_update()
        .filter(pk__in=access.holders(ADMINISTERING).values("pk"))
        .values_list("pk", flat=True)
    )
    if user.pk not in admins:
        return
    refusals = _lockout_refusals(
        username=user.username,
        is_active=is_active,
        roles=roles,
        by_self=actor is not None and actor.pk == user.pk,
        others_remain=bool(admins - {user.pk}),
    )
    if refusals:
        raise ValidationError(refusals)


@transaction.atomic
def user_admin_saved(*, user: User, before: dict[str, Any] | None, actor: Any) -> None:
    """Record what the administration site just saved about a person (Django's admin writes
    the rows; this is the domain event every other write of a user has). `before` is
    `selectors.user_facts` read before the save, or None for a person just added."""
    after = user_facts(user=user)
    _refuse_lockout(user=user, before=before, after=after, actor=actor)
    if before is None:
        events.record(
            actor=actor,
            verb="user_created",
            obj=user,
            summary=f"Created {user.username} as {_role_names(after['roles'])}",
            data={"roles": after["roles"], "teams": after["teams"], "via": "administration site"},
        )
        return
    changed = [k for k in after if before[k] != after[k]]
    if not changed:
        return
    events.record(
        actor=actor,
        verb="user_changed",
        obj=user,
        summary=_user_change_summary(username=user.username, before=before, after=after),
        data={"before": {k: before[k] for k in changed}, "after": {k: after[k] for k in changed}},
    )


def _refuse_lockout(
    *, user: User, before: dict[str, Any] | None, after: dict[str, Any], actor: Any
) -> None:
    """The same rule as `user_access_check`, on what was written: if a change got past the
    form anyway, raising here undoes it with the rest of the caller's transaction."""
    if before is None or not _administers(is_active=before["is_active"], roles=before["roles"]):
        return
    refusals = _lockout_refusals(
        username=user.username,
        is_active=after["is_active"],
        roles=after["roles"],
        by_self=actor is not None and actor.pk == user.pk,
        others_remain=access.holders(ADMINISTERING).exclude(pk=user.pk).exists(),
    )
    if refusals:
        raise ValidationError(refusals)


@transaction.atomic
def api_token_lifetime() -> dt.timedelta:
    return dt.timedelta(days=settings.API_TOKEN_DAYS)


def api_token_create(
    *, user: User, name: str = "", actor: Any = None, write: bool = False
) -> tuple[ApiToken, str]:
    """Issue a bearer token: read only unless `write` (for someone whose role makes API
    writes). It expires API_TOKEN_DAYS from now. The raw token is returned once and never
    stored."""
    if write and not access.can(user, "write_through_api"):
        raise PermissionDenied(
            f"{user.username}'s role makes no writes through the API: issue a read-only token."
        )
    raw = ApiToken.new_raw_token()
    token = ApiToken.objects.create(
        user=user,
        name=name[:120],
        prefix=raw[:10],
        digest=ApiToken.digest_of(raw),
        scope=ApiToken.Scope.WRITE if write else ApiToken.Scope.READ,
        expires_at=clock.now() + api_token_lifetime(),
    )
    events.record(
        actor=actor or user,
        verb="api_token_created",
        obj=token,
        summary=f"API token {token.prefix}… ({token.get_scope_display().lower()}) for "
        f"{user.username}",
        data={"scope": token.scope, "expires_at": token.expires_at.isoformat()},
    )
    return token, raw


@transaction.atomic
def api_token_renew(*, token: ApiToken, actor: Any) -> ApiToken:
    """Another API_TOKEN_DAYS from now, for a token that is not revoked (an expired one
    may be renewed: its owner keeps the same token in their reports)."""
    if token.revoked_at is not None:
        raise ValidationError("A revoked token cannot be renewed: create a new one.")
    before = token.expires_at
    token.expires_at = clock.now() + api_token_lifetime()
    token.save(update_fields=["expires_at"])
    events.record(
        actor=actor,
        verb="api_token_renewed",
        obj=token,
        summary=f"API token {token.prefix}… of {token.user.username} renewed",
        data={"before": before.isoformat(), "after": token.expires_at.isoformat()},
    )
    return token


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: Any) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
        events.record(
            actor=actor,
            verb="api_token_revoked",
            obj=token,
            summary=f"API token {token.prefix}… of {token.user.username} revoked",
        )
    return token


def api_token_touch(*, token_digest: str) -> None:
    """Note when a token was last used (not a domain event: it is bookkeeping)."""
    ApiToken.objects.filter(digest=token_digest).update(last_used_at=clock.now())


@transaction.atomic
def authenticator_confirm(*, device: Any, actor: Any) -> Any:
    """A person has proved their new authenticator app with a right code: from now on every
    password sign-in asks for a code."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    events.record(
        actor=actor,
        verb="authenticator_set_up",
        obj=device.user,
        summary=f"Authenticator {device.name!r} of {device.user.username} set up",
    )
    return device


@transaction.atomic
def authenticator_reset(*, device: Any, actor: Any) -> None:
    """Remove a person's authenticator (a lost phone): they set up a new one at next sign-in,
    or before the admin site if they are an administrator."""
    owner = device.user
    events.record(
        actor=actor,
        verb="authenticator_reset",
        obj=owner,
        summary=f"Authenticator {device.name!r} of {owner.username} removed",
    )
    device.delete()


@transaction.atomic
def lockout_clear(*, attempt: Any, actor: Any) -> None:
    """Unlock a user name locked out after repeated failed sign-ins (django-axes)."""
    events.record(
        actor=actor,
        verb="lockout_cleared",
        obj=attempt,
        summary=f"Sign-in lockout of {attempt.username} from {attempt.ip_address} cleared",
    )
    attempt.delete()


# --- sign-ins ----------------------------------------------------------------------------


def sign_in_record(
    *,
    method: str,
    outcome: str,
    reason: str = "",
    identity: str = "",
    user: Any = None,
    address: str | None = None,
    reference: str = "",
    detail: dict[str, Any] | None = None,
) -> SignInEvent:
    """Write one line of the sign-in log and, in the same transaction, the domain event
    that goes with it (`signed_in` or `sign_in_refused`, with the method and the reason), so
    that the history of who did what shows who came in and who was kept out. The log keeps
    the detail (the address, the claims, the provider's code) for the administration site;
    the event says what happened in a line."""
    with transaction.atomic():
        entry = SignInEvent.objects.create(
            at=clock.now(),
            method=method,
            outcome=outcome,
            reason=reason,
            identity=identity[:254],
            user=user if getattr(user, "pk", None) else None,
            address=address or None,
            reference=reference,
            detail=detail or {},
        )
        signed_in = outcome == SignInEvent.Outcome.SIGNED_IN
        how = entry.get_method_display().lower()
        who = identity or "someone unknown"
        why = f": {entry.reason_words}" if entry.reason else ""
        events.record(
            # The person is the actor only once they are in; a refusal is the system's act.
            actor=entry.user if signed_in else None,
            verb="signed_in" if signed_in else "sign_in_refused",
            obj=entry,
            summary=(f"{who} signed in ({how})" if signed_in else f"{who} refused ({how}){why}"),
            data={
                "method": method,
                "reason": reason,
                "identity": entry.identity,
                "user": entry.user_id,
                "reference": reference,
                **({"code": entry.detail["code"]} if "code" in entry.detail else {}),
            },
        )
    return entry


def sso_cooloff() -> dt.timedelta:
    return dt.timedelta(hours=float(settings.AXES_COOLOFF_TIME))


@transaction.atomic
def sso_failure_count(*, identity: str) -> SingleSignOnLockout:
    """Count one failed single sign-on against one council account (`identity`, already
    lower-cased): the LOGIN_FAILURE_LIMIT-th within LOGIN_LOCKOUT_HOURS of the one before
    locks single sign-on for that account, and only that account, for LOGIN_LOCKOUT_HOURS.
    Failures further apart than that start the count again."""
    now = clock.now()
    cooloff = sso_cooloff()
    lockout, _ = SingleSignOnLockout.objects.select_for_update().get_or_create(
        identity=identity, defaults={"last_failure_at": now}
    )
    if lockout.last_failure_at < now - cooloff:
        lockout.failures = 0
        lockout.locked_until = None
    lockout.failures += 1
    lockout.last_failure_at = now
    if lockout.failures >= settings.AXES_FAILURE_LIMIT:
        lockout.locked_until = now + cooloff
    lockout.save()
    return lockout


def sso_failures_forget(*, identity: str) -> None:
    """A successful single sign-on clears that account's count (bookkeeping, no event)."""
    SingleSignOnLockout.objects.filter(identity=identity).delete()


@transaction.atomic
def sso_lockout_clear(*, lockout: SingleSignOnLockout, actor: Any) -> None:
    """Unlock single sign-on for one council account before its lockout runs out."""
    events.record(
        actor=actor,
        verb="sso_lockout_cleared",
        obj=lockout,
        summary=f"Single sign-on lockout of {lockout.identity} cleared",
        data={
            "failures": lockout.failures,
            "locked_until": lockout.locked_until.isoformat() if lockout.locked_until else None,
        },
    )
    lockout.delete()


@transaction.atomic
def user_create_from_sso(*, username: str, email: str, first_name: str, last_name: str) -> User:
    """With OIDC_CREATE_USER on, the account a council account without one is given: no
    roles (it sees nothing until an administrator gives it some) and no usable password."""
    user = User(username=username, email=email, first_name=first_name, last_name=last_name)
    user.set_unusable_password()
    user.save()
    events.record(
        actor=None,
        verb="user_created",
        obj=user,
        summary=f"Created {username} at their first single sign-on, with no roles",
        data={"roles": [], "teams": [], "via": "single sign-on"},
    )
    return user
