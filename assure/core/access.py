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
- admin, information_governance: none by virtue of the role;
- a restricted child: the assurance lead, and the people on its access list who hold any
  role that sees children.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

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
    # Emails Assure could not send (what was meant and to whom; the administrator sees no
    # child's ID in them).
    "view_email_deliveries": frozenset({Role.ASSURANCE_LEAD, Role.ADMIN}),
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
    # --- audits: who runs them ---
    # Allocate a child to another auditor (in bulk, by strand), invite participants.
    "allocate_audits": frozenset({Role.ASSURANCE_LEAD}),
    # Close a submitted audit, take it into moderation or return it to its auditor.
    "review_audits": frozenset({Role.ASSURANCE_LEAD}),
    "plan_audit_programmes": frozenset({Role.ASSURANCE_LEAD}),
    # The theme taxonomy, the grade scale and the audit settings.
    "configure_audits": frozenset({Role.ASSURANCE_LEAD}),
    # Told when an audit raises an escalation about a child of their team, and acknowledge it.
    "acknowledge_escalations": frozenset({Role.TEAM_MANAGER, Role.HEAD_OF_SERVICE}),
    # See the escalations not yet acknowledged, on the home page.
    "see_escalations": frozenset(
        {Role.ASSURANCE_LEAD, Role.HEAD_OF_SERVICE, Role.DIRECTOR, Role.TEAM_MANAGER}
    ),
    # Manage the people of their teams: complete their actions.
    "manage_team_members": frozenset({Role.TEAM_MANAGER}),
    # Own an action agreed in an audit of a child of their own teams: the people who work
    # the case or manage it (its worker and the team's practitioners, the team manager, the
    # service manager and the head of service). Not the director, whose part is the scheme
    # of delegation, nor those who only read the file (performance, legal, the IRO). The
    # assurance team owns its own follow-ups through `audit_cases`
    # (`audits.selectors.action_owners`). The same people, the case team, are whom a
    # collaborative audit of the child invites as its practitioner
    # (`audits.selectors.case_team`).
    "own_case_actions": TEAM_ROLES,
    # Manage the cases of their teams' children: the team manager, the service manager and
    # the head of service, not the practitioners who work them (nor `manage_team_members`,
    # which is the team manager's alone and about people, not cases). They alone take the
    # manager's place in a collaborative audit of such a child
    # (`audits.selectors.case_managers`).
    "manage_cases": TEAM_ROLES - {Role.PRACTITIONER},
    # The overdue actions of the people of their teams, on the home page.
    "oversee_team_actions": TEAM_ROLES - {Role.PRACTITIONER},
    # Every overdue action, on the home page.
    "oversee_all_actions": frozenset({Role.ASSURANCE_LEAD}),
    # --- practice reviews ---
    "review_practice": frozenset({Role.ASSURANCE_LEAD, Role.AUDITOR}),  # may be a reviewer
    # A reviewer of every review, who alone reopens a concluded one.
    "lead_practice_reviews": frozenset({Role.ASSURANCE_LEAD}),
    # --- the rest ---
    "manage_tracker_rules": frozenset({Role.ASSURANCE_LEAD}),
    # Emailed when the drop folder's automatic import is applied or refused (the problems
    # name rows of children's records, so not the administrator).
    "told_of_automatic_imports": frozenset({Role.PERFORMANCE_OFFICER}),
    # Always gives a second factor at sign-in (with Assure's own sign-in).
    "always_second_factor": frozenset({Role.ADMIN}),
    # --- data protection (governance; ADR 0009) ---
    # The retention rules: configuration, no child's data.
    "manage_retention": frozenset({Role.ADMIN, Role.INFORMATION_GOVERNANCE}),
    # The retention report: counts by kind of record for all; each child's ID only for those
    # who also hold `view_children` (and only the children they see).
    "view_retention_report": frozenset(
        {Role.ADMIN, Role.INFORMATION_GOVERNANCE, Role.ASSURANCE_LEAD}
    ),
    "propose_deletion": frozenset({Role.INFORMATION_GOVERNANCE, Role.ASSURANCE_LEAD}),
    # Never their own proposal (the deletion workflow's rule).
    "approve_deletion": frozenset({Role.INFORMATION_GOVERNANCE}),
    "manage_legal_holds": frozenset({Role.ASSURANCE_LEAD, Role.LEGAL}),
    # Everything Assure holds about one child, as one download (the child must be one the
    # person sees).
    "export_subject_access": frozenset({Role.ASSURANCE_LEAD}),
}

# The scheme of delegation: a step of a decision names the role that takes it. A role with
# team scope decides for the children of the holder's teams; one with "all" for every child.
# Who holds `approve_decisions` at all is the permission table's line above.
DELEGATED_SCOPE: dict[str, str] = {
    Role.TEAM_MANAGER: "team",
    Role.SERVICE_MANAGER: "team",
    Role.HEAD_OF_SERVICE: "team",
    Role.DIRECTOR: "all",
}
# An API token with write scope goes only to someone whose role makes a write the API
# offers: raising, deciding or putting proposals to panel, auditing, running panels and
# recording their outcomes.
PERMISSIONS["write_through_api"] = (
    PERMISSIONS["raise_proposals"]
    | PERMISSIONS["approve_decisions"]
    | PERMISSIONS["put_to_panel"]
    | PERMISSIONS["manage_panels"]
    | PERMISSIONS["audit_cases"]
    | {Role.PANEL_MEMBER}
)


