"""The one clock (ARCHITECTURE rule 5).

Every timescale in the product (26 weeks, review dates, "the last 12 months", staleness)
asks this module for the time, so that tests and "as at" views can set it to any date.
"""

import contextlib
import datetime as dt
from collections.abc import Iterator
from contextvars import ContextVar

from django.utils import timezone

_frozen: ContextVar[dt.datetime | None] = ContextVar("assure_clock_frozen", default=None)


def now() -> dt.datetime:
    """The current moment, timezone-aware."""
    frozen = _frozen.get()
    return frozen if frozen is not None else timezone.now()


def today() -> dt.date:
    """Today's date in the council's time zone."""
    return timezone.localtime(now()).date()


@contextlib.contextmanager
def frozen_at(moment: dt.datetime | dt.date) -> Iterator[None]:
    """Hold the clock at a moment (a date means noon that day, local time)."""
    if isinstance(moment, dt.date) and not isinstance(moment, dt.datetime):
        moment = timezone.make_aware(dt.datetime.combine(moment, dt.time(12, 0)))
    token = _frozen.set(moment)
    try:
        yield
    finally:
        _frozen.reset(token)
