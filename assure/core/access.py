"""The one access policy (ARCHITECTURE rules 1 and 2).

`visible_children` answers "which children may this user see" as a queryset filter; the same
predicate guards lists, single records, exports and the API. `can` answers "what may they
do". A child outside the policy is treated exactly like one that does not exist (404).

- practitioner, team_manager: children allocated to their teams;
- service_manager, head_of_service: children of the teams they oversee (their teams);
- assurance_lead, auditor, director, performance_officer, legal, iro: all children that are
  not restricted;
- panel_member: the children on the agendas of their panels' meetings, from when the item
  is added until 30 days after the meeting (restricted ones only if on the access list);
- admin: none by virtue of the role;
- a restricted child: the assurance lead, and the people on its access list who hold any
  role that sees children.
"""

from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

from assure.people.roles import Role

from . import clock
from .models import AccessEvent

ALL_UNRESTRICTED_ROLES = frozenset(
    {
        Role.ASSURANCE_LEAD,
        Role.AUDITOR,
        Role.DIRECTOR,
        Role.PERFORMANCE_OFFICER,
        Role.LEGAL,
        Role.IRO,
    }
)
TEAM_ROLES = frozenset(
    {Role.PRACTITIONER, Role.TEAM_MANAGER, Role.SERVICE_MANAGER, Role.HEAD_OF_SERVICE}
)
CHILD_ROLES = ALL_UNRESTRICTED_ROLES | TEAM_ROLES

# What each role may do beyond seeing children. One table, read by views, the API and
# templates alike.
PERMISSIONS: dict[str, frozenset[str]] = {
    "view_children": CHILD_ROLES,
    "view_access_report": frozenset({Role.ASSURANCE_LEAD}),
    "manage_child_access": frozenset({Role.ASSURANCE_LEAD}),
    "manage_users": frozenset({Role.ADMIN}),
    "import_data": frozenset({Role.PERFORMANCE_OFFICER, Role.ADMIN}),
    "audit_cases": frozenset({Role.AUDITOR, Role.ASSURANCE_LEAD}),
    # Audits, findings and escalations about a child: whoever may see the child may see its
    # audits (the audit pages, the child page and a family's chronology alike), panel members
    # within their window included. One named action, so that a council could narrow it.
    "view_audits": CHILD_ROLES | {Role.PANEL_MEMBER},
    "moderate_audits": frozenset({Role.ASSURANCE_LEAD}),
    "manage_audit_templates": frozenset({Role.ASSURANCE_LEAD}),
    "manage_families": frozenset({Role.ASSURANCE_LEAD, Role.AUDITOR}) | TEAM_ROLES,
    "start_practice_review": frozenset({Role.ASSURANCE_LEAD, Role.AUDITOR}),
    "view_practice_reviews": frozenset(
        {Role.ASSURANCE_LEAD, Role.AUDITOR, Role.DIRECTOR, Role.HEAD_OF_SERVICE}
    ),
    "manage_panels": frozenset({Role.ASSURANCE_LEAD, Role.ADMIN}),
    "view_panels": frozenset(
        {Role.ASSURANCE_LEAD, Role.ADMIN, Role.PANEL_MEMBER, Role.LEGAL, Role.DIRECTOR}
    )
    | (TEAM_ROLES - {Role.PRACTITIONER}),
    "put_to_panel": frozenset({Role.ASSURANCE_LEAD, Role.LEGAL}) | TEAM_ROLES,
    "raise_proposals": frozenset({Role.ASSURANCE_LEAD}) | TEAM_ROLES,
    "approve_decisions": frozenset(
        {Role.TEAM_MANAGER, Role.SERVICE_MANAGER, Role.HEAD_OF_SERVICE, Role.DIRECTOR}
    ),
    "manage_scheme": frozenset({Role.ASSURANCE_LEAD, Role.DIRECTOR}),
    "view_arrangements_review": frozenset({Role.ASSURANCE_LEAD, Role.DIRECTOR}),
    # Insights figures count only the children the person may see, so anyone who sees
    # children may see their own figures.
    "view_insights": CHILD_ROLES,
    # Evidence, recommendations, the response plan and the reports: the people who run or
    # oversee the assurance work.
    "view_evidence": frozenset(
        {
            Role.ASSURANCE_LEAD,
            Role.AUDITOR,
            Role.DIRECTOR,
            Role.HEAD_OF_SERVICE,
            Role.PERFORMANCE_OFFICER,
        }
    ),
    "manage_evidence": frozenset({Role.ASSURANCE_LEAD, Role.AUDITOR, Role.PERFORMANCE_OFFICER}),
    "manage_insights_settings": frozenset({Role.ASSURANCE_LEAD}),
    "manage_response_plan": frozenset({Role.ASSURANCE_LEAD, Role.DIRECTOR}),
    "decide_recommendations": frozenset({Role.DIRECTOR}),
}


