"""Reads for data protection: the rules in force, the retention report, the deletion
proposals and the legal holds. Children's IDs are given only to people who may see children,
and only for the children they see (core.access); everyone else gets counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, Max, Min, OuterRef, QuerySet, Subquery
from django.http import Http404

from assure.children.care.exits import ADOPTION_EXIT_CODES
from assure.children.models import Child, Episode
from assure.core import access, clock
from assure.core.models import AccessEvent
from assure.imports.models import ImportRun, ImportUpload

from . import retention
from .models import DeletionItem, DeletionProposal, Kind, LegalHold, RetentionRule

OPEN = (DeletionProposal.Status.PROPOSED, DeletionProposal.Status.APPROVED)
BUSY_UPLOADS = (ImportUpload.Status.CHECKING, ImportUpload.Status.APPLYING)
# The report lists at most this many children by name; the counts are always complete.
LISTED_CHILDREN = 200


# --- the rules ------------------------------------------------------------------------------


def current_rules() -> dict[str, RetentionRule]:
    """The latest version of each kind's rule (the migrations ship the first versions)."""
    latest: dict[str, RetentionRule] = {}
    for rule in RetentionRule.objects.select_related("created_by").order_by("kind", "-version"):
        latest.setdefault(rule.kind, rule)
    missing = set(Kind.values) - set(latest)
    if missing:
        raise RetentionRule.DoesNotExist(f"No retention rule for {', '.join(sorted(missing))}.")
    return latest


def years_of(rules: dict[str, RetentionRule]) -> dict[str, retention.Years]:
    return {
        kind: retention.Years(rule.years, rule.years_after_death) for kind, rule in rules.items()
    }


def rule_versions(*, kind: str) -> QuerySet[RetentionRule]:
    return RetentionRule.objects.filter(kind=kind).select_related("created_by").order_by("-version")


# --- children past their period -------------------------------------------------------------


def with_facts(children: QuerySet[Child]) -> QuerySet[Child]:
    """Children annotated with what the retention rules read (one query)."""
    episodes = Episode.objects.filter(child_id=OuterRef("pk"))
    died = (
        episodes.filter(reason_ceased=retention.DIED, end_date__isnull=False)
        .values("child_id")
        .annotate(on=Min("end_date"))
        .values("on")
    )
    adopted = (
        episodes.filter(reason_ceased__in=ADOPTION_EXIT_CODES, end_date__isnull=False)
        .values("child_id")
        .annotate(on=Max("end_date"))
        .values("on")
    )
    return children.annotate(
        was_looked_after=Exists(episodes),
        died_on=Subquery(died[:1]),
        adopted_on=Subquery(adopted[:1]),
    )


def facts_of(child: Any) -> retention.ChildFacts:
    return retention.ChildFacts(
        date_of_birth=child.date_of_birth,
        looked_after=child.was_looked_after,
        died_on=child.died_on,
        adopted_on=child.adopted_on,
    )


@dataclass(frozen=True)
class ChildDue:
    pk: int
    child_id: str
    name: str
    due: dt.date
    kind: str
    held: bool = False
    proposed: bool = False

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label


def children_past_retention(
    *, on: dt.date, years: dict[str, retention.Years], pks: Iterable[int] | None = None
) -> list[ChildDue]:
    """Every child whose record may be deleted on `on` (of `pks`, if given), oldest due
    first, each marked if under a legal hold or already proposed. Three queries, whatever the
    number of children."""
    limits = retention.thresholds(years, on)
    children = Child.objects.filter(retention.candidates_q(limits))
    if pks is not None:
        children = children.filter(pk__in=list(pks))
    found = []
    fields = ("pk", "child_id", "first_name", "last_name", "date_of_birth")
    for child in with_facts(children).only(*fields):
        when = retention.due(facts_of(child), years)
        if when.on is not None and when.on <= on:
            found.append((child, when))
    if not found:
        return []
    ids = [child.pk for child, _ in found]
    held = held_child_ids(ids)
    proposed = set(
        DeletionItem.objects.filter(child_id__in=ids, proposal__status__in=OPEN).values_list(
            "child_id", flat=True
        )
    )
    rows = [
        ChildDue(
            pk=child.pk,
            child_id=child.child_id,
            name=child.display_name,
            due=when.on,  # type: ignore[arg-type]
            kind=when.kind,
            held=child.pk in held,
            proposed=child.pk in proposed,
        )
        for child, when in found
    ]
    rows.sort(key=lambda r: (r.due, r.child_id))
    return rows


