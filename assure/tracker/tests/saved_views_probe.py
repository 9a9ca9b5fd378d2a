"""Run by test_saved_view_columns.py in its own process, on a database of its own: migrate
to the shape before saved views had columns, save views there, migrate to today's shape, and
print each view's columns as JSON."""

import json

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402
from django.utils import timezone  # noqa: E402

BEFORE = [("tracker", "0004_snapshots")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def main() -> None:
    old = migrate(BEFORE)
    user = old.get_model("people", "User").objects.create(username="lena")
    SavedView = old.get_model("tracker", "SavedView")
    for name, query in [
        ("Plain", "plan=sgo&proceedings=open"),
        ("By team", "rag=red&sort=team&order=desc"),
        ("Leavers", "care_status=left_care&sort=ceased_date"),
        ("By RAG", "sort=rag"),
    ]:
        SavedView.objects.create(user=user, name=name, query=query, created_at=timezone.now())
    new = migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    views = new.get_model("tracker", "SavedView").objects.order_by("name")
    print(json.dumps({v.name: [v.query, v.columns] for v in views}))


if __name__ == "__main__":
    main()
