"""A child with a row in every table that can hold something about a child, and a sibling
who shares what siblings share (proceedings, a family, a practice review, a family audit),
for the tests of what a deletion deletes and what a subject access bundle holds."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from assure.audits import models as audits
from assure.children import models as kids
from assure.core import access, clock, events
from assure.core.models import Email
from assure.decisions import models as decisions
from assure.families import models as families
from assure.governance.models import DeletionItem, DeletionProposal, LegalHold
from assure.governance.selectors import current_rules
from assure.imports.models import ChildCheck, ImportRun
from assure.inbox.models import Notification as InboxNotification
from assure.insights.models import EvidenceItem
from assure.panels import models as panels
from assure.tracker import snapshot
from assure.tracker.models import SnapshotRow
from tests.factories import ChildFactory, EpisodeFactory, TeamFactory, UserFactory

# Words that appear nowhere but in the child's own record: after the deletion, no table may
# hold them.
CHILD_ID = "ZQX-ERASE-7731"
FIRST, LAST = "Zephyrine", "Quillfeather"
MARKERS = (CHILD_ID, FIRST, LAST)


@dataclass
class World:
    child: Any
    sibling: Any
    lead: Any
    auditor: Any
    manager: Any
    officer: Any  # information governance
    other_officer: Any
    team: Any


def people() -> dict[str, Any]:
    team = TeamFactory(name="North")
    return {
        "team": team,
        "lead": UserFactory(username="lead", roles=["assurance_lead"]),
        "auditor": UserFactory(username="aud", roles=["auditor"]),
        "manager": UserFactory(username="tm", roles=["team_manager"], teams=[team]),
        "officer": UserFactory(username="ig", roles=["information_governance"]),
        "other_officer": UserFactory(username="ig2", roles=["information_governance"]),
    }


def looked_after_child(child_id: str, *, born: dt.date, team: Any, **extra: Any) -> Any:
    child = ChildFactory(child_id=child_id, date_of_birth=born, team=team, **extra)
    EpisodeFactory(
        child=child,
        start_date=born + dt.timedelta(days=400),
        end_date=born + dt.timedelta(days=2000),
        legal_status="C2",
        reason_ceased="E45",
    )
    return child


def full_world(*, born: dt.date = dt.date(1940, 3, 1)) -> World:
    """A looked-after child born in 1940 (past the 75th birthday), with everything, and a
    sibling born in 1990 who keeps theirs."""
    p = people()
    team, lead, auditor, manager = p["team"], p["lead"], p["auditor"], p["manager"]
    child = looked_after_child(CHILD_ID, born=born, team=team, first_name=FIRST, last_name=LAST)
    sibling = looked_after_child("SIB-1", born=dt.date(1990, 1, 1), team=team)
    now = clock.now()
    # The care record, every table.
    child.disability = "None recorded"
    child.save()  # a second history row
    kids.ChildAccess.objects.create(child=child, user=manager, reason="Allocated")
    kids.Review.objects.create(child=child, review_date=born + dt.timedelta(days=500))
    kids.PreviousPermanenceRecord.objects.create(child=child, previous_permanence="Z1")
    shared = kids.Proceedings.objects.create(
        proceedings_id="PR-SHARED", application_type="care", court="Leeds"
    )
    shared.children.add(child, sibling)
    kids.Hearing.objects.create(
        proceedings=shared, hearing_date=born + dt.timedelta(days=420), hearing_type="cmh"
    )
    own = kids.Proceedings.objects.create(
        proceedings_id="PR-OWN", application_type="care", court="York"
    )
    own.children.add(child)
    kids.Hearing.objects.create(
        proceedings=own, hearing_date=born + dt.timedelta(days=430), hearing_type="final"
    )
    kids.PermanencePlan.objects.create(child=child, plan="sgo", agreed_date=born)
    assessment = kids.SGOAssessment.objects.create(
        child=child,
        assessment_id="SGO-Z1",
        carer_name="Aunt of the child",
        relationship="relative",
        stage="full",
    )
    kids.SGOSupportPlan.objects.create(child=child, assessment=assessment, summary="Support")
    kids.MissingEpisode.objects.create(child=child, start_date=born + dt.timedelta(days=600))
    kids.SocialWorkerEpisode.objects.create(child=child, start_date=born + dt.timedelta(days=410))
    kids.PlacedForAdoption.objects.create(child=child, date_placed=born + dt.timedelta(days=700))
    kids.AdoptionDecision.objects.create(child=child, decision_date=born + dt.timedelta(days=650))
    kids.SocialCareEvent.objects.create(
        child=child,
        kind="referral",
        start_date=born + dt.timedelta(days=300),
        recorded_at=now,
        updated_at=now,
    )
    kids.ChildOutcome.objects.create(child=child, sdq_score=12)
    kids.CareLeaverOutcome.objects.create(child=child, in_touch="YES")
    # Audits, with superseded answers and grades, findings, actions, an escalation.
    template = audits.AuditTemplate.objects.order_by("id").first()
    question = audits.Question.objects.filter(section__template=template).first()
    grade = audits.Grade.objects.filter(score__isnull=False).first()
    theme = audits.Theme.objects.first()
    both = audits.FamilyAudit.objects.create(
        title="Siblings", template=template, mode="paper", auditor=auditor, created_at=now
    )
    alone = audits.FamilyAudit.objects.create(
        title="Only the child", template=template, mode="paper", auditor=auditor, created_at=now
    )
    audit = _audit(child, template, auditor, now, family_audit=alone)
    _audit(sibling, template, auditor, now, family_audit=both)
    _audit(child, template, auditor, now, family_audit=both)
    first = audits.Answer.objects.create(
        audit=audit,
        question=question,
        value="good",
        given_by=auditor,
        given_at=now,
        is_current=False,
    )
    audits.Answer.objects.create(
        audit=audit,
        question=question,
        value="requires_improvement",
        given_by=auditor,
        given_at=now,
        supersedes=first,
    )
    first_grade = audits.OverallGrade.objects.create(
        audit=audit, grade=grade, given_by=auditor, given_at=now, is_current=False
    )
    audits.OverallGrade.objects.create(
        audit=audit,
        grade=grade,
        given_by=lead,
        given_at=now,
        supersedes=first_grade,
        kind="moderation",
    )
    finding = audits.Finding.objects.create(
        audit=audit,
        question=question,
        type="strength",
        text="Thorough",
        created_by=auditor,
        created_at=now,
    )
    finding.themes.add(theme)
    action = audits.CaseAction.objects.create(
        audit=audit,
        finding=finding,
        description="Update plan",
        owner=manager,
        due_date=born,
        created_by=auditor,
        created_at=now,
    )
    audits.ActionAgreement.objects.create(action=action, user=manager, at=now)
    audits.Contribution.objects.create(
        audit=audit, author=manager, type="reflection", text="Reflected", created_at=now
    )
    audits.AuditTransition.objects.create(
        audit=audit, from_status="scheduled", to_status="in_progress", by=auditor, at=now
    )
    escalation = audits.Escalation.objects.create(
        audit=audit,
        child=child,
        concern="Unsafe",
        raised_by=auditor,
        raised_at=now,
        acknowledge_by=now,
    )
    audits.Notification.objects.create(
        user=manager, escalation=escalation, text="Escalation raised", created_at=now
    )
    # Proposals and decisions, a superseded proposal, and panel items with outcomes.
    scheme = decisions.SchemeVersion.objects.order_by("id").first()
    earlier = decisions.Proposal.objects.create(
        child=child,
        scheme=scheme,
        proposed_plan="SGO",
        rationale="Stable",
        proposer=manager,
        created_at=now,
        status="rejected",
    )
    proposal = decisions.Proposal.objects.create(
        child=child,
        scheme=scheme,
        proposed_plan="SGO",
        rationale="Stable",
        proposer=manager,
        created_at=now,
        supersedes=earlier,
    )
    decisions.Decision.objects.create(
        proposal=earlier,
        round=1,
        step=0,
        role="team_manager",
        decision="reject",
        by=manager,
        at=now,
    )
    panel = panels.Panel.objects.order_by("id").first()
    meeting = panels.Meeting.objects.create(
        panel=panel,
        terms=panel.terms.order_by("-version").first(),
        date=dt.date(2024, 1, 10),
        created_at=now,
    )
    item = panels.AgendaItem.objects.create(
        meeting=meeting, child=child, proposal=proposal, added_at=now
    )
    first_outcome = panels.Outcome.objects.create(
        item=item, recommendation="defer", recorded_by=lead, recorded_at=now, is_current=False
    )
    panels.Outcome.objects.create(
        item=item,
        recommendation="support",
        recorded_by=lead,
        recorded_at=now,
        supersedes=first_outcome,
    )
    panels.AgendaItem.objects.create(meeting=meeting, child=sibling, added_at=now)
    # Families, a practice review and its annotations.
    family = families.Family.objects.create(family_id="FAM-SHARED", created_at=now)
    families.FamilyMember.objects.create(family=family, child=child, linked_at=now)
    families.FamilyMember.objects.create(family=family, child=sibling, linked_at=now)
    lonely = families.Family.objects.create(family_id="FAM-ALONE", created_at=now)
    families.FamilyMember.objects.create(family=lonely, child=child, linked_at=now)
    review = families.PracticeReview.objects.create(
        family=family, title="Drift", created_by=lead, created_at=now
    )
    review.children.add(child, sibling)
    about_child = families.Annotation.objects.create(
        review=review,
        event_key="care:1:start",
        event_date=born,
        event_kind="entered_care",
        event_summary="Started to be looked after",
        category="significant_event",
        commentary="Late",
        author=lead,
        created_at=now,
    )
    about_child.children.add(child)
    about_both = families.Annotation.objects.create(
        review=review,
        event_key="court:1",
        event_date=born,
        event_kind="proceedings",
        event_summary="Proceedings issued",
        category="significant_event",
        commentary="Shared",
        author=lead,
        created_at=now,
    )
    about_both.children.add(child, sibling)
    # Import checks, evidence, emails, holds, earlier proposals.
    run = ImportRun.objects.create(kind="ssda903", status="applied", started_at=now)
    for who in (child, sibling):
        ChildCheck.objects.create(
            child=who, run=run, severity="warning", code="x", message="A check"
        )
    EvidenceItem.objects.create(
        source="complaint",
        date=born,
        kind="strength",
        summary="Praise",
        child=child,
        created_at=now,
    )
    for who in (child, sibling):
        Email.objects.create(
            to=["a@example.gov.uk"],
            subject="Escalation",
            body=f"About {who.child_id}",
            reason="escalation",
            child=who,
            created_at=now,
            next_attempt_at=now,
        )
    for who in (child, sibling):
        InboxNotification.objects.create(
            user=manager,
            kind="escalation",
            title=f"Escalation about {who.child_id}",
            child=who,
            created_at=now,
        )
    LegalHold.objects.create(
        child=child,
        reason="Old claim",
        placed_by=lead,
        placed_at=now,
        lifted_by=lead,
        lifted_at=now,
        lift_reason="Settled",
    )
    rule = current_rules()["looked_after_child"]
    old = DeletionProposal.objects.create(
        kind="looked_after_child",
        rule=rule,
        as_of=born,
        count=1,
        proposed_by=lead,
        proposed_at=now,
        status="rejected",
    )
    DeletionItem.objects.create(proposal=old, child=child, due=born)
    # Reads and deeds about the child, naming them.
    access.record_access(user=lead, child=child, via="page", where=f"/children/{CHILD_ID}/")
    access.record_access(
        user=lead, child=child, via="page", where=f"/tracker/?q={CHILD_ID}&sort=name"
    )
    access.record_access(user=lead, child=sibling, via="page", where="/children/SIB-1/")
    events.record(
        actor=lead,
        verb="child_restricted",
        obj=child,
        child=child,
        summary=f"Record of {FIRST} {LAST} restricted",
        data={"child_id": CHILD_ID},
    )
    events.record(
        actor=auditor,
        verb="audit_noted",
        obj=audit,
        summary=f"Audit of {CHILD_ID} noted",
        data={"name": FIRST},
    )
    events.record(
        actor=lead, verb="family_created", obj=lonely, summary=f"Family of {LAST} created"
    )
    events.record(actor=lead, verb="child_noted", obj=sibling, child=sibling, summary="Sibling")
    # The tracker's snapshot holds a row for each (the child left care long ago, so theirs
    # is written as a snapshot of an earlier date would hold it).
    shot = snapshot.snapshot_for(clock.today())
    for who in (child, sibling):
        SnapshotRow.objects.get_or_create(
            snapshot=shot,
            child=who,
            defaults={"looked_after": False, "rag": 0, "period_start": born},
        )
    return World(
        child=child,
        sibling=sibling,
        lead=lead,
        auditor=auditor,
        manager=manager,
        officer=p["officer"],
        other_officer=p["other_officer"],
        team=team,
    )


def _audit(child: Any, template: Any, auditor: Any, now: Any, **extra: Any) -> Any:
    return audits.Audit.objects.create(
        child=child, template=template, mode="paper", auditor=auditor, created_at=now, **extra
    )


def unique_marker() -> str:
    return f"M{uuid.uuid4().hex[:10]}"
