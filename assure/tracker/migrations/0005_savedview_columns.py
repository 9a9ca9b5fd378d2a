from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("tracker", "0004_snapshots")]

    operations = [
        migrations.AddField(
            model_name="savedview",
            name="columns",
            field=models.JSONField(blank=True, default=list),
        ),
    ]