def require(
    user: Any, action: str, refusal: str = "", *, error: type[Exception] = PermissionDenied
) -> None:
    """Refuse (403) unless this user may do the action; `refusal` says why, in the service's
    words (by default, who may)."""
    if not can(user, action):
        raise error(refusal or f"Only {who_may(action)} may do this.")


def who_may(action: str) -> str:
    """The roles allowed an action, in words for a refusal: "the assurance lead or an
    auditor"."""
    labels = dict(Role.choices)
    names = [f"the {labels[role].lower()}" for role in sorted(PERMISSIONS[action])]
    return " or ".join(names) if names else "nobody"


def holders(action: str, *, team_ids: Any = None) -> QuerySet:
    """The active people allowed an action (optionally only those in one of these teams):
    whom to tell, whom to offer in a list."""
    from assure.people.models import User

    people = User.objects.filter(is_active=True, roles__role__in=PERMISSIONS[action])
    if team_ids is not None:
        people = people.filter(teams__in=team_ids)
    return people.distinct()


def sees_child_q(child: Any) -> Q:
    """A Q over User: the people whose roles and teams let them see this child, the policy
    of `child_visibility_q` turned round for one child. A panel member's window on an
    agenda is left out: it lets them read the papers, not work the case."""
    from assure.children.models import ChildAccess
    from assure.people.models import User, UserRole

    def holding(roles: frozenset[str]) -> Q:
        return Q(pk__in=UserRole.objects.filter(role__in=roles).values("user_id"))

    if child.restricted:
        listed = ChildAccess.objects.filter(child_id=child.pk).values("user_id")
        return holding(frozenset({Role.ASSURANCE_LEAD})) | (holding(CHILD_ROLES) & Q(pk__in=listed))
    allowed = holding(ALL_UNRESTRICTED_ROLES)
    if child.team_id is not None:
        members = User.teams.through.objects.filter(team_id=child.team_id).values("user_id")
        allowed |= holding(TEAM_ROLES) & Q(pk__in=members)
    return allowed


def shares_a_team_q(user: Any, prefix: str = "") -> Q:
    """A Q over User: people in one of this user's teams."""
    from assure.people.models import User

    team_ids = User.teams.through.objects.filter(user_id=user.pk).values("team_id")
    return Q(**{f"{prefix}teams__in": team_ids})


# --- the scheme of delegation --------------------------------------------------------------


def approver_roles() -> list[tuple[str, str]]:
    """The roles a scheme's step may name, with their labels, in order of seniority."""
    labels = dict(Role.choices)
    return [(role, labels[role]) for role in DELEGATED_SCOPE]


@dataclass(frozen=True)
class Authority:
    """The delegated authority a person holds: which step roles, over which teams."""

    team_roles: frozenset[str]
    everywhere: frozenset[str]
    team_ids: frozenset[int]

    @property
    def roles(self) -> frozenset[str]:
        return self.team_roles | self.everywhere

    def covers(self, *, role: str, team_id: int | None) -> bool:
        if role in self.everywhere:
            return True
        return role in self.team_roles and team_id is not None and team_id in self.team_ids


NO_AUTHORITY = Authority(frozenset(), frozenset(), frozenset())


def authority_of(user: Any) -> Authority:
    """What this person may approve under the scheme of delegation (one query for their
    teams, none when they hold no authority)."""
    if not can(user, "approve_decisions"):
        return NO_AUTHORITY
    held = user.role_slugs & PERMISSIONS["approve_decisions"]
    everywhere = frozenset(r for r in held if DELEGATED_SCOPE.get(r) == "all")
    team_roles = frozenset(r for r in held if DELEGATED_SCOPE.get(r) == "team")
    team_ids = frozenset(user.teams.values_list("pk", flat=True)) if team_roles else frozenset()
    return Authority(team_roles, everywhere, team_ids)


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
        on_agenda = panel_agenda_child_ids(user_id=user.pk)
        granted = ChildAccess.objects.filter(user_id=user.pk).values("child_id")
        allowed |= Q(**{f"{prefix}pk__in": on_agenda}) & (
            Q(**{f"{prefix}restricted": False}) | Q(**{f"{prefix}pk__in": granted})
        )
    return allowed


# How long after a meeting its members still see the children on its agenda.
VISIBILITY_DAYS_AFTER_MEETING = 30


def panel_agenda_child_ids(*, user_id: int) -> QuerySet:
    """Children on the agendas of meetings of this user's panels, from when each item was
    added until 30 days after the meeting: a subquery for the policy above."""
    from django.apps import apps

    agenda_item = apps.get_model("panels", "AgendaItem")
    panel_member = apps.get_model("panels", "PanelMember")
    membership = panel_member.objects.filter(
        user_id=user_id,
        panel_id=OuterRef("meeting__panel_id"),
        from_date__lte=OuterRef("meeting__date"),
    ).filter(Q(to_date__isnull=True) | Q(to_date__gte=OuterRef("meeting__date")))
    return agenda_item.objects.filter(
        Exists(membership),
        added_at__lte=clock.now(),
        meeting__date__gte=clock.today() - dt.timedelta(days=VISIBILITY_DAYS_AFTER_MEETING),
    ).values("child_id")


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
