"""Every write about panels. Each validates, writes and records a domain event in one
transaction; outcomes and agenda items are recorded against the child's history."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from assure.core import access, clock, events
from assure.core.errors import NotNow
from assure.core.formats import day_words

from . import conflicts
from .models import (
    AgendaItem,
    Meeting,
    Outcome,
    Panel,
    PanelMember,
    PanelRole,
    Recommendation,
    TermsOfReference,
)
from .quorum import Quorum, quorum_for


class NotQuorate(NotNow, ValidationError):
    """The meeting does not have a quorum (409)."""


class AlreadyOnTheAgenda(NotNow, ValidationError):
    """The proposal is on this meeting's agenda already (409): the same item twice."""


class NotYet(NotNow, ValidationError):
    """The meeting has not happened yet (409): attendance, outcomes and minutes are recorded
    on or after its day."""


def _require_held(meeting_date: dt.date, what: str) -> None:
    if meeting_date > clock.today():
        raise NotYet(
            f"The meeting is on {meeting_date:%-d %B %Y}: {what} on or after the day of the "
            "meeting."
        )


def meeting_quorum(meeting: Meeting) -> Quorum:
    """The meeting's quorum; uses prefetched members and attendees when they are there."""
    return quorum_for(
        terms=meeting.terms,
        members=meeting.panel.members.all(),
        attendee_ids=[u.pk for u in meeting.attendees.all()],
        on=meeting.date,
    )


def item_quorum(meeting: Meeting, *, parts: conflicts.Parts) -> Quorum:
    """The quorum for one item: people with a part in its proposal (`parts`) may attend, but
    do not count (they do not vote on it)."""
    return quorum_for(
        terms=meeting.terms,
        members=meeting.panel.members.all(),
        attendee_ids=[u.pk for u in meeting.attendees.all() if u.pk not in parts],
        on=meeting.date,
    )


def is_chair(*, user: Any, meeting: Meeting) -> bool:
    return any(
        m.user_id == user.pk and m.panel_role == PanelRole.CHAIR and m.active_on(meeting.date)
        for m in meeting.panel.members.all()
    )


def _require_manager(actor: Any) -> None:
    if not access.can(actor, "manage_panels"):
        raise PermissionDenied("Only the assurance lead or an administrator manages panels.")


@transaction.atomic
def panel_member_add(
    *,
    panel: Panel,
    user: Any,
    panel_role: str,
    actor: Any,
    from_date: dt.date | None = None,
    to_date: dt.date | None = None,
) -> PanelMember:
    _require_manager(actor)
    if panel_role not in PanelRole.values:
        raise ValidationError(f"Panel role must be one of {', '.join(PanelRole.values)}.")
    start = from_date or clock.today()
    if start < clock.today():
        # A seat is never back-dated: it would count towards the quorum of meetings held
        # before the person joined, and appear on their attendance.
        raise ValidationError(
            f"A new seat starts today ({clock.today():%-d %B %Y}) or later, never earlier."
        )
    if to_date is not None and to_date < start:
        raise ValidationError("A membership cannot end before it starts.")
    member = PanelMember.objects.create(
        panel=panel, user=user, panel_role=panel_role, from_date=start, to_date=to_date
    )
    events.record(
        actor=actor,
        verb="panel_member_added",
        obj=member,
        summary=f"{user.username} joined {panel.name} as {member.get_panel_role_display()}",
        data={"panel": panel.slug, "panel_role": panel_role, "from": str(start)},
    )
    return member


@transaction.atomic
def panel_member_end(*, member: PanelMember, to_date: dt.date, actor: Any) -> PanelMember:
    _require_manager(actor)
    if to_date < member.from_date:
        raise ValidationError("A membership cannot end before it starts.")
    member.to_date = to_date
    member.save(update_fields=["to_date"])
    events.record(
        actor=actor,
        verb="panel_member_ended",
        obj=member,
        summary=f"{member.user.username} left {member.panel.name} on {day_words(to_date)}",
        data={"panel": member.panel.slug, "to": str(to_date)},
    )
    return member


def current_terms(panel: Panel) -> TermsOfReference:
    terms = panel.terms.order_by("-version").first()
    if terms is None:
        raise ValidationError(f"{panel.name} has no terms of reference.")
    return terms