def held_child_ids(pks: Iterable[int] | None = None) -> set[int]:
    """Children under a legal hold that stands (of `pks`, if given)."""
    holds = LegalHold.objects.filter(lifted_at__isnull=True)
    if pks is not None:
        holds = holds.filter(child_id__in=list(pks))
    return set(holds.values_list("child_id", flat=True))


# --- the report -----------------------------------------------------------------------------


@dataclass
class KindRow:
    """One kind of record in the report."""

    kind: str
    rule: RetentionRule
    due: int = 0  # past the period and free to propose
    held: int = 0
    proposed: int = 0
    cutoff: dt.datetime | None = None
    open_proposal: DeletionProposal | None = None
    extra: int = 0  # import records: uploads never applied

    @property
    def label(self) -> str:
        return Kind(self.kind).label

    @property
    def info(self) -> retention.KindInfo:
        return retention.KINDS[self.kind]

    @property
    def for_children(self) -> bool:
        return self.kind in retention.CHILD_KINDS


@dataclass
class Report:
    on: dt.date
    rows: list[KindRow]
    children: list[ChildDue] = field(default_factory=list)  # only for those who see children
    children_total: int = 0
    hidden_children: int = 0  # past retention, but not children this person sees
    shows_children: bool = False
    undetermined: int = 0  # no date of birth: kept, the period cannot be worked out


def retention_report(*, user: Any, on: dt.date | None = None) -> Report:
    """Records past their retention period on `on` (today), by kind of record, in a fixed
    number of queries. Children's IDs only for someone who may see children."""
    on = on or clock.today()
    rules = current_rules()
    years = years_of(rules)
    rows = {kind: KindRow(kind=kind, rule=rules[kind]) for kind in Kind.values}
    children = children_past_retention(on=on, years=years)
    for child in children:
        row = rows[child.kind]
        if child.held:
            row.held += 1
        elif child.proposed:
            row.proposed += 1
        else:
            row.due += 1
    held = held_child_ids()
    log = rows[Kind.ACCESS_LOG]
    log.cutoff = retention.cutoff(log.rule.years, on)
    old_entries = AccessEvent.objects.filter(at__lt=log.cutoff)
    log.due = old_entries.exclude(child_id__in=held).count()
    log.held = old_entries.filter(child_id__in=held).count() if held else 0
    runs = rows[Kind.IMPORT_RUN]
    runs.cutoff = retention.cutoff(runs.rule.years, on)
    runs.due = old_import_runs(runs.cutoff, held).count()
    runs.extra = old_uploads(runs.cutoff).count()
    for proposal in DeletionProposal.objects.filter(
        status__in=OPEN, kind__in=retention.ROW_KINDS
    ).order_by("proposed_at"):
        rows[proposal.kind].open_proposal = proposal
    report = Report(
        on=on,
        rows=[rows[kind] for kind in Kind.values],
        children_total=len(children),
        undetermined=Child.objects.filter(date_of_birth__isnull=True).count(),
    )
    if access.can(user, "view_children"):
        visible = (
            set(
                access.visible_children(user)
                .filter(pk__in=[c.pk for c in children])
                .values_list("pk", flat=True)
            )
            if children
            else set()
        )
        shown = [c for c in children if c.pk in visible]
        report.shows_children = True
        report.children = shown[:LISTED_CHILDREN]
        report.hidden_children = len(children) - len(shown)
    return report


def old_import_runs(cutoff: dt.datetime, held: set[int]) -> QuerySet[ImportRun]:
    """Import runs older than the cut-off, except any that holds checks of a held child."""
    runs = ImportRun.objects.filter(started_at__lt=cutoff)
    if held:
        runs = runs.exclude(child_checks__child_id__in=held)
    return runs


