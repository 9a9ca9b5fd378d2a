"""The response plan's default work streams (issue 7): editable afterwards."""

from django.db import migrations

DEFAULTS = ["Practice development", "Workforce", "Communications", "HR"]


def add_defaults(apps, schema_editor):
    WorkStream = apps.get_model("insights", "WorkStream")
    for position, name in enumerate(DEFAULTS, start=1):
        WorkStream.objects.get_or_create(name=name, defaults={"position": position})


class Migration(migrations.Migration):
    dependencies = [("insights", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
