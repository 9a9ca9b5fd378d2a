"""Reads for insights, already filtered by the one access policy (ARCHITECTURE rule 1)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from assure.children.models import Episode, PreviousPermanenceRecord
from assure.core.access import visible_children

from .exits import Analysis, EpisodeRow, analyse


def exits_analysis(
    *, user: Any, date_from: dt.date, date_to: dt.date, interval: str = "month"
) -> Analysis:
    """The exits analysis over the children this user may see: two queries whatever the
    number of children (every visible episode's few columns, and the P2 children)."""
    visible = visible_children(user).values("pk")
    rows = [
        EpisodeRow(pk=pk, child=child, start=start, end=end, rne=rne, rec=rec)
        for pk, child, start, end, rne, rec in Episode.objects.filter(child__in=visible)
        .values_list(
            "pk", "child_id", "start_date", "end_date", "reason_new_episode", "reason_ceased"
        )
        .order_by()
    ]
    p2 = (
        PreviousPermanenceRecord.objects.filter(child__in=visible, previous_permanence="P2")
        .values_list("child_id", flat=True)
        .order_by()
    )
    return analyse(
        rows, date_from=date_from, date_to=date_to, interval=interval, p2_children=set(p2)
    )
