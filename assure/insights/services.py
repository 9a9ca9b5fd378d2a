"""Every write for insights: evidence (entered or imported), recommendations and the
director's decision, the response plan's work streams, actions and progress updates. Each
validates, writes and records a domain event in one transaction (ARCHITECTURE rule 3)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from assure.audits.models import Finding, Theme
from assure.core import access, clock, events
from assure.people.models import Team

from .models import (
    FLOWING_SOURCES,
    ActionStatus,
    EvidenceItem,
    InsightsSettings,
    Kind,
    LimitRebase,
    MeasureTarget,
    PlanAction,
    ProgressUpdate,
    Rag,
    Recommendation,
    Source,
    WorkStream,
)

IMPORT_COLUMNS = ("source", "date", "kind", "themes", "summary", "team", "child_id", "reference")
REQUIRED_COLUMNS = ("source", "date", "kind", "summary")
MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 5000
ENTERED_SOURCES = {value for value, _ in Source.choices} - FLOWING_SOURCES


def _require(actor: Any, action: str, message: str) -> None:
    if not access.can(actor, action):
        raise PermissionDenied(message)


def _visible_child(actor: Any, child_id: str) -> Any:
    """The child, if this person may see them; otherwise None (exactly like no such child)."""
    return access.visible_children(actor).filter(child_id=child_id).first()


# Evidence ----------------------------------------------------------------------------------


@transaction.atomic
def evidence_create(
    *,
    actor: Any,
    source: str,
    date: dt.date,
    kind: str,
    summary: str,
    themes: Iterable[Theme] = (),
    team: Team | None = None,
    child_id: str = "",
    reference: str = "",
) -> EvidenceItem:
    _require(actor, "manage_evidence", "You may not enter evidence.")
    errors: dict[str, str] = {}
    if source not in ENTERED_SOURCES:
        errors["source"] = "Choose where the evidence comes from (audit findings flow in)."
    if kind not in Kind.values:
        errors["kind"] = "Choose strength or area for development."
    if not summary.strip():
        errors["summary"] = "Summarise the evidence."
    if date > clock.today():
        errors["date"] = "The date must be today or in the past."
    child = None
    if child_id.strip():
        child = _visible_child(actor, child_id.strip())
        if child is None:
            errors["child_id"] = "There is no child with that ID that you may see."
    if errors:
        raise ValidationError(errors)
    item = EvidenceItem.objects.create(
        source=source,
        date=date,
        kind=kind,
        summary=summary.strip(),
        team=team,
        child=child,
        reference=reference.strip()[:100],
        created_by=actor,
        created_at=clock.now(),
    )
    item.themes.set(list(themes))
    events.record(
        actor=actor,
        verb="evidence.added",
        obj=item,
        child=child,
        summary=f"{item.get_source_display()}: {item.summary[:80]}",
    )
    return item


@dataclass
class ImportProblem:
    row: int
    column: str
    value: str
    reason: str


@dataclass
class ImportReport:
    created: int = 0
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _source_of(text: str) -> str | None:
    key = text.strip().lower()
    for value, label in Source.choices:
        if key in (value, label.lower()) and value in ENTERED_SOURCES:
            return value
    return None


def _kind_of(text: str) -> str | None:
    key = text.strip().lower().replace(" ", "_")
    return key if key in Kind.values else None


def _parse_rows(
    actor: Any, rows: Sequence[dict[str, str]]
) -> tuple[list[dict[str, Any]], list[ImportProblem]]:
    """Check every row; nothing is written until every row is good."""
    themes = {t.slug: t for t in Theme.objects.filter(active=True)}
    themes.update({t.label.lower(): t for t in themes.values()})
    teams = {t.name.lower(): t for t in Team.objects.all()}
    child_ids = {r.get("child_id", "").strip() for r in rows} - {""}
    children = {
        c.child_id: c for c in access.visible_children(actor).filter(child_id__in=child_ids)
    }
    parsed, problems = [], []
    for number, row in enumerate(rows, start=2):  # row 1 is the header

        def problem(column: str, reason: str, row: dict[str, str] = row, n: int = number) -> None:
            problems.append(ImportProblem(n, column, (row.get(column) or "")[:80], reason))

        source, kind = _source_of(row.get("source", "")), _kind_of(row.get("kind", ""))
        if source is None:
            problem("source", "Not a source of evidence this file can hold.")
        if kind is None:
            problem("kind", "Use strength or area_for_development.")
        try:
            date = dt.date.fromisoformat((row.get("date") or "").strip())
            if date > clock.today():
                problem("date", "The date is in the future.")
        except ValueError:
            date = None
            problem("date", "Use a real date as YYYY-MM-DD.")
        if not (row.get("summary") or "").strip():
            problem("summary", "The summary is empty.")
        row_themes = []
        for name in filter(None, (t.strip().lower() for t in (row.get("themes") or "").split(";"))):
            if name in themes:
                row_themes.append(themes[name])
            else:
                problem("themes", f"No active theme called {name!r}.")
        team_name = (row.get("team") or "").strip().lower()
        if team_name and team_name not in teams:
            problem("team", "No team with that name.")
        child_id = (row.get("child_id") or "").strip()
        if child_id and child_id not in children:
            problem("child_id", "There is no child with that ID that you may see.")
        parsed.append(
            {
                "source": source,
                "date": date,
                "kind": kind,
                "summary": (row.get("summary") or "").strip(),
                "themes": row_themes,
                "team": teams.get(team_name),
                "child": children.get(child_id),
                "reference": (row.get("reference") or "").strip()[:100],
            }
        )
    return parsed, problems


def _read_csv(data: bytes) -> tuple[list[dict[str, str]], list[ImportProblem]]:
    if len(data) > MAX_IMPORT_BYTES:
        return [], [ImportProblem(0, "", "", "The file is larger than 2 MB.")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [ImportProblem(0, "", "", "The file is not UTF-8 text (save it as CSV UTF-8).")]
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        return [], [ImportProblem(1, c, "", "This column is missing.") for c in missing]
    reader.fieldnames = header
    rows = [{k: (v or "") for k, v in r.items() if k} for r in reader]
    if not rows:
        return [], [ImportProblem(0, "", "", "The file has no rows under its header.")]
    if len(rows) > MAX_IMPORT_ROWS:
        return [], [ImportProblem(0, "", "", f"The file has more than {MAX_IMPORT_ROWS} rows.")]
    return rows, []


def evidence_import(*, actor: Any, data: bytes, filename: str = "") -> ImportReport:
    """Import evidence from the CSV template. The whole file is checked first and every
    problem reported with its row, column, value and reason; nothing is written unless every
    row is good."""
    _require(actor, "manage_evidence", "You may not import evidence.")
    rows, problems = _read_csv(data)
    if problems:
        return ImportReport(problems=problems)
    parsed, problems = _parse_rows(actor, rows)
    if problems:
        return ImportReport(problems=problems)
    now = clock.now()
    with transaction.atomic():
        items = EvidenceItem.objects.bulk_create(
            EvidenceItem(
                source=p["source"],
                date=p["date"],
                kind=p["kind"],
                summary=p["summary"],
                team=p["team"],
                child=p["child"],
                reference=p["reference"],
                created_by=actor,
                created_at=now,
            )
            for p in parsed
        )
        EvidenceItem.themes.through.objects.bulk_create(
            EvidenceItem.themes.through(evidenceitem_id=item.pk, theme_id=theme.pk)
            for item, p in zip(items, parsed, strict=True)
            for theme in p["themes"]
        )
        events.record(
            actor=actor,
            verb="evidence.imported",
            obj=items[0],
            summary=f"{len(items)} evidence items imported from {filename[:100]}",
            data={"count": len(items), "ids": [i.pk for i in items]},
        )
    return ImportReport(created=len(items))


# Recommendations ---------------------------------------------------------------------------


@transaction.atomic
def recommendation_create(
    *,
    actor: Any,
    title: str,
    detail: str = "",
    evidence: Iterable[EvidenceItem] = (),
    findings: Iterable[Finding] = (),
) -> Recommendation:
    _require(actor, "manage_response_plan", "You may not make recommendations.")
    if not title.strip():
        raise ValidationError({"title": "Give the recommendation a title."})
    recommendation = Recommendation.objects.create(
        title=title.strip(), detail=detail.strip(), created_by=actor, created_at=clock.now()
    )
    recommendation.evidence.set(list(evidence))
    recommendation.findings.set(list(findings))
    events.record(
        actor=actor, verb="recommendation.made", obj=recommendation, summary=recommendation.title
    )
    return recommendation


@transaction.atomic
def recommendation_decide(
    *, actor: Any, recommendation: Recommendation, accepted: bool, reason: str
) -> Recommendation:
    """The director accepts a recommendation or not, with reasons. A decision is final: a
    change of mind is a new recommendation, so what was decided stays on record."""
    _require(actor, "decide_recommendations", "Only the director decides on recommendations.")
    locked = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    if locked.merged_into_id:
        raise ValidationError("This recommendation was merged into another: decide that one.")
    if locked.decision != Recommendation.Decision.PROPOSED:
        raise ValidationError("This recommendation has already been decided.")
    if not reason.strip():
        raise ValidationError({"reason": "Give the reasons for the decision."})
    before = locked.decision
    locked.decision = (
        Recommendation.Decision.ACCEPTED if accepted else Recommendation.Decision.NOT_ACCEPTED
    )
    locked.decision_reason = reason.strip()
    locked.decided_by = actor
    locked.decided_at = clock.now()
    locked.save(update_fields=["decision", "decision_reason", "decided_by", "decided_at"])
    events.record(
        actor=actor,
        verb="recommendation.accepted" if accepted else "recommendation.not_accepted",
        obj=locked,
        summary=locked.title,
        data={"before": before, "after": locked.decision, "reason": locked.decision_reason},
    )
    return locked


def _merge_problems(keep: Recommendation, duplicates: list[Recommendation]) -> dict[str, str]:
    errors = {}
    if not duplicates:
        errors["duplicates"] = "Choose the recommendations that say the same thing."
    elif any(d.pk == keep.pk for d in duplicates):
        errors["duplicates"] = "A recommendation cannot be merged into itself."
    elif any(d.merged_into_id for d in duplicates):
        errors["duplicates"] = "One of these has already been merged into another."
    if keep.merged_into_id:
        errors["keep"] = "That recommendation has been merged into another: keep that one."
    # Actions belong only to accepted recommendations (action_create), so they may move only
    # onto an accepted one.
    elif keep.decision != Recommendation.Decision.ACCEPTED and (
        PlanAction.objects.filter(recommendation__in=duplicates).exists()
    ):
        errors["keep"] = "Keep the accepted recommendation: the others have plan actions."
    return errors


@transaction.atomic
def recommendation_merge(
    *,
    keep: Recommendation,
    duplicates: Iterable[Recommendation],
    actor: Any,
    reason: str,
) -> Recommendation:
    """Merge recommendations that say the same thing (from different sources) into one. The
    kept one takes every duplicate's evidence and findings and any plan actions; each
    duplicate is marked as merged into it and stays on record, never deleted."""
    _require(actor, "manage_response_plan", "You may not merge recommendations.")
    ids = {d.pk for d in duplicates}
    locked = {
        r.pk: r for r in Recommendation.objects.select_for_update().filter(pk__in=ids | {keep.pk})
    }
    kept = locked[keep.pk]
    dupes = [locked[pk] for pk in sorted(ids) if pk in locked]
    errors = _merge_problems(kept, dupes)
    if not reason.strip():
        errors["reason"] = "Say why these are the same recommendation."
    if errors:
        raise ValidationError(errors)
    evidence = set(
        EvidenceItem.objects.filter(recommendations__in=dupes).values_list("pk", flat=True)
    )
    findings = set(
        Recommendation.findings.through.objects.filter(recommendation__in=dupes).values_list(
            "finding_id", flat=True
        )
    )
    actions = list(PlanAction.objects.filter(recommendation__in=dupes).values_list("pk", flat=True))
    kept.evidence.add(*evidence)
    kept.findings.add(*findings)
    PlanAction.objects.filter(pk__in=actions).update(recommendation=kept)
    # Anything merged into a duplicate earlier now points straight at the one kept.
    Recommendation.objects.filter(merged_into__in=dupes).update(merged_into=kept)
    for dupe in dupes:
        dupe.evidence.clear()
        dupe.findings.clear()
    Recommendation.objects.filter(pk__in=[d.pk for d in dupes]).update(
        merged_into=kept, merged_by=actor, merged_at=clock.now(), merge_reason=reason.strip()
    )
    events.record(
        actor=actor,
        verb="recommendation.merged",
        obj=kept,
        summary=f"{len(dupes)} merged into {kept.title}"[:200],
        data={
            "merged": [d.pk for d in dupes],
            "titles": [d.title for d in dupes],
            "evidence": sorted(evidence),
            "findings": sorted(findings),
            "actions": sorted(actions),
            "reason": reason.strip(),
        },
    )
    return kept


# The response plan -------------------------------------------------------------------------


@transaction.atomic
def work_stream_save(
    *, actor: Any, name: str, lead: str = "", work_stream: WorkStream | None = None
) -> WorkStream:
    """Add a work stream, or rename one."""
    _require(actor, "manage_response_plan", "You may not change the response plan.")
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Name the work stream."})
    clash = WorkStream.objects.filter(name__iexact=name)
    if work_stream is not None:
        clash = clash.exclude(pk=work_stream.pk)
    if clash.exists():
        raise ValidationError({"name": "There is already a work stream with that name."})
    if work_stream is None:
        last = WorkStream.objects.order_by("-position").first()
        work_stream = WorkStream(position=(last.position + 1) if last else 1)
        verb, before = "work_stream.added", {}
    else:
        verb, before = "work_stream.changed", {"name": work_stream.name, "lead": work_stream.lead}
    work_stream.name, work_stream.lead = name, lead.strip()[:120]
    work_stream.save()
    events.record(
        actor=actor,
        verb=verb,
        obj=work_stream,
        summary=work_stream.name,
        data={"before": before, "after": {"name": work_stream.name, "lead": work_stream.lead}},
    )
    return work_stream


@transaction.atomic
def action_create(
    *,
    actor: Any,
    work_stream: WorkStream,
    description: str,
    owner: str,
    due_date: dt.date,
    recommendation: Recommendation | None = None,
    other_programme: str = "",
) -> PlanAction:
    _require(actor, "manage_response_plan", "You may not change the response plan.")
    errors = {}
    if not description.strip():
        errors["description"] = "Describe the action."
    if not owner.strip():
        errors["owner"] = "Name who owns the action."
    if (
        recommendation is not None
        and not Recommendation.objects.filter(
            pk=recommendation.pk,
            decision=Recommendation.Decision.ACCEPTED,
            merged_into__isnull=True,
        ).exists()
    ):
        errors["recommendation"] = "Only an accepted recommendation goes into the plan."
    if errors:
        raise ValidationError(errors)
    action = PlanAction.objects.create(
        work_stream=work_stream,
        recommendation=recommendation,
        description=description.strip(),
        owner=owner.strip()[:120],
        due_date=due_date,
        other_programme=other_programme.strip()[:200],
        created_by=actor,
        created_at=clock.now(),
    )
    events.record(actor=actor, verb="plan_action.added", obj=action, summary=action.description)
    return action


@transaction.atomic
def action_update(
    *,
    actor: Any,
    action: PlanAction,
    text: str,
    status: str,
    rag: str,
    evidence_of_impact: str = "",
) -> ProgressUpdate:
    """A dated progress update: the action takes its new status and RAG, earlier updates
    stay as they were."""
    _require(actor, "manage_response_plan", "You may not update the response plan.")
    errors = {}
    if not text.strip():
        errors["text"] = "Say what progress has been made."
    if status not in ActionStatus.values:
        errors["status"] = "Choose a status."
    if rag not in Rag.values:
        errors["rag"] = "Choose a RAG rating."
    if errors:
        raise ValidationError(errors)
    locked = PlanAction.objects.select_for_update().get(pk=action.pk)
    before = {"status": locked.status, "rag": locked.rag}
    update = ProgressUpdate.objects.create(
        action=locked,
        date=clock.today(),
        text=text.strip(),
        status=status,
        rag=rag,
        by=actor,
        at=clock.now(),
    )
    locked.status, locked.rag = status, rag
    if evidence_of_impact.strip():
        locked.evidence_of_impact = evidence_of_impact.strip()
    locked.save(update_fields=["status", "rag", "evidence_of_impact"])
    events.record(
        actor=actor,
        verb="plan_action.updated",
        obj=locked,
        summary=text.strip()[:120],
        data={"before": before, "after": {"status": status, "rag": rag}},
    )
    return update


@transaction.atomic
def settings_update(*, actor: Any, programme_start: dt.date | None) -> InsightsSettings:
    """Set (or clear) the programme start date the charts' limits are recalculated from."""
    _require(actor, "manage_insights_settings", "Only the assurance lead sets the programme start.")
    current = InsightsSettings.objects.select_for_update().filter(pk=1).first() or (
        InsightsSettings(pk=1)
    )
    before = current.programme_start
    current.programme_start = programme_start
    current.updated_by, current.updated_at = actor, clock.now()
    current.save()
    events.record(
        actor=actor,
        verb="insights_settings.changed",
        obj=current,
        summary=f"Programme start {programme_start or 'cleared'}",
        data={
            "before": before.isoformat() if before else None,
            "after": programme_start.isoformat() if programme_start else None,
        },
    )
    return current


