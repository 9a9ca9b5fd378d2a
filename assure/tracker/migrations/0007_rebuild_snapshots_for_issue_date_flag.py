"""Drop the tracker's snapshots, so that they are rebuilt with the new flag
`proceedings_no_issue_date` (open care or supervision proceedings with no issue date).

Snapshots are a cache worked out from the children's records (`Snapshot`'s docstring: any
may be deleted at any time and is rebuilt when next asked for); one built by the version
before this would otherwise go on showing today's tracker without the flag until tomorrow.
No record is touched. Going back deletes nothing more."""

from django.db import migrations


def drop_snapshots(apps, schema_editor):
    apps.get_model("tracker", "Snapshot").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("tracker", "0006_saved_view_columns_chosen")]

    operations = [migrations.RunPython(drop_snapshots, migrations.RunPython.noop)]