@transaction.atomic
def terms_revise(
    *,
    panel: Panel,
    actor: Any,
    purpose: str,
    quorum_requires_chair: bool = True,
    quorum_requires_legal_adviser: bool = True,
    quorum_other_members: int = 1,
    required_roles: Iterable[str] = (),
    decisions: Iterable[str] = (),
) -> TermsOfReference:
    """A revision is always a new version, so the terms an earlier meeting used stay as
    they were."""
    _require_manager(actor)
    if not purpose.strip():
        raise ValidationError("Say what the panel is for.")
    unknown = sorted(set(required_roles) - set(PanelRole.values))
    if unknown:
        raise ValidationError(f"Unknown panel role {', '.join(unknown)}.")
    latest = panel.terms.order_by("-version").first()
    terms = TermsOfReference.objects.create(
        panel=panel,
        version=(latest.version + 1) if latest else 1,
        purpose=purpose.strip(),
        quorum_requires_chair=quorum_requires_chair,
        quorum_requires_legal_adviser=quorum_requires_legal_adviser,
        quorum_other_members=quorum_other_members,
        required_roles=sorted(set(required_roles)),
        decisions=sorted(set(decisions)),
        created_at=clock.now(),
        created_by=actor,
    )
    events.record(
        actor=actor,
        verb="panel_terms_revised",
        obj=terms,
        summary=f"{panel.name} terms of reference version {terms.version}",
        data={"panel": panel.slug, "version": terms.version},
    )
    return terms


def _require_chair_or_manager(*, actor: Any, panel: Panel, on: dt.date) -> None:
    if access.can(actor, "manage_panels"):
        return
    chair = panel.members.filter(user_id=actor.pk, panel_role=PanelRole.CHAIR).all()
    if not any(m.active_on(on) for m in chair):
        raise PermissionDenied("Only the panel's chair or the assurance lead may do this.")


@transaction.atomic
def meeting_create(*, panel: Panel, date: dt.date, attendees: Iterable[Any], actor: Any) -> Meeting:
    _require_chair_or_manager(actor=actor, panel=panel, on=date)
    attendees = list(attendees)
    if attendees:
        _require_held(date, "who attended is recorded")
    meeting = Meeting.objects.create(
        panel=panel, terms=current_terms(panel), date=date, created_at=clock.now(), created_by=actor
    )
    meeting.attendees.set(list(attendees))
    quorum = meeting_quorum(meeting)
    events.record(
        actor=actor,
        verb="panel_meeting_created",
        obj=meeting,
        summary=f"{panel.name} meeting on {day_words(date)}",
        data={
            "panel": panel.slug,
            "date": str(date),
            "quorate": quorum.quorate,
            "attendees": sorted(u.username for u in meeting.attendees.all()),
        },
    )
    return meeting


@transaction.atomic
def meeting_set_attendance(*, meeting: Meeting, attendees: Iterable[Any], actor: Any) -> Meeting:
    """Attendance is fixed once an outcome rests on it: a quorum cannot be made after the
    event."""
    _require_chair_or_manager(actor=actor, panel=meeting.panel, on=meeting.date)
    _require_held(meeting.date, "who attended is recorded")
    if Outcome.objects.filter(item__meeting=meeting).exists():
        raise ValidationError("Outcomes have been recorded; the attendance can no longer change.")
    meeting.attendees.set(list(attendees))
    quorum = meeting_quorum(meeting)
    events.record(
        actor=actor,
        verb="panel_attendance_recorded",
        obj=meeting,
        summary=f"Attendance at {meeting}: {'quorate' if quorum.quorate else 'not quorate'}",
        data={
            "attendees": sorted(u.username for u in meeting.attendees.all()),
            "quorate": quorum.quorate,
        },
    )
    return meeting


@transaction.atomic
def agenda_item_add(
    *,
    meeting: Meeting,
    child: Any,
    actor: Any,
    proposal: Any = None,
    question: str = "",
    papers: list[dict[str, str]] | None = None,
) -> AgendaItem:
    """Bring a child to a meeting. The person adding must be able to see the child."""
    if not (access.can(actor, "put_to_panel") or access.can(actor, "manage_panels")):
        raise PermissionDenied("You may not put cases to panel.")
    if not access.visible_children(actor).filter(pk=child.pk).exists():
        raise PermissionDenied("You may not see this child.")
    if proposal is not None and proposal.child_id != child.pk:
        raise ValidationError("The proposal is about another child.")
    if proposal is not None and proposal.status in ("approved", "rejected"):
        raise NotNow(f"Proposal {proposal.pk} is {proposal.status}: it no longer awaits a panel.")
    if proposal is None and not question.strip():
        raise ValidationError("Give the proposal or the question for the panel.")
    # One at a time per meeting (a row lock on PostgreSQL; SQLite has one writer), so two
    # identical requests at once make one item and one refusal.
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    if proposal is not None and meeting.items.filter(proposal=proposal).exists():
        raise AlreadyOnTheAgenda(
            f"Proposal {proposal.pk} is already on the agenda of this meeting."
        )
    item = AgendaItem.objects.create(
        meeting=meeting,
        child=child,
        proposal=proposal,
        question=question.strip(),
        papers=_clean_papers(papers or []),
        added_at=clock.now(),
        added_by=actor,
    )
    events.record(
        actor=actor,
        verb="panel_item_added",
        obj=item,
        child=child,
        summary=f"Put to {meeting.panel.name} on {day_words(meeting.date)}",
        data={
            "meeting": meeting.pk,
            "proposal": getattr(proposal, "pk", None),
            "question": item.question,
        },
    )
    return item


