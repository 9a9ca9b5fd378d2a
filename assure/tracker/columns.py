"""The tracker's columns: which are always shown, which a person may add or take away, and
how a choice is read from the query string and kept with a saved view.

Display only: what a flag or a RAG status means is `rules.py`'s, and is not touched here.
The columns always shown are the ones a person scans the tracker for (the child, age, plan,
RAG and flags); with the default choice a row fits a 1,280 px window on one or two lines.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.http import QueryDict


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    sort: str | None  # the tracker's sort key, or None when the column does not sort
    always: bool = False  # shown whatever the choice
    default: bool = False  # shown when no choice has been made


COLUMNS: tuple[Column, ...] = (
    Column("child", "Child", "child_id", always=True),
    Column("age", "Age", "age", always=True),
    Column("team", "Team and worker", "team"),
    Column("period_start", "In care since", "period_start"),
    Column("legal_status", "Legal status", "legal_status", default=True),
    Column("plan", "Plan", "plan", always=True),
    Column("proceedings", "Proceedings", "proceedings_week", default=True),
    Column("reviews", "Next review", "next_review", default=True),
    Column("ceased", "Left care", "ceased_date"),
    Column("rag", "RAG", "rag", always=True),
    Column("flags", "Flags", None, always=True),
    Column("panels", "Panels and sign-off", None),
)
BY_KEY = {c.key: c for c in COLUMNS}
OPTIONAL = tuple(c for c in COLUMNS if not c.always)
DEFAULT_CHOICE = tuple(c.key for c in OPTIONAL if c.default)
# The query string's name for the choice: `cols=team&cols=panels`. `cols=none` is a choice
# of no optional column at all (an empty choice would otherwise read as "the default").
PARAM = "cols"
NONE = "none"


def clean_choice(keys: Iterable[str]) -> list[str]:
    """The optional columns among `keys`, in the table's order; anything else is dropped."""
    wanted = set(keys)
    return [c.key for c in OPTIONAL if c.key in wanted]


def choice_of(query: QueryDict) -> list[str]:
    """The optional columns a query string asks for, or the default when it asks for none."""
    asked = query.getlist(PARAM)
    if not asked:
        return list(DEFAULT_CHOICE)
    return clean_choice(asked)


def shown(choice: Iterable[str], *, sort: str = "") -> list[Column]:
    """Every column the table shows for a choice, in the table's order, with the column the
    rows are sorted by (what a list is sorted by is never hidden)."""
    chosen = set(choice) | {c.key for c in OPTIONAL if sort and c.sort == sort}
    return [c for c in COLUMNS if c.always or c.key in chosen]


def as_query(choice: Iterable[str]) -> str:
    """The choice as query-string parameters, for a saved view's link."""
    keys = clean_choice(choice)
    query = QueryDict(mutable=True)
    query.setlist(PARAM, keys or [NONE])
    return query.urlencode()
