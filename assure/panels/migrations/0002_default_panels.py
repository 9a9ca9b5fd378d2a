"""The four panels with their first terms of reference. Later revisions are new versions."""

from django.db import migrations
from django.utils import timezone

PANELS = [
    (
        "legal-gateway",
        "Legal gateway",
        "Decide with the legal service whether the threshold for proceedings is met and "
        "whether to start pre-proceedings (PLO) or issue care proceedings.",
        ["chair", "legal_adviser"],
        ["revocation_care_order"],
    ),
    (
        "legal-planning-meeting",
        "Legal planning meeting",
        "Plan a child's case with the legal service: threshold, evidence, the plan for "
        "permanence and the timetable for the child within 26 weeks.",
        ["chair", "legal_adviser"],
        ["placement_with_parents", "revocation_care_order"],
    ),
    (
        "permanence-panel",
        "Permanence panel",
        "Test each child's plan for permanence before it is agreed: the assessments, the "
        "support plan, the child's wishes and feelings, and the merits of each route.",
        ["chair", "legal_adviser", "independent_member"],
        ["sgo_care_plan", "placement_with_parents", "sgo_financial_support"],
    ),
    (
        "sgo-discharge-panel",
        "SGO discharge panel",
        "Oversee, with the legal service, every plan to discharge a care order through a "
        "special guardianship order, so that no child leaves care into an unsafe arrangement.",
        ["chair", "legal_adviser"],
        ["sgo_care_plan", "discharge_care_order_sgo", "sgo_financial_support"],
    ),
]


def create(apps, schema_editor):
    Panel = apps.get_model("panels", "Panel")
    Terms = apps.get_model("panels", "TermsOfReference")
    now = timezone.now()
    for slug, name, purpose, roles, decisions in PANELS:
        panel, _ = Panel.objects.get_or_create(slug=slug, defaults={"name": name})
        if not Terms.objects.filter(panel=panel).exists():
            Terms.objects.create(
                panel=panel, version=1, purpose=purpose, quorum_requires_chair=True,
                quorum_requires_legal_adviser=True, quorum_other_members=1,
                required_roles=roles, decisions=decisions, created_at=now,
            )


class Migration(migrations.Migration):
    dependencies = [("panels", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
