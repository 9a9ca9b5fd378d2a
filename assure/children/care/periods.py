"""Periods of care: looked after on a date, leaving care, and where a period starts.

The 903 records care as episodes (one legal status and one placement each). An episode that
ends with REC X1 is followed by another the same day: the child stays looked after. Any other
reason ends the **period of care** (a blank reason on an ended episode too: the child left,
for a reason not given). So:

- an episode is **open on** a date when it started on or before it and has not ended by it
  (no end date, or one after the date): the child is **looked after** that day;
- an episode **ends a period** when it has an end date and a reason other than X1;
- an episode **starts a period** when no X1 episode of the child ends on the day it starts
  (the RNE code is not trusted for this: files carry S where the chain continues);
- the **start of the period** an episode belongs to is found by walking back through the
  X1 episodes that end on the day the next starts. Matching dates rather than neighbours in
  date order keeps a period whole when a stray overlapping episode sits inside it, as real
  903 files have; where two X1 episodes end that day, the earlier-starting one leads;
- a child is **on the tracker** at a date when looked after that day, or when a period of
  theirs ended after the same date a year before and on or before the date.

Each rule is a pure function here and, where a page filters or counts by it in the
database, a matching SQL form (`..._q` or an `Exists`), held to the same answers by
`children/tests/test_care_pairs.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When

from .dates import one_year_before

CONTINUES = "X1"  # REC: the episode ended but the child stays looked after


class EpisodeLike(Protocol):
    start_date: dt.date
    end_date: dt.date | None
    reason_ceased: str


# Pure forms --------------------------------------------------------------------------------


def is_open_on(episode: EpisodeLike, on: dt.date) -> bool:
    return episode.start_date <= on and (episode.end_date is None or episode.end_date > on)


def looked_after_on(episodes: Iterable[EpisodeLike], on: dt.date) -> bool:
    return any(is_open_on(e, on) for e in episodes)


def ends_period(episode: EpisodeLike) -> bool:
    """The episode ended the period of care: an end date and a reason other than X1."""
    return episode.end_date is not None and episode.reason_ceased != CONTINUES


def starts_period(episode: EpisodeLike, episodes: Iterable[EpisodeLike]) -> bool:
    """No X1 episode of the child ends on the day this one starts."""
    return not any(
        e.reason_ceased == CONTINUES and e.end_date == episode.start_date for e in episodes
    )


def period_start_of(episode: EpisodeLike, episodes: Sequence[EpisodeLike]) -> dt.date:
    """The start of the period of care an episode belongs to (see the module's notes)."""
    ending_on: dict[dt.date, list[EpisodeLike]] = {}
    for e in episodes:
        if e.end_date is not None and e.reason_ceased == CONTINUES:
            ending_on.setdefault(e.end_date, []).append(e)
    start, seen = episode.start_date, {episode.start_date}
    while ending_on.get(start):
        start = min(e.start_date for e in ending_on[start])
        if start in seen:  # a loop in bad data: stop rather than spin
            break
        seen.add(start)
    return start


def period_starts(episodes: Iterable[EpisodeLike]) -> list[dt.date]:
    """Every date on which the child started to be looked after, oldest first (the episodes
    that `starts_period`, found in one pass)."""
    episodes = list(episodes)
    continued = {e.end_date for e in episodes if e.reason_ceased == CONTINUES}
    return sorted({e.start_date for e in episodes if e.start_date not in continued})


def period_start_map(episodes: Sequence[EpisodeLike]) -> dict[int, dt.date]:
    """`period_start_of` for every episode at once, keyed by `id(episode)`: in start order,
    each takes the period start of the earliest-starting X1 episode that ended the day it
    began (the same walk, in one pass rather than one walk per episode)."""
    ending_on: dict[dt.date, EpisodeLike] = {}
    for e in episodes:
        if e.end_date is not None and e.reason_ceased == CONTINUES:
            leader = ending_on.get(e.end_date)
            if leader is None or e.start_date < leader.start_date:
                ending_on[e.end_date] = e
    starts: dict[int, dt.date] = {}
    for e in sorted(episodes, key=lambda x: x.start_date):
        leader = ending_on.get(e.start_date)
        if leader is None or leader is e or id(leader) not in starts:
            starts[id(e)] = e.start_date
        else:
            starts[id(e)] = starts[id(leader)]
    return starts


@dataclass(frozen=True)
class Exit:
    """A period of care that ended: when, why, and when it began."""

    date: dt.date
    reason: str
    period_start: dt.date
    episode: Any

    @property
    def days_in_care(self) -> int:
        return (self.date - self.period_start).days


def exits_of(episodes: Sequence[EpisodeLike]) -> list[Exit]:
    """Every end of a period of care in a history, oldest first."""
    found = [
        Exit(e.end_date, e.reason_ceased, period_start_of(e, episodes), e)  # type: ignore[arg-type]
        for e in episodes
        if ends_period(e)
    ]
    return sorted(found, key=lambda x: (x.date, x.period_start))


def _standing_episode(known: Sequence[EpisodeLike], on: dt.date) -> tuple[Any, bool] | None:
    """Of the episodes known on `on`: the open one (the later-starting of two, in bad data),
    looked after; else the last to end a period of care in the year before (by end date,
    then start), not looked after; else None."""
    open_now = [e for e in known if is_open_on(e, on)]
    if open_now:
        return max(open_now, key=lambda e: e.start_date), True
    window_start = one_year_before(on)
    ceased = [
        e
        for e in known
        if ends_period(e) and window_start < e.end_date <= on  # type: ignore[operator]
    ]
    if ceased:
        return max(ceased, key=lambda e: (e.end_date, e.start_date)), False
    return None


def current_episode(episodes: Sequence[EpisodeLike], on: dt.date) -> Any:
    """The episode that says where a child stands on a date (the tracker's), or else the
    latest-starting one known then; None with none."""
    known = [e for e in episodes if e.start_date <= on]
    found = _standing_episode(known, on)
    if found is not None:
        return found[0]
    return max(known, key=lambda e: e.start_date, default=None)


@dataclass(frozen=True)
class Standing:
    """Where a child stands at a date: in care now, or left care in the year before it."""

    looked_after: bool
    period_start: dt.date
    episode: Any  # the episode open on the date, or the last one of the period that ended
    ceased_date: dt.date | None
    reason_ceased: str


def standing_on(episodes: Sequence[EpisodeLike], on: dt.date) -> Standing | None:
    """The child's standing at `on`, or None when they are neither looked after on the date
    nor left care after the same date a year before and on or before it. Episodes starting
    after the date are not yet known."""
    known = sorted((e for e in episodes if e.start_date <= on), key=lambda e: e.start_date)
    found = _standing_episode(known, on)
    if found is None:
        return None
    episode, looked_after = found
    if looked_after:
        return Standing(True, period_start_of(episode, known), episode, None, "")
    return Standing(
        False, period_start_of(episode, known), episode, episode.end_date, episode.reason_ceased
    )


# SQL forms ---------------------------------------------------------------------------------


def open_on_q(on: dt.date, prefix: str = "") -> Q:
    """Episodes open on `on` (`prefix` reaches episodes from another model, "episodes__")."""
    return Q(**{f"{prefix}start_date__lte": on}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gt": on})
    )


def ends_period_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}end_date__isnull": False}) & ~Q(**{f"{prefix}reason_ceased": CONTINUES})


