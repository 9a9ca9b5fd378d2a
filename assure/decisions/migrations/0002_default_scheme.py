"""Version 1 of the scheme of delegation for the five decision types (reasons in
docs/user-guide/sign-off.md). Later revisions are new versions, made in the product."""

from django.db import migrations
from django.utils import timezone

SGO_CHECKLIST = [
    {"key": "viability_assessments", "label": "Viability assessment of each person put forward"},
    {"key": "full_assessment", "label": "Full special guardianship assessment (2005 Regulations, Schedule)"},
    {"key": "support_plan", "label": "SGO support plan"},
    {"key": "wishes_and_feelings", "label": "The child's wishes and feelings"},
    {"key": "carer_checks", "label": "Checks on the carers (DBS, local authority, health, references)"},
    {"key": "time_with_carers", "label": "How long the child has lived with the carers"},
    {"key": "contact_plan", "label": "Contact plan and how the carers will protect the child during contact"},
    {"key": "legal_advice", "label": "Legal advice"},
]
HOME_CHECKLIST = [
    {"key": "parenting_assessment", "label": "Assessment of the parents' capacity now and for the future"},
    {"key": "safeguarding_checks", "label": "Checks on everyone in the household"},
    {"key": "wishes_and_feelings", "label": "The child's wishes and feelings"},
    {"key": "iro_view", "label": "The IRO's view"},
    {"key": "support_plan", "label": "Support and the plan for visits and reviews"},
    {"key": "legal_advice", "label": "Legal advice"},
]
MONEY_CHECKLIST = [
    {"key": "means_test", "label": "Financial assessment (2005 Regulations, reg 13)"},
    {"key": "support_plan", "label": "The SGO support plan this belongs to"},
    {"key": "amount_and_review", "label": "Amount, duration and review date"},
]
TM_SM_HOS = ["team_manager", "service_manager", "head_of_service"]

TYPES = [
    ("sgo_care_plan", "Care plan changes to special guardianship", TM_SM_HOS, SGO_CHECKLIST,
     ["audit", "panel"], ["permanence-panel", "sgo-discharge-panel"], "sgo",
     "The seed's immediate change: no SGO goes ahead without an audit and a panel's support; "
     "the head of service carries the due diligence."),
    ("discharge_care_order_sgo", "Discharge of a care order through an SGO", TM_SM_HOS,
     SGO_CHECKLIST, ["audit", "panel"], ["sgo-discharge-panel"], "",
     "The child leaves care: the SGO discharge panel oversees it with the legal service."),
    ("placement_with_parents", "Placement with parents",
     ["team_manager", "service_manager", "director"], HOME_CHECKLIST, ["audit", "panel"],
     ["permanence-panel", "legal-planning-meeting"], "placement_with_parents",
     "The 2010 Regulations need a nominated officer (the director) to approve a placement "
     "with parents of a child in care."),
    ("revocation_care_order", "Revocation of a care order", TM_SM_HOS, HOME_CHECKLIST,
     ["audit", "panel"], ["legal-gateway", "legal-planning-meeting"], "revocation",
     "An application to court: the legal gateway or legal planning meeting must support it."),
    ("sgo_financial_support", "SGO financial support", ["team_manager", "service_manager"],
     MONEY_CHECKLIST, [], [], "",
     "Money under an agreed support plan, means-tested; the care decision was gated already."),
]


def create(apps, schema_editor):
    DecisionType = apps.get_model("decisions", "DecisionType")
    SchemeVersion = apps.get_model("decisions", "SchemeVersion")
    now = timezone.now()
    for slug, name, chain, checklist, gates, panels, plan, why in TYPES:
        decision_type, _ = DecisionType.objects.get_or_create(slug=slug, defaults={"name": name})
        if not SchemeVersion.objects.filter(decision_type=decision_type).exists():
            SchemeVersion.objects.create(
                decision_type=decision_type, version=1, chain=chain, checklist=checklist,
                gates=gates, gate_panels=panels, audit_within_days=90, sets_plan=plan,
                rationale=why, created_at=now,
            )


class Migration(migrations.Migration):
    dependencies = [("decisions", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