@transaction.atomic
def rebase_record(*, actor: Any, measure: str, start: dt.date, reason: str) -> LimitRebase:
    """Record a change in a measure's process from a month on. The chart applies it only
    where the data confirm a shift there and 12 points follow (spc.py)."""
    from .measures import SPECS

    _require(actor, "manage_insights_settings", "Only the assurance lead records a rebase.")
    errors = {}
    if measure not in SPECS:
        errors["measure"] = "Choose a measure."
    if not (reason or "").strip():
        errors["reason"] = "Say what changed in the process, and when."
    if errors:
        raise ValidationError(errors)
    rebase = LimitRebase.objects.create(
        measure=measure,
        start=start.replace(day=1),
        reason=reason.strip(),
        recorded_by=actor,
        recorded_at=clock.now(),
    )
    events.record(
        actor=actor,
        verb="insights_rebase.recorded",
        obj=rebase,
        summary=f"Rebase of {measure} from {rebase.start:%B %Y}",
        data={"measure": measure, "start": rebase.start.isoformat(), "reason": rebase.reason},
    )
    return rebase


def measures_with_a_direction() -> dict[str, Any]:
    """The measures a target can be set for: those with a better direction (a target for a
    measure where neither way is better would say nothing about assurance)."""
    from .measures import ORDER, SPECS

    return {slug: SPECS[slug] for slug in ORDER if SPECS[slug].improvement is not None}


