"""Small builders for insights tests."""

import datetime as dt

from assure.children.models import Child, Episode, PreviousPermanenceRecord
from tests.factories import ChildFactory, EpisodeFactory

D = dt.date


def period(
    child: Child,
    *,
    start: dt.date,
    end: dt.date | None = None,
    reason: str = "",
    moves: tuple[dt.date, ...] = (),
) -> list[Episode]:
    """One period of care: an S episode, X1 episodes at each move, the last one ending with
    `reason` at `end` (open if no end)."""
    starts = [start, *moves]
    episodes = []
    for index, begin in enumerate(starts):
        last = index == len(starts) - 1
        episodes.append(
            EpisodeFactory(
                child=child,
                start_date=begin,
                reason_new_episode="S" if index == 0 else "P",
                end_date=end if last else starts[index + 1],
                reason_ceased=(reason if last else "X1") if (end or not last) else "",
            )
        )
    return episodes


def child_with(*, child_id: str, team=None, p2: bool = False, **kwargs) -> Child:
    child = ChildFactory(child_id=child_id, **({"team": team} if team else {}))
    if p2:
        PreviousPermanenceRecord.objects.create(child=child, previous_permanence="P2")
    return child
