"""Every 903 check in one list, for the rules page and the child's page: the problem codes
of `rules.RULES` (reading, values, consistency) and `permanence.RULES` (the DfE's rules that
bear on permanence), in the order the page shows their groups."""

from __future__ import annotations

from . import permanence, rules
from .rules import Rule

ALL_RULES: dict[str, Rule] = {**rules.RULES, **permanence.RULES}

GROUP_ORDER = (
    "Reading the files",
    "One council's children",
    "Values",
    "The child's details",
    "Episodes of care",
    permanence.GROUP,
)


def rule_of(code: str) -> Rule | None:
    return ALL_RULES.get(code)


def grouped() -> list[tuple[str, list[Rule]]]:
    groups: dict[str, list[Rule]] = {name: [] for name in GROUP_ORDER}
    for rule in ALL_RULES.values():
        groups.setdefault(rule.group, []).append(rule)
    return [(name, items) for name, items in groups.items() if items]
