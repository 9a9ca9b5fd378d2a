"""The rules made right to the day and to the law, as a new version (earlier versions are
kept exactly as they were):

- the 26-week limit is the statute's (Children Act 1989 s32(1)(a)(ii)): issue + 181 days is
  the last day inside it, and it moves when the court extends it; `plo_overdue_days` is no
  longer a threshold (kept on earlier versions as their record);
- week 20 begins on day 133: a version still warning from day 140 (the old default, which
  was the first day of week 21) warns from day 133 in the new version;
- the permanence plan is expected by the second looked-after review: flagged from
  `plan_warning_weeks` before it (the months thresholds are kept on earlier versions only);
- new SGO thresholds: the assessment complete 4 weeks before the final hearing, and an SGO
  plan with no final hearing listed from week 25.
"""

from django.db import migrations, models
from django.utils import timezone

NOTE = (
    "The 26-week limit is the statute's (issue + 181 days, or the extension); week 20 from "
    "day 133; the permanence plan by the second review; SGO assessment completion and final "
    "hearing checks."
)


def add_version(apps, schema_editor):
    RuleSet = apps.get_model("tracker", "RuleSet")
    latest = RuleSet.objects.order_by("-version").first()
    if latest is None:
        return
    warning = 133 if latest.plo_warning_days == 140 else latest.plo_warning_days
    RuleSet.objects.create(
        version=latest.version + 1,
        plo_warning_days=warning,
        plan_warning_weeks=4,
        sgo_assessment_weeks=latest.sgo_assessment_weeks,
        sgo_report_weeks=4,
        sgo_support_plan_weeks=latest.sgo_support_plan_weeks,
        sgo_final_hearing_week=25,
        stale_days=latest.stale_days,
        plo_overdue_days=None,
        plan_amber_months=None,
        plan_red_months=None,
        note=NOTE,
        created_at=timezone.now(),
    )


def remove_version(apps, schema_editor):
    apps.get_model("tracker", "RuleSet").objects.filter(note=NOTE, created_by=None).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('tracker', '0002_default_rules'),
    ]

    operations = [
        migrations.AddField(
            model_name='ruleset',
            name='plan_warning_weeks',
            field=models.PositiveSmallIntegerField(default=4, verbose_name='weeks before the second looked-after review from which a missing permanence plan is flagged'),
        ),
        migrations.AddField(
            model_name='ruleset',
            name='sgo_final_hearing_week',
            field=models.PositiveSmallIntegerField(default=25, verbose_name='week of proceedings from which an SGO plan with no final hearing listed is flagged'),
        ),
        migrations.AddField(
            model_name='ruleset',
            name='sgo_report_weeks',
            field=models.PositiveSmallIntegerField(default=4, verbose_name='weeks before a final hearing by which the full SGO assessment must be complete'),
        ),
        migrations.AlterField(
            model_name='ruleset',
            name='plan_amber_months',
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='months in care without a permanence plan before an amber flag (earlier versions)'),
        ),
        migrations.AlterField(
            model_name='ruleset',
            name='plan_red_months',
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='months in care without a permanence plan before a red flag (earlier versions)'),
        ),
        migrations.AlterField(
            model_name='ruleset',
            name='plo_overdue_days',
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='days after issue when proceedings were overdue (earlier versions)'),
        ),
        migrations.AlterField(
            model_name='ruleset',
            name='plo_warning_days',
            field=models.PositiveSmallIntegerField(default=133, verbose_name='days after issue from which proceedings need attention (day 133 is the first of week 20)'),
        ),
        migrations.AlterField(
            model_name='ruleset',
            name='sgo_assessment_weeks',
            field=models.PositiveSmallIntegerField(default=12, verbose_name='weeks before a final hearing by which a full SGO assessment of the planned carer must be under way'),
        ),
        migrations.RunPython(add_version, remove_version),
    ]
