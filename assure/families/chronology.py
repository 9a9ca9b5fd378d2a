"""The whole-family chronology and its registry of event sources.

A *source* is a function that, given a set of child primary keys, returns the dated events
that concern those children. The chronology asks every registered source for the children the
user may see and merges what they return, in date order.

Plugging in a new source needs no change here (proposals, panel outcomes and audits do it:
see assure/decisions/sources.py, assure/panels/sources.py, assure/audits/sources.py). In your
app's ``AppConfig.ready()``::

    from assure.families.chronology import SourceEvent, register_source

    def closed_audits(child_pks):
        for audit in Audit.objects.filter(child_id__in=child_pks, closed_at__isnull=False):
            yield SourceEvent(
                key=f"{audit.pk}:closed",
                date=timezone.localdate(audit.closed_at),
                child_pks=(audit.child_id,),
                kind="audit",
                summary="Audit closed",
            )

    register_source(
        "audits", closed_audits, kinds={"audit": "Audits"}, permission="view_audits"
    )

The contract:

- a source receives a frozenset of child pks the user may see, and must fetch in a fixed
  number of queries (one or two `filter(child_id__in=...)` queries), never one per child;
- each event names the children it concerns (`child_pks`); an event about several children
  (shared proceedings) is returned once, naming them all. The chronology drops any child the
  user may not see from it, and drops the event if none is left, so a source cannot leak a
  restricted sibling even by mistake;
- `key` is stable and unique within the source (annotations in practice reviews point at it);
  the chronology prefixes it with the source's name;
- `kinds` lists the kinds the source emits with a label for the filter;
- summaries and details must not name children: the page names them from `child_pks`;
- a source whose events only some people may read declares the action they need
  (``register_source(..., permission="view_audits")``, an action of the PERMISSIONS table in
  assure.core.access). `build()` and `kinds()` take the user and leave such a source out,
  without calling it, for anyone `access.can(user, permission)` refuses; called without a
  user they leave it out too, so forgetting the user hides rather than shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from assure.core import access


@dataclass(frozen=True, slots=True)
class SourceEvent:
    """What a source returns."""

    key: str
    date: dt.date
    child_pks: tuple[int, ...]
    kind: str
    summary: str
    detail: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ChronologyEvent:
    """One line of the chronology, limited to the children the user may see."""

    key: str
    date: dt.date
    kind: str
    kind_label: str
    summary: str
    detail: tuple[str, ...]
    children: tuple[Any, ...]  # Child objects, in child ID order

    @property
    def child_ids(self) -> list[str]:
        return [c.child_id for c in self.children]


Source = Callable[[frozenset[int]], Iterable[SourceEvent]]


@dataclass(slots=True)
class _Registered:
    name: str
    function: Source
    kinds: dict[str, str] = field(default_factory=dict)
    order: int = 100
    permission: str | None = None


_SOURCES: dict[str, _Registered] = {}


def register_source(
    name: str,
    function: Source,
    *,
    kinds: Mapping[str, str],
    order: int = 100,
    permission: str | None = None,
) -> None:
    """Add (or replace, by name) an event source. `order` breaks ties between events on the
    same date: lower first. `permission`, if given, is the action (assure.core.access) a
    person needs to see this source's events at all."""
    if not name or ":" in name:
        raise ValueError("A source's name must be non-empty and must not contain a colon.")
    if permission is not None and permission not in access.PERMISSIONS:
        raise ValueError(f"Unknown action {permission!r} for source {name!r}.")
    _SOURCES[name] = _Registered(
        name=name, function=function, kinds=dict(kinds), order=order, permission=permission
    )


def unregister_source(name: str) -> None:
    _SOURCES.pop(name, None)


def _may_see(user: Any, source: _Registered) -> bool:
    return source.permission is None or (user is not None and access.can(user, source.permission))


def sources_for(user: Any = None) -> list[_Registered]:
    """The sources this person may read, in order."""
    return [
        s for s in sorted(_SOURCES.values(), key=lambda s: (s.order, s.name)) if _may_see(user, s)
    ]


def hidden_source_names(user: Any = None) -> frozenset[str]:
    """The sources this person may not read (event keys start with "<name>:"), so that what
    was copied from their events (annotations) can be hidden too."""
    return frozenset(s.name for s in _SOURCES.values() if not _may_see(user, s))


def kinds(user: Any = None) -> dict[str, str]:
    """Every kind the sources this person may read emit, with its label, for filters."""
    merged: dict[str, str] = {}
    for source in sources_for(user):
        merged.update(source.kinds)
    return merged


def build(
    *,
    children: Sequence[Any],
    user: Any = None,
    child_pk: int | None = None,
    kinds_wanted: Iterable[str] = (),
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> list[ChronologyEvent]:
    """The merged chronology for `children` (already limited by the access policy), oldest
    first, from the sources `user` may read, optionally limited to one child, some kinds and
    a date range (inclusive)."""
    by_pk = {c.pk: c for c in children}
    if not by_pk:
        return []
    allowed = frozenset(by_pk)
    wanted = frozenset(kinds_wanted)
    visible = sources_for(user)
    labels: dict[str, str] = {}
    for source in visible:
        labels.update(source.kinds)
    events: list[tuple[tuple[Any, ...], ChronologyEvent]] = []
    for source in visible:
        for index, raw in enumerate(source.function(allowed)):
            if wanted and raw.kind not in wanted:
                continue
            if (date_from and raw.date < date_from) or (date_to and raw.date > date_to):
                continue
            named = sorted(
                {pk for pk in raw.child_pks if pk in allowed}, key=lambda pk: by_pk[pk].child_id
            )
            if not named or (child_pk is not None and child_pk not in named):
                continue
            event = ChronologyEvent(
                key=f"{source.name}:{raw.key}",
                date=raw.date,
                kind=raw.kind,
                kind_label=labels.get(raw.kind, raw.kind),
                summary=raw.summary,
                detail=tuple(raw.detail),
                children=tuple(by_pk[pk] for pk in named),
            )
            events.append(((raw.date, source.order, source.name, index), event))
    events.sort(key=lambda pair: pair[0])
    return [event for _, event in events]