def old_uploads(cutoff: dt.datetime) -> QuerySet[ImportUpload]:
    return ImportUpload.objects.filter(created_at__lt=cutoff).exclude(status__in=BUSY_UPLOADS)


# --- proposals ------------------------------------------------------------------------------


def proposals_list(*, limit: int = 100) -> list[DeletionProposal]:
    return list(
        DeletionProposal.objects.select_related(
            "rule", "proposed_by", "approved_by", "rejected_by", "deleted_by"
        ).order_by("-proposed_at", "-id")[:limit]
    )


def proposal_get(*, pk: int) -> DeletionProposal:
    proposal = (
        DeletionProposal.objects.select_related(
            "rule", "proposed_by", "approved_by", "rejected_by", "deleted_by"
        )
        .filter(pk=pk)
        .first()
    )
    if proposal is None:
        raise Http404("No such proposal")
    return proposal


def proposals_waiting_for(*, user: Any) -> list[tuple[DeletionProposal, str]]:
    """Open deletion proposals this person may move now, with the move (approve or carry
    out): the information governance officer's work on the home page. The workflow's own
    table says who may (its guards are checked when the move is made)."""
    if not access.can(user, "approve_deletion"):
        return []
    from .workflow import APPROVE, DELETE, offered

    waiting = []
    proposals = DeletionProposal.objects.filter(status__in=OPEN).select_related("proposed_by")
    for proposal in proposals.order_by("proposed_at", "id"):
        moves = offered(user=user, proposal=proposal)
        move = APPROVE if APPROVE in moves else DELETE if DELETE in moves else None
        if move:
            waiting.append((proposal, move))
    return waiting


@dataclass
class ProposalChildren:
    """The children a proposal names, as far as this person may know them."""

    shown: list[DeletionItem]
    hidden: int
    held: set[int]


def proposal_children(*, user: Any, proposal: DeletionProposal) -> ProposalChildren | None:
    """The children on a proposal that this person sees (None for someone who sees no
    children: they get the count)."""
    if not access.can(user, "view_children"):
        return None
    items = list(
        DeletionItem.objects.filter(proposal=proposal)
        .filter(access.child_visibility_q(user, prefix="child__"))
        .select_related("child")
        .order_by("due", "child__child_id")
    )
    total = DeletionItem.objects.filter(proposal=proposal).count()
    return ProposalChildren(
        shown=items, hidden=total - len(items), held=held_child_ids(i.child_id for i in items)
    )


def proposal_held_count(proposal: DeletionProposal) -> int:
    return LegalHold.objects.filter(
        lifted_at__isnull=True,
        child_id__in=DeletionItem.objects.filter(proposal=proposal).values("child_id"),
    ).count()


# --- legal holds ----------------------------------------------------------------------------


def holds_for(*, user: Any, active: bool = True, limit: int = 200) -> list[LegalHold]:
    """Legal holds on children this person sees: those standing, or those lifted."""
    holds = LegalHold.objects.filter(access.child_visibility_q(user, prefix="child__"))
    holds = holds.filter(lifted_at__isnull=active)
    order = "-placed_at" if active else "-lifted_at"
    return list(
        holds.select_related("child", "placed_by", "lifted_by").order_by(order, "-id")[:limit]
    )


def child_for_holds(*, user: Any, child_id: str) -> Child:
    """A child whose holds this person may see and keep; 404 like a child that does not
    exist otherwise."""
    child = access.visible_children(user).filter(child_id=child_id).first()
    if child is None:
        raise Http404("No child with that ID")
    return child


def holds_of_child(*, child: Child) -> list[LegalHold]:
    return list(
        LegalHold.objects.filter(child=child)
        .select_related("placed_by", "lifted_by")
        .order_by("lifted_at", "-placed_at")
    )


def hold_get(*, user: Any, pk: int) -> LegalHold:
    hold = (
        LegalHold.objects.filter(access.child_visibility_q(user, prefix="child__"), pk=pk)
        .select_related("child", "placed_by")
        .first()
    )
    if hold is None:
        raise Http404("No such hold")
    return hold
