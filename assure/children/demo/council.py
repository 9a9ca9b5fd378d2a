"""The fictional council: services, teams, staff and one demo user per role.

`build_roster` is pure (the same seed gives the same staff); `ensure_council` writes it, and
creates the demo users through the people services.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from assure.people.models import Service, StaffMember, Team, User
from assure.people.roles import Role
from assure.people.services import user_create

COUNCIL = "Hartsmere"
# The one shared password the demo users get when DEBUG is on (and only then).
DEMO_PASSWORD = "hartsmere-demo-2025"

KINSHIP = "Kinship and Special Guardianship"
COURT = "Court and Proceedings"
ADOPTION = "Permanence and Adoption"
CIC_NORTH = "Children in Care North"
CIC_SOUTH = "Children in Care South"
ADOLESCENTS = "Adolescents and Leaving Care"
ASSESSMENT = "Assessment and Intervention"
IRO_TEAM = "Independent Reviewing Service"

# Service -> (head of service's area, teams).
SERVICES: dict[str, tuple[str, list[str]]] = {
    "Children in Care": ("Children in Care and Permanence", [CIC_NORTH, CIC_SOUTH, ADOLESCENTS]),
    "Court and Permanence": ("Children in Care and Permanence", [COURT, ADOPTION, KINSHIP]),
    "Safeguarding": ("Safeguarding and Quality", [ASSESSMENT]),
    "Quality and Review": ("Safeguarding and Quality", [IRO_TEAM]),
}
CASE_TEAMS = [CIC_NORTH, CIC_SOUTH, ADOLESCENTS, COURT, ADOPTION, KINSHIP, ASSESSMENT]


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    first_name: str
    last_name: str
    job_title: str
    teams: tuple[str, ...] = ()
    staff: bool = False  # also a StaffMember, so that children can be allocated to them


_CIC_AND_PERMANENCE = tuple(SERVICES["Children in Care"][1] + SERVICES["Court and Permanence"][1])
DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", Role.ADMIN, "Priya", "Shah", "Systems administrator"),
    DemoUser("lead", Role.ASSURANCE_LEAD, "Helen", "Marsh", "Lead consultant, assurance"),
    DemoUser("auditor", Role.AUDITOR, "Tom", "Adeyemi", "Assurance consultant"),
    DemoUser(
        "practitioner",
        Role.PRACTITIONER,
        "Jess",
        "Holloway",
        "Social worker",
        (KINSHIP,),
        staff=True,
    ),
    DemoUser(
        "teammanager", Role.TEAM_MANAGER, "Mark", "Brennan", "Team manager", (KINSHIP,), staff=True
    ),
    DemoUser(
        "servicemanager",
        Role.SERVICE_MANAGER,
        "Fiona",
        "Clarke",
        "Service manager, Court and Permanence",
        tuple(SERVICES["Court and Permanence"][1]),
    ),
    DemoUser(
        "headofservice",
        Role.HEAD_OF_SERVICE,
        "David",
        "Okoro",
        "Head of service, Children in Care and Permanence",
        _CIC_AND_PERMANENCE,
    ),
    DemoUser("director", Role.DIRECTOR, "Ruth", "Patterson", "Director of children's services"),
    DemoUser(
        "iro", Role.IRO, "Simon", "Hale", "Independent reviewing officer", (IRO_TEAM,), staff=True
    ),
    DemoUser("legal", Role.LEGAL, "Nadia", "Rahman", "Senior solicitor, children's legal team"),
    DemoUser("panel", Role.PANEL_MEMBER, "Gareth", "Price", "Permanence panel member"),
    DemoUser("performance", Role.PERFORMANCE_OFFICER, "Laura", "Bennett", "Performance officer"),
    DemoUser(
        "governance",
        Role.INFORMATION_GOVERNANCE,
        "Grace",
        "Odum",
        "Information governance officer",
    ),
)


@dataclass
class Roster:
    """Who works where: social workers by team, IROs, and which demo user is which staff
    member."""

    workers: dict[str, list[str]] = field(default_factory=dict)
    iros: list[str] = field(default_factory=list)
    user_staff: dict[str, str] = field(default_factory=dict)

    def staff_rows(self) -> list[tuple[str, str]]:
        rows = [(name, team) for team, names in self.workers.items() for name in names]
        return rows + [(name, IRO_TEAM) for name in self.iros]


def build_roster(*, fake: object, children: int) -> Roster:
    """Enough staff for the caseload: about 15 children for each social worker and 80 for
    each IRO, with the demo users' own staff records among them."""
    used = {f"{u.first_name} {u.last_name}" for u in DEMO_USERS}
    roster = Roster()

    def new_name() -> str:
        while True:
            name = f"{fake.first_name()} {fake.last_name()}"  # type: ignore[attr-defined]
            if name not in used:
                used.add(name)
                return name

    per_team = max(4, round(children / len(CASE_TEAMS) / 15))
    for team in CASE_TEAMS:
        roster.workers[team] = [new_name() for _ in range(per_team)]
    roster.iros = [new_name() for _ in range(max(4, children // 80))]
    for user in DEMO_USERS:
        if user.staff:
            name = f"{user.first_name} {user.last_name}"
            roster.user_staff[user.username] = name
            if user.role == Role.IRO:
                roster.iros.append(name)
            else:
                roster.workers[user.teams[0]].append(name)
    return roster


@transaction.atomic
def ensure_council(*, roster: Roster) -> tuple[dict[str, Team], dict[str, StaffMember]]:
    """Services, teams, staff and demo users, each created only if it is not there yet."""
    teams: dict[str, Team] = {}
    for name, (area, team_names) in SERVICES.items():
        service, _ = Service.objects.get_or_create(name=name, defaults={"area": area})
        for team_name in team_names:
            team, _ = Team.objects.get_or_create(name=team_name, defaults={"service": service})
            teams[team_name] = team
    ensure_demo_users()
    existing = {s.name: s for s in StaffMember.objects.all()}
    new = [
        StaffMember(name=name, team=teams[team])
        for name, team in roster.staff_rows()
        if name not in existing
    ]
    StaffMember.objects.bulk_create(new, batch_size=2000)
    staff = {s.name: s for s in StaffMember.objects.all()}
    users = {u.username: u for u in User.objects.filter(username__in=roster.user_staff)}
    for username, name in roster.user_staff.items():
        member = staff[name]
        if member.user_id is None and username in users:
            member.user = users[username]
            member.save(update_fields=["user"])
    return teams, staff


def ensure_demo_users() -> list[User]:
    """One user per role. With DEBUG on they share the demo password; otherwise they have no
    usable password until an operator sets one (`assure changepassword USERNAME`)."""
    # One hash for all: the strong hasher is slow by design, and the password is shared.
    encoded = make_password(DEMO_PASSWORD) if settings.DEBUG else None
    existing = set(
        User.objects.filter(username__in=[u.username for u in DEMO_USERS]).values_list(
            "username", flat=True
        )
    )
    for demo in DEMO_USERS:
        if demo.username in existing:
            continue
        user = user_create(
            username=demo.username,
            roles=[demo.role],
            teams=demo.teams,
            password=None,
            first_name=demo.first_name,
            last_name=demo.last_name,
            email=f"{demo.username}@{COUNCIL.lower()}.example",
        )
        user.job_title = demo.job_title
        if encoded:
            user.password = encoded
        user.save(update_fields=["job_title", "password"])
    return list(User.objects.filter(username__in=[u.username for u in DEMO_USERS]))


def demo_users_table(*, show_password: bool) -> str:
    """The demo users as a plain-text table: username, role, teams (and the password)."""
    labels = dict(Role.choices)
    rows = [("Username", "Role", "Teams") + (("Password",) if show_password else ())]
    for demo in DEMO_USERS:
        teams = _teams_label(demo.teams)
        rows.append(
            (demo.username, labels[demo.role], teams) + ((DEMO_PASSWORD,) if show_password else ())
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _teams_label(teams: tuple[str, ...]) -> str:
    """A team by name; several teams by the services they make up."""
    if len(teams) <= 1:
        return teams[0] if teams else "-"
    services = [name for name, (_, names) in SERVICES.items() if set(names) <= set(teams)]
    return f"{len(teams)} teams: {' and '.join(services)}"