def can(user: Any, action: str) -> bool:
    """May this user do this action at all? (Which children it applies to is
    `visible_children`.)"""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    allowed = PERMISSIONS.get(action)
    if allowed is None:
        raise KeyError(f"Unknown action {action!r}")
    return bool(user.role_slugs & allowed)


def child_visibility_q(user: Any, prefix: str = "") -> Q:
    """The policy as a Q over Child (or over a model that reaches Child through `prefix`,
    such as "child__")."""
    nothing = Q(**{f"{prefix}pk__in": []})
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return nothing
    from assure.children.models import ChildAccess
    from assure.people.models import User

    roles = user.role_slugs
    allowed = nothing
    if roles & ALL_UNRESTRICTED_ROLES:
        allowed |= Q(**{f"{prefix}restricted": False})
    elif roles & TEAM_ROLES:
        team_ids = User.teams.through.objects.filter(user_id=user.pk).values("team_id")
        allowed |= Q(**{f"{prefix}restricted": False, f"{prefix}team_id__in": team_ids})
    if Role.ASSURANCE_LEAD in roles:
        allowed |= Q(**{f"{prefix}restricted": True})
    elif roles & CHILD_ROLES:
        granted = ChildAccess.objects.filter(user_id=user.pk).values("child_id")
        allowed |= Q(**{f"{prefix}restricted": True, f"{prefix}pk__in": granted})
    if Role.PANEL_MEMBER in roles:
        from assure.panels.selectors import agenda_child_ids_for_member

        on_agenda = agenda_child_ids_for_member(user_id=user.pk)
        granted = ChildAccess.objects.filter(user_id=user.pk).values("child_id")
        allowed |= Q(**{f"{prefix}pk__in": on_agenda}) & (
            Q(**{f"{prefix}restricted": False}) | Q(**{f"{prefix}pk__in": granted})
        )
    return allowed


def visible_children(user: Any) -> QuerySet:
    """Every child this user may see."""
    from assure.children.models import Child

    return Child.objects.filter(child_visibility_q(user))


def record_access(
    *, user: Any, child: Any, via: str, where: str, detail: dict[str, Any] | None = None
) -> AccessEvent:
    """Log one read of a child's record."""
    return AccessEvent.objects.create(
        at=clock.now(), user=user, child=child, via=via, where=where[:300], detail=detail or {}
    )


def record_accesses(
    *,
    user: Any,
    child_pks: list[int],
    via: str,
    where: str,
    detail: dict[str, Any] | None = None,
) -> int:
    """Log one read of each of several children's records in one bulk insert, so that a page
    showing many children (a family, an export) costs the same whatever their number."""
    if not child_pks:
        return 0
    # One prepared row repeated with each child's pk, through executemany: an export of
    # 100,000 children would otherwise build and prepare 100,000 model instances (a fifth
    # of its time). The values are prepared by the model's own fields.
    fields = {f.name: f for f in AccessEvent._meta.concrete_fields}
    prepared = {
        "at": fields["at"].get_db_prep_save(clock.now(), connection),
        "user": user.pk,
        "via": via,
        "where": where[:300],
        "detail": fields["detail"].get_db_prep_save(detail or {}, connection),
    }
    names = [*prepared, "child"]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(fields[name].column) for name in names)
    marks = ", ".join(["%s"] * len(names))
    table = quote(AccessEvent._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 (names from the model)
    common = tuple(prepared.values())
    with connection.cursor() as cursor:
        for start in range(0, len(child_pks), 5000):
            cursor.executemany(sql, [(*common, pk) for pk in child_pks[start : start + 5000]])
    return len(child_pks)


def record_export(
    *, user: Any, where: str, child_pks: list[int], detail: dict[str, Any] | None = None
) -> int:
    """Log an export: one event for each child it held, so that "who looked at this child"
    includes every export that carried them."""
    return record_accesses(
        user=user, child_pks=child_pks, via=AccessEvent.Via.EXPORT, where=where, detail=detail
    )
