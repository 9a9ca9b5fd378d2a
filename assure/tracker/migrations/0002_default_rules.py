"""Version 1 of the tracker's rules, with the thresholds the issue and the law set: 26 weeks
for proceedings (182 days, warning at week 20), a permanence plan by about the second review
(4 months, red at 6), a full SGO assessment 12 weeks and a support plan 4 weeks before the
final hearing, and 90 days for a stale record."""

from django.db import migrations
from django.utils import timezone


def create_defaults(apps, schema_editor):
    RuleSet = apps.get_model("tracker", "RuleSet")
    if not RuleSet.objects.exists():
        RuleSet.objects.create(
            version=1,
            plo_overdue_days=182,
            plo_warning_days=140,
            plan_amber_months=4,
            plan_red_months=6,
            sgo_assessment_weeks=12,
            sgo_support_plan_weeks=4,
            stale_days=90,
            note="Defaults shipped with Assure",
            created_at=timezone.now(),
        )


def remove_defaults(apps, schema_editor):
    apps.get_model("tracker", "RuleSet").objects.filter(version=1, created_by=None).delete()


class Migration(migrations.Migration):
    dependencies = [("tracker", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, remove_defaults)]