@transaction.atomic
def target_set(*, actor: Any, measure: str, value: Decimal, reason: str) -> MeasureTarget:
    """Set (or replace) the council's target for a measure with a better direction."""
    _require(actor, "manage_insights_settings", "Only the assurance lead sets a target.")
    spec = measures_with_a_direction().get(measure)
    errors = {}
    if spec is None:
        errors["measure"] = "Choose a measure with a better direction."
    elif value < 0 or (spec.unit == "%" and value > 100):
        errors["value"] = (
            "Enter a percentage from 0 to 100."
            if spec.unit == "%"
            else "Enter a target of 0 or more."
        )
    if not (reason or "").strip():
        errors["reason"] = "Say where the target comes from (a plan, a board decision)."
    if errors:
        raise ValidationError(errors)
    before = MeasureTarget.objects.select_for_update().filter(measure=measure).first()
    previous = before.value if before else None
    target, _ = MeasureTarget.objects.update_or_create(
        measure=measure,
        defaults={"value": value, "reason": reason.strip(), "set_by": actor,
                  "set_at": clock.now()},
    )  # fmt: skip
    events.record(
        actor=actor,
        verb="insights_target.set",
        obj=target,
        summary=f"Target for {measure}: {_plain(value)} {spec.unit}",
        data={
            "measure": measure,
            "before": _plain(previous) if previous is not None else None,
            "after": _plain(value),
            "reason": target.reason,
        },
    )
    return target


