"""Insights pages: thin. Parse the query, call the selectors or one service, render."""

from .evidence import (
    evidence_add,
    evidence_import,
    evidence_list,
    evidence_matrix,
    evidence_template,
)
from .exits import (
    exits_csv,
    exits_page,
    methods_page,
    rebase_withdraw,
    settings_page,
    target_remove,
)
from .plan import (
    action_detail,
    plan_page,
    plan_report,
    recommendation_add,
    recommendation_detail,
    recommendation_merge,
    recommendations,
    work_stream_edit,
)
from .reports import monthly_report, reports_page, stage_review_report

__all__ = [
    "action_detail",
    "evidence_add",
    "evidence_import",
    "evidence_list",
    "evidence_matrix",
    "evidence_template",
    "exits_csv",
    "exits_page",
    "methods_page",
    "monthly_report",
    "plan_page",
    "plan_report",
    "recommendation_add",
    "recommendation_detail",
    "recommendation_merge",
    "rebase_withdraw",
    "target_remove",
    "recommendations",
    "reports_page",
    "settings_page",
    "stage_review_report",
    "work_stream_edit",
]
