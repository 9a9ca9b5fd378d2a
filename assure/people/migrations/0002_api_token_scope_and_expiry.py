"""API tokens get a scope (read only unless issued with write scope) and an expiry.

Tokens issued before read only: the API was documented as read-only, and a token pasted into
a report should not be able to change decisions; anyone who writes through the API issues a
write token (docs/operations/upgrades.md). They expire a year after they were issued, but
not sooner than 30 days after this upgrade, so no report stops without warning.
"""

import datetime as dt

from django.db import migrations, models
from django.utils import timezone

GRACE = dt.timedelta(days=30)
LIFETIME = dt.timedelta(days=365)


def set_expiry(apps, schema_editor):
    ApiToken = apps.get_model("people", "ApiToken")
    earliest = timezone.now() + GRACE
    for token in ApiToken.objects.filter(expires_at__isnull=True):
        token.expires_at = max(token.created_at + LIFETIME, earliest)
        token.save(update_fields=["expires_at"])


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(
                choices=[("read", "Read only"), ("write", "Read and write")],
                default="read",
                max_length=5,
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(set_expiry, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(),
        ),
    ]