def starts_period_q() -> Q:
    """Over Episode: no X1 episode of the same child ends the day this one starts."""
    from assure.children.models import Episode

    continued = Episode.objects.filter(
        child_id=OuterRef("child_id"), reason_ceased=CONTINUES, end_date=OuterRef("start_date")
    )
    return ~Q(Exists(continued))


def looked_after_exists(on: dt.date, outer: str = "pk") -> Exists:
    """Over Child (or any model whose `outer` field is a child's pk): looked after on `on`."""
    from assure.children.models import Episode

    return Exists(Episode.objects.filter(open_on_q(on), child=OuterRef(outer)))


def left_care_between_q(after: dt.date, until: dt.date) -> Q:
    """Over Episode: ends a period after `after` and on or before `until`, known at `until`."""
    return ends_period_q() & Q(start_date__lte=until, end_date__gt=after, end_date__lte=until)


def current_episode_subquery(on: dt.date, field: str, outer: str = "pk") -> Subquery:
    """Over Child: a field of `current_episode` on `on`."""
    from assure.children.models import Episode

    rank = Case(
        When(open_on_q(on), then=Value(2)),
        When(left_care_between_q(one_year_before(on), on), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    # Open ones by start; those that ended a period in the year by end date, then start.
    when = Case(When(rank=1, then=F("end_date")), default=F("start_date"))
    return Subquery(
        Episode.objects.filter(child=OuterRef(outer), start_date__lte=on)
        .annotate(rank=rank, when=when)
        .order_by("-rank", "-when", "-start_date")
        .values(field)[:1]
    )


def on_tracker_q(on: dt.date, outer: str = "pk") -> Q:
    """Over Child: the same membership as `standing_on(...) is not None`."""
    from assure.children.models import Episode

    left = Episode.objects.filter(
        left_care_between_q(one_year_before(on), on), child=OuterRef(outer)
    )
    return Q(looked_after_exists(on, outer)) | Q(Exists(left))
