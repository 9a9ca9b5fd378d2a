"""Notifications follow the domain events the services record: when a proposal moves to the
next approver, an audit is given to someone, a child is put on a panel's agenda, and so on,
the people it now concerns get a notification, in the service's own transaction (so nothing
is told about a change that did not happen).

Each rule reads the event's record and says who to tell, and which earlier notifications
the event settles: when work is done or moves on (a proposal approved at one step goes to
the next approver), the notifications about it are marked read for everyone, so that
nobody is left with an unread notice of work that is no longer theirs.

Whom each rule tells comes from the access policy (`access.holders`), the workflows' own
rules (`decisions.workflow.refusal_for`, `audits.services.child_managers`) and the records
(an audit's auditor, an action's owner, the panel's seats): never a role tested here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from assure.core import access

from .selectors import child_label

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Note:
    user: Any
    kind: str
    title: str
    url: str
    child: Any = None
    key: str = ""


@dataclass(frozen=True)
class Outcome:
    """What an event means for notifications: new ones, and keys of work now settled."""

    notes: tuple[Note, ...] = ()
    settled: tuple[str, ...] = ()


Rule = Callable[[Any], Outcome]
RULES: dict[str, Rule] = {}


def rule(*verbs: str) -> Callable[[Rule], Rule]:
    def register(function: Rule) -> Rule:
        for verb in verbs:
            RULES[verb] = function
        return function

    return register


def on_domain_event(
    sender: Any, instance: Any, created: bool, raw: bool = False, **kw: Any
) -> None:
    """The post_save receiver for DomainEvent (connected in apps.py).

    In a savepoint of the service's transaction: a notification that cannot be written is
    logged and left out, and never undoes the decision, audit or escalation that caused it
    (the work itself is on the person's home page whatever happens here)."""
    if not created or raw or instance.verb not in RULES:
        return
    from django.db import transaction

    from . import services

    try:
        with transaction.atomic():
            outcome = RULES[instance.verb](instance)
            services.notifications_apply(
                event=instance,
                notes=outcome.notes,
                settled=outcome.settled,
                actor_id=instance.actor_id,
            )
    except Exception:
        logger.exception("Could not write the notifications of event %s", instance.pk)


def _load(model_label: str, event: Any, *related: str) -> Any:
    from django.apps import apps

    model = apps.get_model(model_label)
    return model.objects.select_related(*related).filter(pk=event.object_id).first()


# --- proposals ---------------------------------------------------------------------------


def next_approvers(proposal: Any) -> list[Any]:
    """The people who may take the step a submitted proposal waits for: those allowed to
    approve decisions at all, narrowed by the workflow's own rule (authority over the child's
    team, not the proposer, not an approver of an earlier step) and by who may see the
    child."""
    from assure.decisions.workflow import next_step, refusal_for

    if next_step(proposal) is None:
        return []
    able = [
        person
        for person in access.holders("approve_decisions").order_by("username")
        if refusal_for(proposal=proposal, actor=person) is None
    ]
    return _who_see(able, child_id=proposal.child_id)


def _who_see(people: list[Any], *, child_id: int) -> list[Any]:
    """Those of these people who may see the child, in one query however many they are: the
    policy's own predicate for each person, counted over the one child."""
    from django.db.models import Count

    from assure.children.models import Child

    if not people:
        return []
    seen = Child.objects.filter(pk=child_id).aggregate(
        **{
            f"sees_{index}": Count("pk", filter=access.child_visibility_q(person))
            for index, person in enumerate(people)
        }
    )
    return [person for index, person in enumerate(people) if seen[f"sees_{index}"]]


def _proposal(event: Any) -> Any:
    from django.apps import apps

    # The decisions prefetched: the workflow's rule reads them for every approver it asks.
    return (
        apps.get_model("decisions.Proposal")
        .objects.select_related("scheme__decision_type", "child", "proposer")
        .prefetch_related("decisions")
        .filter(pk=event.object_id)
        .first()
    )


@rule("proposal_submitted", "proposal_approved", "proposal_changed")
def proposal_moved(event: Any) -> Outcome:
    proposal = _proposal(event)
    if proposal is None:
        return Outcome()
    key = f"proposal:{proposal.pk}:decide"
    about = f"{proposal.scheme.decision_type.name} for {child_label(proposal.child)}"
    url = reverse("decisions:detail", args=[proposal.pk])
    if event.verb == "proposal_changed" and not (event.data or {}).get("chain_restarted"):
        return Outcome()
    notes = [
        Note(
            person,
            "proposal_decision",
            f"{about} is waiting for your decision",
            url,
            proposal.child,
            key,
        )
        for person in next_approvers(proposal)
    ]
    if proposal.status == "approved":
        notes.append(
            Note(
                proposal.proposer,
                "proposal_decided",
                f"Your proposal is approved: {about}",
                url,
                proposal.child,
            )
        )
    return Outcome(notes=tuple(notes), settled=(key,))


@rule("proposal_returned", "proposal_rejected")
def proposal_stopped(event: Any) -> Outcome:
    proposal = _proposal(event)
    if proposal is None:
        return Outcome()
    about = f"{proposal.scheme.decision_type.name} for {child_label(proposal.child)}"
    by = event.actor.display_name if event.actor else "an approver"
    comment = (event.data or {}).get("comment") or ""
    verb = "returned" if event.verb == "proposal_returned" else "rejected"
    title = f"Your proposal is {verb} by {by}: {about}" + (f". {comment}" if comment else "")
    note = Note(
        proposal.proposer,
        "proposal_decided",
        title[:300],
        reverse("decisions:detail", args=[proposal.pk]),
        proposal.child,
    )
    return Outcome(notes=(note,), settled=(f"proposal:{proposal.pk}:decide",))


# --- audits, actions and escalations ---------------------------------------------------------


def _audit(event: Any) -> Any:
    return _load("audits.Audit", event, "child", "template", "auditor")


@rule("audit.scheduled")
def audit_given(event: Any) -> Outcome:
    audit = _audit(event)
    if audit is None:
        return Outcome()
    due = f", due {audit.due_date:%-d %B %Y}" if audit.due_date else ""
    return Outcome(
        notes=(
            Note(
                audit.auditor,
                "audit_to_do",
                f"An audit for you: {child_label(audit.child)}, {audit.template.title}{due}",
                reverse("audits:detail", args=[audit.pk]),
                audit.child,
                f"audit:{audit.pk}:do",
            ),
        )
    )


@rule("audit.participants_invited")
def audit_participants(event: Any) -> Outcome:
    audit = _load("audits.Audit", event, "child", "template", "practitioner", "manager")
    if audit is None:
        return Outcome()
    title = (
        f"You are invited to take part in the audit of {child_label(audit.child)}: "
        f"{audit.template.title}"
    )
    url = reverse("audits:detail", args=[audit.pk]) + "#collaboration"
    people = [p for p in (audit.practitioner, audit.manager) if p is not None]
    return Outcome(
        notes=tuple(
            Note(p, "audit_to_do", title, url, audit.child, f"audit:{audit.pk}:do") for p in people
        )
    )


@rule("audit.submitted", "audit.in_moderation", "audit.closed", "audit.returned")
def audit_moved(event: Any) -> Outcome:
    audit = _audit(event)
    if audit is None:
        return Outcome()
    review_key = f"audit:{audit.pk}:review"
    url = reverse("audits:detail", args=[audit.pk])
    about = f"{child_label(audit.child)}: {audit.template.title}"
    if event.verb == "audit.submitted":
        notes = tuple(
            Note(
                person,
                "audit_to_moderate",
                f"An audit is submitted for review: {about}",
                url,
                audit.child,
                review_key,
            )
            for person in access.holders("review_audits").order_by("username")
        )
        return Outcome(notes=notes, settled=(f"audit:{audit.pk}:do",))
    if event.verb == "audit.returned":
        comment = (event.data or {}).get("comment") or ""
        title = f"Your audit is returned: {about}" + (f". {comment}" if comment else "")
        return Outcome(
            notes=(
                Note(
                    audit.auditor,
                    "audit_to_do",
                    title[:300],
                    url,
                    audit.child,
                    f"audit:{audit.pk}:do",
                ),
            ),
            settled=(review_key,),
        )
    if event.verb == "audit.closed":
        return Outcome(settled=(review_key, f"audit:{audit.pk}:do"))
    return Outcome()  # in moderation: still with the reviewers


@rule("audit.action_added")
def action_given(event: Any) -> Outcome:
    action = _load("audits.CaseAction", event, "audit__child", "owner")
    if action is None:
        return Outcome()
    return Outcome(
        notes=(
            Note(
                action.owner,
                "action_due",
                f"An action for you about {child_label(action.audit.child)}, due "
                f"{action.due_date:%-d %B %Y}: {_short(action.description)}",
                reverse("audits:detail", args=[action.audit_id]) + "#actions",
                action.audit.child,
                f"action:{action.pk}",
            ),
        )
    )


@rule("audit.action_completed")
def action_done(event: Any) -> Outcome:
    return Outcome(settled=(f"action:{event.object_id}",))


@rule("escalation.raised")
def escalation_raised(event: Any) -> Outcome:
    from assure.audits.services import child_managers

    escalation = _load("audits.Escalation", event, "child", "raised_by")
    if escalation is None:
        return Outcome()
    title = (
        f"Escalation: {child_label(escalation.child)} may be unsafe now "
        f"(raised by {escalation.raised_by.display_name})"
    )
    url = reverse("audits:escalations") + f"#response-{escalation.pk}"
    return Outcome(
        notes=tuple(
            Note(person, "escalation", title, url, escalation.child, f"escalation:{escalation.pk}")
            for person in child_managers(escalation.child)
        )
    )


@rule("escalation.acknowledged")
def escalation_acknowledged(event: Any) -> Outcome:
    escalation = _load("audits.Escalation", event, "child", "raised_by", "acknowledged_by")
    if escalation is None:
        return Outcome()
    by = escalation.acknowledged_by.display_name if escalation.acknowledged_by else "a manager"
    note = Note(
        escalation.raised_by,
        "escalation_acknowledged",
        f"Your escalation about {child_label(escalation.child)} is acknowledged by {by}",
        reverse("audits:detail", args=[escalation.audit_id]) + "#escalations",
        escalation.child,
    )
    return Outcome(notes=(note,), settled=(f"escalation:{escalation.pk}",))


# --- panels ---------------------------------------------------------------------------------


@rule("panel_item_added")
def agenda_item_added(event: Any) -> Outcome:
    from django.db.models import Q

    from assure.panels.models import PanelMember

    item = _load("panels.AgendaItem", event, "meeting__panel", "child")
    if item is None:
        return Outcome()
    meeting = item.meeting
    seats = (
        PanelMember.objects.filter(panel_id=meeting.panel_id, from_date__lte=meeting.date)
        .filter(Q(to_date__isnull=True) | Q(to_date__gte=meeting.date))
        .filter(user__is_active=True)
        .select_related("user")
        .order_by("user__username")
    )
    people = {seat.user_id: seat.user for seat in seats}
    title = (
        f"{child_label(item.child)} is on the agenda of {meeting.panel.name} on "
        f"{meeting.date:%A %-d %B %Y}"
    )
    url = reverse("panels:meeting", args=[meeting.pk])
    return Outcome(
        notes=tuple(
            Note(person, "panel_meeting", title, url, item.child, f"meeting:{meeting.pk}")
            for person in people.values()
        )
    )


# --- imports -------------------------------------------------------------------------------


@rule("import.refused")
def import_refused(event: Any) -> Outcome:
    run = _load("imports.ImportRun", event)
    if run is None or (run.options or {}).get("via") != "drop_folder":
        return Outcome()
    files = ", ".join(str(f.get("path", "")) for f in (run.files or []) if f.get("path"))
    title = "An automatic import was refused" + (f": {_short(files, 200)}" if files else "")
    url = reverse("imports:run", args=[run.pk])
    return Outcome(
        notes=tuple(
            Note(person, "import_run", title, url, None, f"import_run:{run.pk}")
            for person in access.holders("told_of_automatic_imports").order_by("username")
        )
    )


@rule("import.refusal_dealt_with")
def import_dealt_with(event: Any) -> Outcome:
    return Outcome(settled=(f"import_run:{event.object_id}",))


def _short(text: str, limit: int = 120) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
