"""Run by test_upgrade.py in its own process, on a database of its own: migrate to the shape
before the care-history rules, write a council's records there, migrate to today's shape,
and print what is read back as JSON."""

import datetime as dt
import json
import sys

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402
from django.utils import timezone  # noqa: E402

BEFORE = [("tracker", "0002_default_rules"), ("children", "0004_sgo_assessment_carer_id")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def main() -> None:
    old = migrate(BEFORE)
    RuleSet = old.get_model("tracker", "RuleSet")
    RuleSet.objects.create(
        version=2,
        plo_overdue_days=182,
        plo_warning_days=140,
        plan_amber_months=3,
        plan_red_months=5,
        sgo_assessment_weeks=10,
        sgo_support_plan_weeks=3,
        stale_days=60,
        note="Our own",
        created_at=timezone.now(),
    )
    Child = old.get_model("children", "Child")
    child = Child.objects.create(
        child_id="OLD1", first_name="Ann", date_of_birth=dt.date(2018, 5, 1)
    )
    old.get_model("children", "Episode").objects.create(
        child=child, start_date=dt.date(2026, 1, 5), legal_status="C1", placement_type="U3"
    )
    proceedings = old.get_model("children", "Proceedings").objects.create(
        proceedings_id="P1", application_type="care", issue_date=dt.date(2026, 1, 5)
    )
    proceedings.children.add(child)
    old.get_model("children", "PermanencePlan").objects.create(
        child=child, plan="sgo", parallel_plan="adoption", agreed_date=dt.date(2026, 2, 1)
    )

    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    new = migrate(leaves)
    rules = [
        {
            name: getattr(r, name)
            for name in (
                "version",
                "plo_overdue_days",
                "plo_warning_days",
                "plan_amber_months",
                "plan_red_months",
                "plan_warning_weeks",
                "sgo_assessment_weeks",
                "sgo_report_weeks",
                "sgo_support_plan_weeks",
                "sgo_final_hearing_week",
                "stale_days",
                "note",
            )
        }
        for r in new.get_model("tracker", "RuleSet").objects.order_by("version")
    ]
    child = new.get_model("children", "Child").objects.get(child_id="OLD1")
    plan = new.get_model("children", "PermanencePlan").objects.get(child=child)
    proceedings = new.get_model("children", "Proceedings").objects.get(proceedings_id="P1")
    episode = new.get_model("children", "Episode").objects.get(child=child)
    Changed = new.get_model("children", "ChangedChild")
    before = Changed.objects.count()
    new.get_model("children", "Review").objects.create(
        child=child, review_date=dt.date(2026, 1, 20)
    )
    print(
        json.dumps(
            {
                "rules": rules,
                "child": [child.first_name, str(child.date_of_birth)],
                "episode": [str(episode.start_date), episode.legal_status, episode.placement_type],
                "plan": [
                    plan.plan,
                    plan.parallel_plan,
                    str(plan.agreed_date),
                    plan.carer_id,
                    plan.carer_name,
                ],
                "proceedings": [str(proceedings.issue_date), proceedings.extended_to],
                "logged": Changed.objects.count() - before,
            }
        )
    )


if __name__ == "__main__":
    main()
    sys.exit(0)
