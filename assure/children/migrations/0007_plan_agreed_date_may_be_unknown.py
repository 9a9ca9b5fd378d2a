"""A permanence plan's agreed date may be unknown (an Annex A workbook may not give it).

On SQLite altering the column rebuilds the table, which drops the care log's triggers on it:
they are put back here, from their one definition in children.care_log (as they are after
every migrate)."""

from django.db import migrations, models


def reinstall_triggers(apps, schema_editor):
    from assure.children.care_log import install_triggers

    install_triggers(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('children', '0006_care_log_triggers'),
    ]

    operations = [
        migrations.AlterField(
            model_name='historicalpermanenceplan',
            name='agreed_date',
            field=models.DateField(blank=True, help_text='Blank when not known (an Annex A workbook may not give it): the plan is then in force from the day it was recorded.', null=True),
        ),
        migrations.AlterField(
            model_name='permanenceplan',
            name='agreed_date',
            field=models.DateField(blank=True, help_text='Blank when not known (an Annex A workbook may not give it): the plan is then in force from the day it was recorded.', null=True),
        ),
        migrations.RunPython(reinstall_triggers, migrations.RunPython.noop),
    ]
