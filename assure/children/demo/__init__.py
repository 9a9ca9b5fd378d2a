"""The demo council behind `assure seed-demo`: a believable fictional council with children
whose 903 histories, court proceedings, plans and SGO assessments hang together.

- `council.py`: services, teams, staff and one demo user per role;
- `stories.py`: routes through care, told in days of a child's age;
- `families.py`: stories anchored in the calendar and cut at today, as plain data;
- `social_care.py`: each child's social care events (Ofsted Annex A's contacts, early help,
  referrals, enquiries, child in need episodes, plans, visits, care leavers' contact,
  adoption steps), from the episodes;
- `writer.py`: bulk inserts.

Deterministic: the same seed on the same day gives the same children. Dates are relative to
`assure.core.clock.today()`, so the demo always looks current.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from assure.children import care_log
from assure.core import clock, events
from assure.core.gc_pause import gc_paused
from assure.core.planner import refresh_planner_statistics

from .council import DEMO_PASSWORD, DEMO_USERS, build_roster, demo_users_table, ensure_council
from .families import ChildSpec, generate
from .writer import Writer

__all__ = [
    "DEFAULT_CHILDREN",
    "DEFAULT_SEED",
    "DEMO_PASSWORD",
    "DEMO_USERS",
    "SeedResult",
    "demo_users_table",
    "digest",
    "generate_children",
    "seed_demo",
]

DEFAULT_CHILDREN = 400
DEFAULT_SEED = 903


@dataclass
class SeedResult:
    children: int
    looked_after: int
    rows: dict[str, int] = field(default_factory=dict)
    digest: str = ""

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def _faker(seed: int):  # type: ignore[no-untyped-def]
    # Faker is a development dependency: import it only when a demo is made.
    from faker import Faker

    fake = Faker("en_GB")
    fake.seed_instance(seed)
    return fake


def generate_children(
    *, children: int, seed: int, today: dt.date | None = None
) -> Iterator[list[ChildSpec]]:
    """The demo's children, family by family, without touching the database."""
    fake = _faker(seed)
    roster = build_roster(fake=fake, children=children)
    return generate(
        children=children, seed=seed, today=today or clock.today(), fake=fake, roster=roster
    )


def digest(children: Iterable[ChildSpec]) -> str:
    """A fingerprint of child IDs, dates of birth and episodes, to compare two runs."""
    h = hashlib.sha256()
    for child in children:
        h.update(f"{child.child_id}|{child.dob}|{child.team}\n".encode())
        for e in child.episodes:
            h.update(f"{e.start}|{e.end}|{e.rne}|{e.ls}|{e.place}|{e.provider}|{e.rec}\n".encode())
    return h.hexdigest()


def seed_demo(*, children: int = DEFAULT_CHILDREN, seed: int = DEFAULT_SEED) -> SeedResult:
    """Build the demo council in one transaction, then refresh the planner's statistics
    (see core.planner). Call it on a database with no children."""
    result = _seed_demo(children=children, seed=seed)
    refresh_planner_statistics()
    return result


@transaction.atomic
@gc_paused()  # millions of acyclic rows: see core.gc_pause
def _seed_demo(*, children: int, seed: int) -> SeedResult:
    today = clock.today()
    fake = _faker(seed)
    roster = build_roster(fake=fake, children=children)
    teams, staff = ensure_council(roster=roster)
    writer = Writer(teams=teams, staff=staff)
    with care_log.bulk_load():  # one "everything changed" entry, not one per row
        result = _write_children(
            writer, children=children, seed=seed, today=today, fake=fake, roster=roster
        )
    first_team = next(iter(teams.values()))
    _demo_programme_start(today)
    events.record(
        actor=None,
        verb="demo_seeded",
        obj=first_team.service or first_team,
        summary=f"Seeded the demo council: {result.children} children (seed {seed})",
        data={
            "children": result.children,
            "seed": seed,
            "today": today.isoformat(),
            "rows": result.rows,
        },
    )
    return result


def _demo_programme_start(today: dt.date) -> None:
    """The demo council's drive to reduce looked-after numbers began 12 months ago, so the
    exits page compares before and after it (the assurance lead can change it)."""
    from assure.insights.models import InsightsSettings

    year_ago = today.replace(day=1)
    start = year_ago.replace(year=year_ago.year - 1)
    InsightsSettings.objects.update_or_create(pk=1, defaults={"programme_start": start})


def _write_children(
    writer: Writer, *, children: int, seed: int, today: dt.date, fake: Any, roster: Any
) -> SeedResult:
    h = hashlib.sha256()
    made = looked_after = 0
    pending: list[ChildSpec] = []
    sibling_groups: list[list[ChildSpec]] = []
    for family in generate(children=children, seed=seed, today=today, fake=fake, roster=roster):
        pending += family
        if len(family) > 1:
            sibling_groups.append(family)
        if len(pending) >= 2000:
            writer.write(pending)
            h.update(digest(pending).encode())
            made += len(pending)
            looked_after += sum(1 for c in pending if c.episodes[-1].end is None)
            pending = []
    writer.write(pending)
    h.update(digest(pending).encode())
    made += len(pending)
    looked_after += sum(1 for c in pending if c.episodes[-1].end is None)
    writer.write_families(sibling_groups)
    return SeedResult(
        children=made, looked_after=looked_after, rows=dict(writer.rows), digest=h.hexdigest()
    )
