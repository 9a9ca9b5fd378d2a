"""My work: everything waiting on one person, most urgent first, gathered from each app's
own selectors and workflows (never a second copy of their rules), and their notifications.

Kinds, as the API names them:

- `escalation`: an escalation to acknowledge, saying what was done (the child's team
  managers and heads of service: `acknowledge_escalations` for the child's team);
- `proposal_decision`: a proposal whose next step is yours (`decisions.selectors.waiting_on`,
  the workflow's own `refusal_for`);
- `audit_to_do`: an audit you carry out or take part in (the audit workflow's auditor moves);
- `audit_to_moderate`: a submitted audit, or one in moderation (its `review_audits` moves);
- `action_due`: an open action you own (`audits.selectors.actions_for`);
- `panel_meeting`: a meeting of a panel you sit on, in the next 4 weeks, with its agenda;
- `import_run`: a refused automatic import nobody has dealt with
  (`imports.selectors.automatic_runs_needing_attention`).

An item leaves the inbox when its work is done or moves to someone else, because each is
read from the state of the work itself, never stored.

**Most urgent first**: escalations first (a child may be unsafe now), earliest
acknowledge-by first; then everything else by date: the date it is due, or, for work with no
due date (a proposal, an audit to moderate, a refused import), the date it came to you. So
overdue work comes before work due later, and the longest-waiting undated work before newer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Exists, OuterRef, Prefetch, Q, Subquery, When
from django.urls import reverse
from django.utils import timezone

from assure.core import access, clock
from assure.core.formats import moment_words

from .models import Notification

PROPOSAL_DECISION = "proposal_decision"
AUDIT_TO_DO = "audit_to_do"
AUDIT_TO_MODERATE = "audit_to_moderate"
ESCALATION = "escalation"
ACTION_DUE = "action_due"
PANEL_MEETING = "panel_meeting"
IMPORT_RUN = "import_run"
KINDS = (
    ESCALATION,
    PROPOSAL_DECISION,
    AUDIT_TO_DO,
    AUDIT_TO_MODERATE,
    ACTION_DUE,
    PANEL_MEETING,
    IMPORT_RUN,
)
KIND_LABELS = {
    ESCALATION: "Escalation",
    PROPOSAL_DECISION: "Decision",
    AUDIT_TO_DO: "Audit",
    AUDIT_TO_MODERATE: "Audit to review",
    ACTION_DUE: "Action",
    PANEL_MEETING: "Panel meeting",
    IMPORT_RUN: "Import",
}
TAG_COLOURS = {
    ESCALATION: "red",
    PROPOSAL_DECISION: "purple",
    AUDIT_TO_DO: "blue",
    AUDIT_TO_MODERATE: "turquoise",
    ACTION_DUE: "orange",
    PANEL_MEETING: "green",
    IMPORT_RUN: "yellow",
}
# How far ahead a panel meeting counts as work to prepare for.
MEETINGS_AHEAD = dt.timedelta(weeks=4)


def child_label(child: Any) -> str:
    """A child as people know them: "Amelia Hart (NA1001)", or "Child NA1001" when the
    record has no name."""
    name = f"{child.first_name} {child.last_name}".strip()
    return f"{name} ({child.child_id})" if name else f"Child {child.child_id}"


@dataclass
class InboxItem:
    kind: str
    title: str
    url: str
    due_date: dt.date | None
    child: Any = None
    # The date the work came to this person: orders work that has no due date.
    since: dt.date | None = None
    # A line under the title on the home page ("Waiting for you as team manager").
    hint: str = ""
    # What else the home page lists under it (a meeting's agenda).
    details: list[str] = field(default_factory=list)
    key: str = ""

    @property
    def child_id(self) -> str | None:
        return self.child.child_id if self.child is not None else None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def tag_colour(self) -> str:
        return TAG_COLOURS.get(self.kind, "grey")

    def sort_key(self) -> tuple[Any, ...]:
        day = self.due_date or self.since or dt.date.max
        return (self.kind != ESCALATION, day, KINDS.index(self.kind), self.title)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "url": self.url,
            "due_date": self.due_date,
            "child_id": self.child_id,
        }


def _local_date(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(moment).date() if moment else None


# --- each kind of work, from its own app ---------------------------------------------------


def _proposals(user: Any) -> list[InboxItem]:
    from assure.decisions.selectors import waiting_on
    from assure.decisions.services import next_step

    items = []
    for proposal in waiting_on(user=user):
        step = next_step(proposal)
        role = step[1].replace("_", " ") if step else ""
        items.append(
            InboxItem(
                kind=PROPOSAL_DECISION,
                title=(
                    f"{proposal.scheme.decision_type.name} for {child_label(proposal.child)}: "
                    "waiting for your decision"
                ),
                url=reverse("decisions:detail", args=[proposal.pk]),
                due_date=None,
                child=proposal.child,
                since=_local_date(proposal.submitted_at or proposal.created_at),
                hint=f"Proposed by {proposal.proposer.display_name}; your step as {role}.",
                key=f"proposal:{proposal.pk}:decide",
            )
        )
    return items


def _states_moved_by(workflow: Any, who: str) -> list[str]:
    """The states from which the workflow's table lets `who` move a record: where the
    record waits for them."""
    return sorted({move.source for move in workflow.moves if move.who == who})


def _audits(user: Any) -> list[InboxItem]:
    from assure.audits import selectors, services
    from assure.audits.models import Status

    if not access.can(user, "view_audits"):
        return []
    states = _states_moved_by(services.WORKFLOW, "the audit's auditor")
    reviewer_states = (
        _states_moved_by(services.WORKFLOW, "review_audits")
        if access.can(user, "review_audits")
        else []
    )
    mine = Q(status__in=states) & (Q(auditor=user) | Q(practitioner=user) | Q(manager=user))
    audits = (
        selectors.audits_for(user=user)
        .filter(mine | Q(status__in=reviewer_states))
        .select_related("child", "template", "auditor")
        .order_by("due_date", "id")
    )
    labels = dict(Status.choices)
    items = []
    for audit in audits:
        status = labels.get(audit.status, audit.status).lower()
        if audit.status in states and user.pk in {
            audit.auditor_id,
            audit.practitioner_id,
            audit.manager_id,
        }:
            yours = audit.auditor_id == user.pk
            items.append(
                InboxItem(
                    kind=AUDIT_TO_DO,
                    title=(
                        f"{'Audit' if yours else 'Take part in the audit'} of "
                        f"{child_label(audit.child)}: {audit.template.title}"
                    ),
                    url=reverse("audits:detail", args=[audit.pk])
                    + ("" if yours else "#collaboration"),
                    due_date=audit.due_date,
                    child=audit.child,
                    since=_local_date(audit.created_at),
                    hint=(
                        f"{status.capitalize()}."
                        if yours
                        else f"{status.capitalize()}; the auditor is {audit.auditor.display_name}."
                    ),
                    key=f"audit:{audit.pk}:do",
                )
            )
        if audit.status in reviewer_states:
            items.append(
                InboxItem(
                    kind=AUDIT_TO_MODERATE,
                    title=f"Review the audit of {child_label(audit.child)}: {audit.template.title}",
                    url=reverse("audits:detail", args=[audit.pk]),
                    due_date=None,
                    child=audit.child,
                    since=_local_date(audit.submitted_at or audit.created_at),
                    hint=f"{status.capitalize()}; audited by {audit.auditor.display_name}.",
                    key=f"audit:{audit.pk}:review",
                )
            )
    return items


def _escalations(user: Any) -> list[InboxItem]:
    from assure.audits.selectors import escalations_to_acknowledge

    mine = escalations_to_acknowledge(user=user)
    return [
        InboxItem(
            kind=ESCALATION,
            title=f"Escalation: {child_label(e.child)} may be unsafe now",
            url=reverse("audits:escalations") + f"#response-{e.pk}",
            due_date=_local_date(e.acknowledge_by),
            child=e.child,
            since=_local_date(e.raised_at),
            hint=(
                f"Raised by {e.raised_by.display_name}. Acknowledge by "
                f"{moment_words(e.acknowledge_by)}, saying what was done."
            ),
            key=f"escalation:{e.pk}",
        )
        for e in mine
    ]


def _actions(user: Any) -> list[InboxItem]:
    from assure.audits.selectors import actions_for

    return [
        InboxItem(
            kind=ACTION_DUE,
            title=f"Action for {child_label(a.audit.child)}: {_short(a.description)}",
            url=reverse("audits:detail", args=[a.audit_id]) + "#actions",
            due_date=a.due_date,
            child=a.audit.child,
            since=_local_date(a.created_at),
            hint=f"{a.get_priority_display()} priority.",
            key=f"action:{a.pk}",
        )
        for a in actions_for(user=user, owner=user)
    ]


def _meetings(user: Any) -> list[InboxItem]:
    from assure.panels.models import AgendaItem, Meeting, PanelMember

    today = clock.today()
    seat = PanelMember.objects.filter(
        user_id=user.pk, panel_id=OuterRef("panel_id"), from_date__lte=OuterRef("date")
    ).filter(Q(to_date__isnull=True) | Q(to_date__gte=OuterRef("date")))
    agenda = (
        AgendaItem.objects.filter(child__in=access.visible_children(user))
        .select_related("child", "proposal__scheme__decision_type")
        .order_by("added_at", "id")
    )
    meetings = (
        Meeting.objects.filter(Exists(seat), date__gte=today, date__lte=today + MEETINGS_AHEAD)
        # The seat held on the meeting's day, for the hint (a chair's seat before a member's).
        .annotate(seat_role=Subquery(seat.order_by(_SEAT_FIRST, "id").values("panel_role")[:1]))
        .select_related("panel")
        .prefetch_related(Prefetch("items", queryset=agenda, to_attr="agenda"))
        .order_by("date", "id")
    )
    items = []
    for meeting in meetings:
        count = len(meeting.agenda)
        items.append(
            InboxItem(
                kind=PANEL_MEETING,
                title=(
                    f"{meeting.panel.name} on {meeting.date:%A %-d %B %Y}: "
                    f"{count} item{'' if count == 1 else 's'} on the agenda"
                ),
                url=reverse("panels:meeting", args=[meeting.pk]),
                due_date=meeting.date,
                since=meeting.date,
                hint=SEAT_HINTS.get(meeting.seat_role, "You sit on this panel."),
                details=[_agenda_line(item) for item in meeting.agenda],
                key=f"meeting:{meeting.pk}",
            )
        )
    return items


# What the home page says of the person's seat on a meeting's panel.
SEAT_HINTS = {
    "chair": "You chair this panel.",
    "legal_adviser": "You are this panel's legal adviser.",
    "member": "You are a member of this panel.",
    "independent_member": "You are an independent member of this panel.",
}
_SEAT_FIRST = Case(
    When(panel_role="chair", then=0), When(panel_role="legal_adviser", then=1), default=2
)


def _agenda_line(item: Any) -> str:
    about = (
        item.proposal.scheme.decision_type.name
        if item.proposal_id
        else _short(item.question or "A question for the panel", 80)
    )
    return f"{child_label(item.child)}: {about}"


def _imports(user: Any) -> list[InboxItem]:
    from assure.imports.selectors import automatic_runs_needing_attention

    if not access.can(user, "import_data"):
        return []
    items = []
    for run in automatic_runs_needing_attention():
        files = ", ".join(str(f.get("path", "")) for f in (run.files or []) if f.get("path"))
        items.append(
            InboxItem(
                kind=IMPORT_RUN,
                title=(
                    f"Automatic import refused on {timezone.localtime(run.started_at):%-d %B %Y}"
                    + (f": {_short(files, 120)}" if files else "")
                ),
                url=reverse("imports:run", args=[run.pk]),
                due_date=None,
                since=_local_date(run.started_at),
                hint=(
                    "Nothing from it was stored. Look at the problems, then mark it as dealt with."
                ),
                key=f"import_run:{run.pk}",
            )
        )
    return items


def _short(text: str, limit: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


SOURCES = (_escalations, _proposals, _audits, _actions, _meetings, _imports)


def inbox_for(*, user: Any) -> list[InboxItem]:
    """Everything waiting on this person, most urgent first, in a fixed number of queries
    (about one per kind of work they may have) however much there is."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    items = [item for source in SOURCES for item in source(user)]
    return sorted(items, key=InboxItem.sort_key)


def is_overdue(item: InboxItem, today: dt.date | None = None) -> bool:
    return item.due_date is not None and item.due_date < (today or clock.today())


# --- notifications ---------------------------------------------------------------------


def unread_count(*, user: Any) -> int:
    """Unread notifications, for the header: one query."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_for(*, user: Any) -> Any:
    """A person's notifications, unread first, newest first within each."""
    return (
        Notification.objects.filter(user=user)
        .select_related("child")
        .annotate(unread_first=Case(When(read_at__isnull=True, then=0), default=1))
        .order_by("unread_first", "-created_at", "-id")
    )


def digest_wanted(*, user: Any) -> bool:
    """Whether this person gets the daily digest email (everyone does until they turn it
    off)."""
    from .models import DigestSetting

    wanted = DigestSetting.objects.filter(user=user).values_list("daily_digest", flat=True)
    return next(iter(wanted), True)
