"""Writes to the child record made in Assure itself. Each validates, writes and records a
domain event in one transaction (ARCHITECTURE rule 3)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from assure.core import access, events
from assure.people.models import User

from .models import Child, ChildAccess


def _require_lead(actor: Any) -> None:
    access.require(
        actor,
        "manage_child_access",
        f"Only {access.who_may('manage_child_access')} may change who can see a restricted child.",
    )


@transaction.atomic
def child_restrict(*, child: Child, restricted: bool, reason: str, actor: User) -> Child:
    """Restrict a child's record to its access list (and the assurance lead), or lift it."""
    _require_lead(actor)
    if not reason.strip():
        raise ValidationError("Give a reason for the change.")
    if child.restricted == restricted:
        return child
    child.restricted = restricted
    child.save(update_fields=["restricted", "updated_at"])
    events.record(
        actor=actor,
        verb="child_restricted" if restricted else "child_restriction_lifted",
        obj=child,
        child=child,
        summary=("Record restricted" if restricted else "Restriction lifted") + f": {reason}",
        data={"reason": reason},
    )
    return child


@transaction.atomic
def child_access_grant(*, child: Child, user: User, reason: str, actor: User) -> ChildAccess:
    _require_lead(actor)
    if not reason.strip():
        raise ValidationError("Give a reason for giving this person access.")
    grant, created = ChildAccess.objects.get_or_create(
        child=child, user=user, defaults={"reason": reason[:200]}
    )
    if created:
        events.record(
            actor=actor,
            verb="child_access_granted",
            obj=child,
            child=child,
            summary=f"{user.username} added to the access list: {reason}",
            data={"user": user.username, "reason": reason},
        )
    return grant


@transaction.atomic
def child_access_revoke(*, child: Child, user: User, actor: User) -> None:
    _require_lead(actor)
    deleted, _ = ChildAccess.objects.filter(child=child, user=user).delete()
    if deleted:
        events.record(
            actor=actor,
            verb="child_access_revoked",
            obj=child,
            child=child,
            summary=f"{user.username} removed from the access list",
            data={"user": user.username},
        )