def _clean_papers(papers: list[dict[str, str]]) -> list[dict[str, str]]:
    cleaned = []
    for paper in papers:
        url = str(paper.get("url", "")).strip()
        if not url.startswith(("https://", "http://")):
            raise ValidationError("Each paper needs a link starting https:// or http://.")
        cleaned.append({"title": str(paper.get("title", "")).strip()[:200] or url, "url": url})
    return cleaned


@transaction.atomic
def outcome_record(
    *,
    item: AgendaItem,
    recommendation: str,
    actor: Any,
    conditions: str = "",
    actions: list[dict[str, str]] | None = None,
) -> Outcome:
    """The chair records the panel's outcome for an item at a quorate meeting. A second
    outcome for the same item supersedes the first, which stays as history."""
    meeting = (
        Meeting.objects.select_related("terms", "panel")
        .prefetch_related("panel__members", "attendees")
        .get(pk=item.meeting_id)
    )
    if not is_chair(user=actor, meeting=meeting):
        raise PermissionDenied("Only the panel's chair records outcomes.")
    parts = conflicts.parts_for([item.proposal]).get(item.proposal_id, {})
    if actor.pk in parts:
        raise PermissionDenied(conflicts.refusal(name="You", parts=parts[actor.pk]))
    _require_held(meeting.date, "its outcomes are recorded")
    if recommendation not in Recommendation.values:
        raise ValidationError(f"Recommendation must be one of {', '.join(Recommendation.values)}.")
    quorum = item_quorum(meeting, parts=parts)
    if not quorum.quorate:
        raise NotQuorate(_not_quorate(meeting, quorum=quorum, parts=parts))
    cleaned_actions = [
        {"action": str(a.get("action", "")).strip(), "owner": str(a.get("owner", "")).strip()}
        for a in actions or []
        if str(a.get("action", "")).strip()
    ]
    if any(not a["owner"] for a in cleaned_actions):
        raise ValidationError("Every action needs an owner.")
    previous = Outcome.objects.select_for_update().filter(item=item, is_current=True).first()
    if previous is not None:
        previous.is_current = False
        previous.save(update_fields=["is_current"])
    outcome = Outcome.objects.create(
        item=item,
        recommendation=recommendation,
        conditions=conditions.strip(),
        actions=cleaned_actions,
        recorded_by=actor,
        recorded_at=clock.now(),
        supersedes=previous,
    )
    events.record(
        actor=actor,
        verb="panel_outcome_recorded",
        obj=outcome,
        child=item.child,
        summary=f"{meeting.panel.name} on {day_words(meeting.date)}: "
        f"{outcome.get_recommendation_display()}"
        + (f". Conditions: {outcome.conditions}" if outcome.conditions else ""),
        data={
            "item": item.pk,
            "recommendation": recommendation,
            "conditions": outcome.conditions,
            "actions": cleaned_actions,
            "supersedes": getattr(previous, "pk", None),
            "attendees": sorted(quorum.present),
        },
    )
    return outcome


def _not_quorate(meeting: Meeting, *, quorum: Quorum, parts: conflicts.Parts) -> str:
    words = f"The meeting is not quorate for this item. Missing: {', '.join(quorum.missing)}."
    aside = sorted(u.display_name for u in meeting.attendees.all() if u.pk in parts)
    if aside:
        words += f" Not counted, for their part in the proposal: {', '.join(aside)}."
    return words


@transaction.atomic
def minutes_record(*, meeting: Meeting, minutes: str, actor: Any) -> Meeting:
    """Minutes record what happened, so, like attendance and outcomes, they wait for the day."""
    _require_chair_or_manager(actor=actor, panel=meeting.panel, on=meeting.date)
    _require_held(meeting.date, "its minutes are recorded")
    before = meeting.minutes
    meeting.minutes = minutes.strip()
    meeting.minutes_recorded_by = actor
    meeting.minutes_recorded_at = clock.now()
    meeting.save(update_fields=["minutes", "minutes_recorded_by", "minutes_recorded_at"])
    events.record(
        actor=actor,
        verb="panel_minutes_recorded",
        obj=meeting,
        summary=f"Minutes of {meeting}",
        data={"before": before, "after": meeting.minutes},
    )
    return meeting
