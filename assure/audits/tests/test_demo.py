"""`assure seed-demo-audits` builds audits at every stage on the demo council."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from assure.audits.demo import DemoAudits
from assure.audits.management.commands.seed_demo_audits import seeded_summary
from assure.audits.models import Audit, Escalation, FamilyAudit, Finding, Programme
from assure.children.demo import seed_demo
from assure.core.models import DomainEvent


def test_demo_audits(db):
    with pytest.raises(CommandError, match="run seed-demo first"):
        call_command("seed_demo_audits")
    seed_demo(children=150, seed=903)
    out = StringIO()
    call_command("seed_demo_audits", count=6, stdout=out)
    assert "Seeded 6 demo audits, 1 family audit and 1 escalation." in out.getvalue()
    single = Audit.objects.filter(family_audit__isnull=True)
    assert Counter(single.values_list("status", flat=True)) == {
        "closed": 2,
        "in_moderation": 1,
        "submitted": 1,
        "in_progress": 1,
        "scheduled": 1,
    }
    assert Programme.objects.get().strands.count() == 5
    # One family audit of siblings left in the queue, in progress, with a shared finding on
    # each child's audit and one finding about one child.
    family_audit = FamilyAudit.objects.get()
    siblings = list(family_audit.child_audits.all())
    assert len(siblings) >= 2 and {a.status for a in siblings} == {"in_progress"}
    findings = Finding.objects.filter(audit__family_audit=family_audit)
    assert findings.filter(shared_key__isnull=False).count() == len(siblings)
    assert findings.filter(shared_key__isnull=True).count() == 1
    assert Escalation.objects.count() == 1
    assert DomainEvent.objects.filter(verb="audit.closed").count() == 2
    with pytest.raises(CommandError, match="audits already"):
        call_command("seed_demo_audits")
    call_command("seed_demo_audits", if_empty=True)  # as `make demo` runs it every time
    assert single.count() == 6


def test_the_seeded_summary_counts_in_words():
    assert seeded_summary(DemoAudits(audits=1, escalations=2, family_audits=0)) == (
        "Seeded 1 demo audit, 0 family audits and 2 escalations."
    )
