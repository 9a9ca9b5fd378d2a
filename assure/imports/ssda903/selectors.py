"""Reads for the 903's pages: the rules and how often each fired in the last import, and a
child's checks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..models import ChildCheck, ImportRun
from .catalogue import grouped, rule_of
from .rules import Rule


@dataclass(frozen=True)
class RuleCount:
    rule: Rule
    fired: int | None  # None when no 903 import has been applied


def last_run() -> ImportRun | None:
    """The latest applied 903 import."""
    return (
        ImportRun.objects.filter(kind=ImportRun.Kind.SSDA903, status=ImportRun.Status.APPLIED)
        .select_related("actor")
        .order_by("-started_at", "-id")
        .first()
    )


def rules_with_counts() -> tuple[ImportRun | None, list[tuple[str, list[RuleCount]]]]:
    """Every rule by group, with how many times it fired in the last applied import (one
    query)."""
    run = last_run()
    counts: dict[str, int] = (run.counts or {}).get("by_code", {}) if run else {}
    return run, [
        (name, [RuleCount(rule, counts.get(rule.id, 0) if run else None) for rule in rules])
        for name, rules in grouped()
    ]


@dataclass(frozen=True)
class Check:
    severity: str
    code: str
    dfe: str
    title: str
    message: str
    file: str
    row: int | None
    column: str
    value: str
    run_id: int
    run_at: Any


def child_checks(*, child_pk: int) -> list[Check]:
    """What the latest 903 import including the child reported about them, errors first
    (one query). The caller has already fetched the child through the access policy."""
    found = []
    for item in (
        ChildCheck.objects.filter(child_id=child_pk)
        .select_related("run")
        .order_by("severity", "id")
    ):
        rule = rule_of(item.code)
        found.append(
            Check(
                severity=item.severity,
                code=item.code,
                dfe=rule.dfe if rule else "",
                title=rule.title if rule else "",
                message=item.message,
                file=item.file.rsplit("/", 1)[-1],
                row=item.row,
                column=item.column,
                value=item.value,
                run_id=item.run_id,
                run_at=item.run.started_at,
            )
        )
    return found
