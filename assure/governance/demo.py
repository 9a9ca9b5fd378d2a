"""The demo council's data-protection work: a legal hold on a child in care proceedings,
the council's import records from three years ago (past the two-year rule), and a proposal
to delete them waiting for the information governance officer's approval.

Every write goes through the governance services, as a person's would."""

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from assure.children import codes
from assure.children.models import Child
from assure.core import clock
from assure.governance import services
from assure.governance.models import DeletionProposal, Kind, LegalHold
from assure.imports.models import ImportRun
from assure.people.models import User


@dataclass(frozen=True)
class OldImport:
    years: int
    days: int
    kind: str
    name: str
    table: str
    rows: int
    children: int
    changes: dict[str, dict[str, int]]
    stored: int  # the records stored, as its importer counts them (episodes_loaded)


# The records' ages: old enough to have passed the import record rule (two years by default).
OLD_IMPORTS = (
    # The 903 counts its episodes stored...
    OldImport(3, 40, ImportRun.Kind.SSDA903, "ssda903_2022-23_episodes.csv", "Episodes",
              rows=1_912, children=641, stored=1_912,
              changes={"Children": {"created": 641, "updated": 0},
                       "Episodes": {"created": 1_912, "updated": 0}}),
    # ... Annex A every record created or updated.
    OldImport(3, 12, ImportRun.Kind.ANNEX_A, "annex_a_2023-06.xlsx [List 8]", "List 8",
              rows=2_304, children=2_304, stored=2_304,
              changes={"Children": {"created": 0, "updated": 2_304}}),
)  # fmt: skip


@dataclass(frozen=True)
class DemoGovernance:
    held_child: str
    proposal: int


class DemoGovernanceRefused(ValidationError):
    """The demo council is not ready for this step (its users or children are missing)."""


def _child_in_care_proceedings() -> Child:
    """A child whose care proceedings are open: the council's lawyers would hold the record."""
    child = (
        Child.objects.filter(
            proceedings__status=codes.ProceedingsStatus.OPEN,
            proceedings__application_type=codes.ApplicationType.CARE,
        )
        .order_by("child_id")
        .first()
    )
    if child is None:
        raise DemoGovernanceRefused("The demo council has no child in open care proceedings.")
    return child


def _old_import_runs() -> None:
    """Runs recorded as an applied import records them (imports.services._finish), so that
    the import history reads as it would for the council's own."""
    for old in OLD_IMPORTS:
        started = clock.now() - dt.timedelta(days=365 * old.years + old.days)
        ImportRun.objects.create(
            kind=old.kind,
            status=ImportRun.Status.APPLIED,
            actor=None,
            started_at=started,
            finished_at=started + dt.timedelta(minutes=2),
            options={"skip_invalid_rows": False},
            files=[
                {
                    "path": old.name,
                    "table": old.table,
                    "rows": old.rows,
                    "bytes": old.rows * 96,
                    # The demo has no file to hash: a stand-in of the right form.
                    "sha256": hashlib.sha256(old.name.encode()).hexdigest(),
                }
            ],
            counts={
                "children": old.children,
                "episodes_loaded": old.stored,
                "rows_read": old.rows,
                "rows_rejected": 0,
                "errors": 0,
                "warnings": 0,
                "changes": old.changes,
                "by_code": {},
            },
            problems={"errors": [], "warnings": []},
        )


def seed_demo_governance() -> DemoGovernance:
    """The legal adviser holds one child's record; the assurance lead proposes deleting the
    old import records; the information governance officer has it to approve."""
    try:
        legal = User.objects.get(username="legal")
        lead = User.objects.get(username="lead")
    except User.DoesNotExist as exc:
        raise DemoGovernanceRefused("The demo users are missing: run seed-demo first.") from exc
    child = _child_in_care_proceedings()
    services.legal_hold_place(
        actor=legal,
        child=child,
        reason="Care proceedings are open: the court may order disclosure.",
    )
    _old_import_runs()
    proposal = services.deletion_propose(
        actor=lead,
        kind=Kind.IMPORT_RUN,
        note="The 2022-23 return's import records are past the council's two-year rule.",
    )
    return DemoGovernance(held_child=child.child_id, proposal=proposal.pk)


def demo_governance_seeded() -> bool:
    return LegalHold.objects.exists() or DeletionProposal.objects.exists()
