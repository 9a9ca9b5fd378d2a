"""`assure seed-demo-audits` builds audits at every stage on the demo council."""

from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from assure.audits.models import Audit, Escalation, Programme
from assure.children.demo import seed_demo
from assure.core.models import DomainEvent


def test_demo_audits(db):
    with pytest.raises(CommandError, match="run seed-demo first"):
        call_command("seed_demo_audits")
    seed_demo(children=150, seed=903)
    call_command("seed_demo_audits", count=6)
    assert Counter(Audit.objects.values_list("status", flat=True)) == {
        "closed": 2,
        "in_moderation": 1,
        "submitted": 1,
        "in_progress": 1,
        "scheduled": 1,
    }
    assert Programme.objects.get().strands.count() == 5
    assert Escalation.objects.count() == 1
    assert DomainEvent.objects.filter(verb="audit.closed").count() == 2
    with pytest.raises(CommandError, match="audits already"):
        call_command("seed_demo_audits")
    call_command("seed_demo_audits", if_empty=True)  # as `make demo` runs it every time
    assert Audit.objects.count() == 6
