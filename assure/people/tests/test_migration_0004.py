"""Migration 0004 (the sign-in log and single sign-on lockouts) on a database that has people
in it: new tables only, every existing row exactly as it was, and it can be undone."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("people", "0003_information_governance_role")]
AFTER = [("people", "0004_sign_in_log_and_sso_lockouts")]
TABLES = ("people_signinevent", "people_singlesignonlockout")


def migrate(targets):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def rows(apps) -> dict[str, list[dict]]:  # type: ignore[no-untyped-def, type-arg]
    return {
        name: list(apps.get_model("people", name).objects.order_by("pk").values())
        for name in ("User", "UserRole", "Team", "ApiToken")
    }


@pytest.mark.django_db(transaction=True)
def test_0004_adds_tables_and_changes_no_existing_row():
    old = migrate(BEFORE)
    assert not set(TABLES) & set(connection.introspection.table_names())
    User = old.get_model("people", "User")
    sam = User.objects.create(
        username="sam.patel@example.gov.uk",
        email="sam.patel@example.gov.uk",
        first_name="Sam",
        password="!unusable",
        date_joined=timezone.now(),
    )
    old.get_model("people", "UserRole").objects.create(user=sam, role="practitioner")
    old.get_model("people", "Team").objects.create(name="North Children in Care")
    before = rows(old)

    new = migrate(AFTER)
    assert set(TABLES) <= set(connection.introspection.table_names())
    assert rows(new) == before
    assert not new.get_model("people", "SignInEvent").objects.exists()

    # Undone and done again, the people are still as they were.
    assert rows(migrate(BEFORE)) == before
    assert not set(TABLES) & set(connection.introspection.table_names())
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    assert rows(migrate(leaves)) == before
