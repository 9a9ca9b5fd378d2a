"""Navigation by role: each person sees the parts of the product they may use."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from . import access

# The lines of the permission table that open a data-protection page.
DATA_PROTECTION = (
    "manage_retention",
    "view_retention_report",
    "propose_deletion",
    "approve_deletion",
    "manage_legal_holds",
    "export_subject_access",
)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {"nav_items": []}
    items = [("Home", reverse("core:home"), "core:home")]
    if access.can(user, "view_children"):
        items.append(("Children", reverse("children:list"), "children:"))
        items.append(("Tracker", reverse("tracker:page"), "tracker:"))
        items.append(("Families", reverse("families:list"), "families:"))
    if access.can(user, "raise_proposals") or access.can(user, "approve_decisions"):
        items.append(("Sign-off", reverse("decisions:waiting"), "decisions:"))
    if access.can(user, "view_panels"):
        items.append(("Panels", reverse("panels:list"), "panels:"))
    if access.can(user, "audit_cases"):
        items.append(("Audits", reverse("audits:queue"), "audits:"))
    if access.can(user, "view_insights"):
        items.append(("Insights", reverse("insights:exits"), "insights:"))
    if access.can(user, "import_data"):
        items.append(("Imports", reverse("imports:home"), "imports:"))
    if access.can(user, "view_access_report"):
        items.append(("Access report", reverse("core:access_report"), "core:access_report"))
    if any(access.can(user, action) for action in DATA_PROTECTION):
        items.append(("Data protection", reverse("governance:home"), "governance:"))
    if access.can(user, "manage_users"):
        items.append(("Administration", reverse("admin:index"), "admin:"))
    items.append(("Your account", reverse("people:account"), "people:"))
    current = request.resolver_match.view_name if request.resolver_match else ""
    return {
        "nav_items": [
            {"text": text, "href": href, "active": current.startswith(match)}
            for text, href, match in items
        ]
    }
