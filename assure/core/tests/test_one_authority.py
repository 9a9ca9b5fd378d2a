"""One authority for who may do what: only the access policy (core/access.py) tests a
person's roles. Everywhere else asks it by the name of an action, so that a line changed in
its permission table changes what the pages show and what the services refuse alike.

This test reads the source: a role tested anywhere else (a `Role.X`, a role's slug compared,
`role_slugs`, a query on `roles__role`) fails it."""

import ast
from pathlib import Path

from assure.people.roles import ROLE_SLUGS

ROOT = Path(__file__).resolve().parents[2]  # the assure package

# Where roles are defined, granted or made up for demonstrations, not tested.
ALLOWED = {
    "core/access.py",  # the policy itself
    "people/roles.py",  # the roles
    "people/models.py",  # a user's roles (role_slugs)
    "people/services.py",  # granting roles
    "people/admin.py",  # the administrator's list of people, filtered by role
    "people/management/commands/create_user.py",
    "bench.py",  # builds a council's people for the benchmark
}
ALLOWED_PARTS = {"migrations", "tests", "demo"}
# Slugs that are also other things' names (an answer by the auditor, the practitioner taking
# part in an audit, a child's IRO): compared as roles only beside a name that says "role".
SHARED_WORDS = {"auditor", "practitioner", "legal", "iro", "admin"}


def _checked_files() -> list[Path]:
    files = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if relative.as_posix() in ALLOWED or ALLOWED_PARTS & set(relative.parts):
            continue
        if relative.stem.startswith("seed_demo") or relative.stem == "demo":
            continue
        files.append(path)
    return files


def _role_tests_in(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in {"role_slugs", "has_role"}:
            found.append((node.lineno, node.attr))
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "Role"
        ):
            found.append((node.lineno, f"Role.{node.attr}"))
        elif isinstance(node, ast.keyword) and (node.arg or "").startswith("roles__"):
            found.append((node.lineno, node.arg or ""))
        elif isinstance(node, ast.Compare):
            about_roles = any("role" in _name(leaf).lower() for leaf in ast.walk(node))
            for leaf in ast.walk(node):
                if not (isinstance(leaf, ast.Constant) and leaf.value in ROLE_SLUGS):
                    continue
                if about_roles or leaf.value not in SHARED_WORDS:
                    found.append((node.lineno, repr(leaf.value)))
    return found


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def test_no_role_is_tested_outside_the_access_policy():
    offences = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in _checked_files()
        for line, what in _role_tests_in(ast.parse(path.read_text(), filename=str(path)))
    ]
    assert offences == [], "Ask core.access by action instead:\n" + "\n".join(offences)


def test_the_check_finds_a_role_tested(tmp_path):
    """The check itself can fail: each way of testing a role is found."""
    source = """
if Role.ASSURANCE_LEAD in user.role_slugs: pass
if waiting[1] != "director": pass
if step.role == "auditor": pass
if answer.kind == "auditor": pass
User.objects.filter(roles__role="auditor")
"""
    found = sorted(_role_tests_in(ast.parse(source)))
    assert found == [
        (2, "Role.ASSURANCE_LEAD"),
        (2, "role_slugs"),
        (3, "'director'"),
        (4, "'auditor'"),
        (6, "roles__role"),
    ]
    assert len(_checked_files()) > 100


def test_the_roles_page_lists_every_line_of_the_permission_table():
    import re

    from assure.core.access import PERMISSIONS

    page = (ROOT.parent / "docs" / "roles.md").read_text()
    rows = {
        name: set(re.findall(r"`(\w+)`", roles))
        for name, roles in re.findall(r"^\| `(\w+)` \| ([^|]*) \|", page, flags=re.M)
    }
    assert {name: rows.get(name) for name in PERMISSIONS} == {
        name: set(roles) for name, roles in PERMISSIONS.items()
    }
