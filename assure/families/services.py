"""Writes to families. Each validates, writes and records a domain event in one transaction
(ARCHITECTURE rule 3). Practice reviews' writes are in `review_services.py`."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from assure.core import access, clock, events

from .models import Family, FamilyMember, Relationship


def _require_manager(actor: Any) -> None:
    if not access.can(actor, "manage_families"):
        raise PermissionDenied("You may not create families or link children to them.")


def _require_visible(actor: Any, child: Any) -> None:
    # A child the actor may not see is treated as one that does not exist.
    if actor is not None and not access.visible_children(actor).filter(pk=child.pk).exists():
        raise ValidationError("There is no child with that ID.")


def _clean_relationship(relationship: str) -> str:
    if relationship not in Relationship.values:
        raise ValidationError(f"“{relationship}” is not a relationship to the family.")
    return relationship


@transaction.atomic
def family_create(
    *, family_id: str, name: str = "", child: Any, relationship: str, actor: Any
) -> Family:
    """A new family with its first child (so that whoever creates it can see it)."""
    _require_manager(actor)
    _require_visible(actor, child)
    family_id = family_id.strip()
    if not family_id:
        raise ValidationError("Enter the family identifier.")
    if Family.objects.filter(family_id=family_id).exists():
        raise ValidationError("A family with this identifier already exists.")
    family = Family.objects.create(family_id=family_id, name=name.strip(), created_at=clock.now())
    events.record(
        actor=actor,
        verb="family_created",
        obj=family,
        summary=f"Family {family.family_id} created",
        data={"family_id": family.family_id, "name": family.name},
    )
    _link(family=family, child=child, relationship=relationship, actor=actor)
    return family


@transaction.atomic
def family_link_child(*, family: Family, child: Any, relationship: str, actor: Any) -> FamilyMember:
    _require_manager(actor)
    _require_visible(actor, child)
    if FamilyMember.objects.filter(family=family, child=child).exists():
        raise ValidationError("This child is already in the family.")
    return _link(family=family, child=child, relationship=relationship, actor=actor)


def _link(*, family: Family, child: Any, relationship: str, actor: Any) -> FamilyMember:
    member = FamilyMember.objects.create(
        family=family,
        child=child,
        relationship_to_family=_clean_relationship(relationship),
        linked_at=clock.now(),
    )
    events.record(
        actor=actor,
        verb="family_child_linked",
        obj=family,
        child=child,
        summary=(
            f"Linked to family {family.family_id} "
            f"({member.get_relationship_to_family_display().lower()})"
        ),
        data={"family_id": family.family_id, "relationship": relationship},
    )
    return member


@transaction.atomic
def family_unlink_child(*, family: Family, child: Any, actor: Any) -> None:
    _require_manager(actor)
    _require_visible(actor, child)
    deleted, _ = FamilyMember.objects.filter(family=family, child=child).delete()
    if not deleted:
        raise ValidationError("This child is not in the family.")
    events.record(
        actor=actor,
        verb="family_child_unlinked",
        obj=family,
        child=child,
        summary=f"Removed from family {family.family_id}",
        data={"family_id": family.family_id},
    )
