"""Writes about people: users, roles, teams and API tokens. Each records a domain event."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from assure.core import clock, events

from .models import ApiToken, Team, User, UserRole
from .roles import ROLE_SLUGS


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


@transaction.atomic
def api_token_create(*, user: User, name: str = "", actor: Any = None) -> tuple[ApiToken, str]:
    """Issue a bearer token. The raw token is returned once and never stored."""
    raw = ApiToken.new_raw_token()
    token = ApiToken.objects.create(
        user=user, name=name[:120], prefix=raw[:10], digest=ApiToken.digest_of(raw)
    )
    events.record(
        actor=actor or user,
        verb="api_token_created",
        obj=token,
        summary=f"API token {token.prefix}… for {user.username}",
    )
    return token, raw


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
