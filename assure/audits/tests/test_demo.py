"""`assure seed-demo-audits` builds audits at every stage on the demo council."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from assure.audits import demo_words as words
from assure.audits import selectors
from assure.audits.demo import SIBLING_SUBJECTS, DemoAudits
from assure.audits.management.commands.seed_demo_audits import seeded_summary
from assure.audits.models import (
    Answer,
    Audit,
    CaseAction,
    Escalation,
    FamilyAudit,
    Finding,
    Programme,
)
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


def _demo_audits() -> list[tuple]:
    """Each answer of the demo's audits: child, question, value, evidence."""
    return list(
        Answer.objects.filter(is_current=True)
        .order_by("audit__child__child_id", "question__key")
        .values_list("audit__child__child_id", "question__key", "value", "evidence")
    )


def test_demo_findings_sit_on_their_questions_and_evidence_says_what_was_seen(db):
    seed_demo(children=150, seed=903)
    with transaction.atomic():
        call_command("seed_demo_audits", count=6, stdout=StringIO())
        first = _demo_audits()
        transaction.set_rollback(True)
    call_command("seed_demo_audits", count=6, stdout=StringIO())
    answers = _demo_audits()
    assert answers == first  # deterministic

    # Each finding is about its question's subject, and its question's grade agrees with it.
    subjects_of = {f.text: f.subjects for f in words.FINDINGS}
    subjects_of["The siblings' relationship is kept at the centre of the plan."] = SIBLING_SUBJECTS
    agreeing = {"strength": {"good", "outstanding", "yes"}}
    agreeing["area_for_development"] = {"requires_improvement", "inadequate", "partly", "no"}
    findings = Finding.objects.select_related("question", "audit")
    assert findings.count() >= 12
    for finding in findings:
        assert words.subject_of(finding.question.key) in subjects_of[finding.text], (
            finding.question.key,
            finding.text,
        )
        answer = Answer.objects.get(audit=finding.audit, question=finding.question, is_current=True)
        if finding.shared_key is None:
            assert answer.value in agreeing[finding.type], (finding.text, answer.value)

    # Evidence is what was read, from the child's own record: varied, never one stock phrase.
    evidence = [e for *_, e in answers]
    assert "Seen on the file." not in evidence and "" not in evidence
    assert len(set(evidence)) > len(evidence) / 2
    for audit in Audit.objects.exclude(status="scheduled").select_related("child"):
        facts = words.facts_of(audit.child)
        told = " ".join(a.evidence for a in audit.answers.filter(is_current=True))
        assert audit.child.first_name in told or "each child" in told
        if facts.carer:
            assert facts.carer in told, audit.child.child_id
        summary = audit.answers.get(question__type="text", is_current=True)
        assert (
            summary.evidence.startswith(("The file read to", "The files of"))
            and summary.value != summary.evidence
        )

    # Every action is owned by someone who works the child's case, as the service requires.
    actions = CaseAction.objects.select_related("audit__child", "owner")
    assert actions.exists()
    for action in actions:
        assert action.owner in selectors.action_owners(child=action.audit.child)
        assert not action.description.startswith("Address:")
