"""Fresh statistics for the database's query planner after a bulk load.

A planner without statistics on a freshly loaded table can choose a plan thousands of times
slower than the right one: on a just-seeded 100,000-child database the audit queue took over
three minutes instead of two seconds (SQLite scanned every SGO assessment for each child) and
a tracker query on PostgreSQL took a second instead of 30 ms. PostgreSQL's autovacuum gathers
statistics eventually, SQLite never does by itself; so Assure asks for them at once after
each import it applies and after seeding the demo. `ANALYZE` takes well under a second on a
national-scale database.
"""

from django.db import connection


def refresh_planner_statistics() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
