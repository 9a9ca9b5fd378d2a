"""The first version of each retention rule, with its source: the law where one sets the
period, otherwise the council's choice and why (docs/user-guide/data-protection.md lists
them; an administrator or information governance officer may make a new version)."""

from django.db import migrations
from django.utils import timezone

DEFAULTS = [
    {
        "kind": "looked_after_child",
        "years": 75,
        "years_after_death": 15,
        "set_by_law": True,
        "source": (
            "The Care Planning, Placement and Case Review (England) Regulations 2010, "
            "regulation 50: the case record of a looked-after child is kept until the 75th "
            "anniversary of the child's birth or, if the child dies before 18, for 15 years "
            "beginning with the date of death."
        ),
        "source_url": "https://www.legislation.gov.uk/uksi/2010/959/regulation/50",
    },
    {
        "kind": "adopted_child",
        "years": 100,
        "years_after_death": None,
        "set_by_law": True,
        "source": (
            "The Disclosure of Adoption Information (Post-Commencement Adoptions) Regulations "
            "2005, regulation 6: the information an adoption agency keeps about a person's "
            "adoption (section 56 information, which includes the child's case record) is kept "
            "for at least 100 years from the date of the adoption order. (The Adoption Agencies "
            "Regulations 2005 leave the period of the agency's own case records to the agency, "
            "regulation 40; their regulation 42 is about access and disclosure.) The rule "
            "applies to adoptions from 30 December 2005; Assure keeps every adopted child's "
            "record for 100 years, the cautious reading."
        ),
        "source_url": "https://www.legislation.gov.uk/uksi/2005/888/regulation/6",
    },
    {
        "kind": "other_child",
        "years": 25,
        "years_after_death": None,
        "set_by_law": False,
        "source": (
            "The council's choice: no regulation sets a period for the record of a child who "
            "was never looked after. Until the 25th birthday leaves a year beyond the last day "
            "most claims about a childhood can be brought (the Limitation Act 1980 counts from "
            "the 18th birthday; six years for most claims). A council may keep longer: in "
            "R (C) v Northumberland County Council [2015] EWHC 2134 (Admin) the High Court "
            "held a policy of keeping child protection records for 35 years after closure "
            "lawful."
        ),
        "source_url": "",
    },
    {
        "kind": "access_log",
        "years": 6,
        "years_after_death": None,
        "set_by_law": False,
        "source": (
            "The council's choice: no law sets a period for a log of who read a record. Six "
            "years matches the Limitation Act 1980's usual period for claims, long enough to "
            "answer a complaint or a subject access request about who looked at a child's "
            "record. Entries about a child under a legal hold are kept while it stands."
        ),
        "source_url": "",
    },
    {
        "kind": "import_run",
        "years": 2,
        "years_after_death": None,
        "set_by_law": False,
        "source": (
            "The council's choice: the record of an import (its files' names and digests, "
            "counts and problems, which quote values from children's rows) and uploads never "
            "applied. Two years covers two collection years of the SSDA903 return, long "
            "enough to answer questions about a return's quality; the children's records "
            "themselves are kept under their own rules."
        ),
        "source_url": "",
    },
]


def add_defaults(apps, schema_editor):
    RetentionRule = apps.get_model("governance", "RetentionRule")
    now = timezone.now()
    for rule in DEFAULTS:
        if RetentionRule.objects.filter(kind=rule["kind"]).exists():
            continue
        RetentionRule.objects.create(
            version=1, created_at=now, note="The defaults Assure ships", **rule
        )


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_retention_holds_deletions")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