def _plain(value: Decimal) -> str:
    """A target as a person wrote it: 6, not 6.00."""
    return format(value.normalize(), "f")


@transaction.atomic
def target_remove(*, actor: Any, target: MeasureTarget) -> None:
    _require(actor, "manage_insights_settings", "Only the assurance lead removes a target.")
    events.record(
        actor=actor,
        verb="insights_target.removed",
        obj=target,
        summary=f"Target for {target.measure} removed",
        data={"measure": target.measure, "before": _plain(target.value)},
    )
    target.delete()


@transaction.atomic
def rebase_withdraw(*, actor: Any, rebase: LimitRebase) -> LimitRebase:
    _require(actor, "manage_insights_settings", "Only the assurance lead withdraws a rebase.")
    rebase = LimitRebase.objects.select_for_update().get(pk=rebase.pk)
    if rebase.withdrawn_at is not None:
        raise ValidationError("This rebase has already been withdrawn.")
    rebase.withdrawn_by, rebase.withdrawn_at = actor, clock.now()
    rebase.save(update_fields=["withdrawn_by", "withdrawn_at"])
    events.record(
        actor=actor,
        verb="insights_rebase.withdrawn",
        obj=rebase,
        summary=f"Rebase of {rebase.measure} from {rebase.start:%B %Y} withdrawn",
        data={"measure": rebase.measure, "start": rebase.start.isoformat()},
    )
    return rebase
