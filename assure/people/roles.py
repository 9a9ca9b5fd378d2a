"""The roles a user may hold. Slugs are part of the product's contract (commands, API)."""

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "System administrator"
    ASSURANCE_LEAD = "assurance_lead", "Assurance lead"
    AUDITOR = "auditor", "Auditor"
    PRACTITIONER = "practitioner", "Practitioner"
    TEAM_MANAGER = "team_manager", "Team manager"
    SERVICE_MANAGER = "service_manager", "Service manager"
    HEAD_OF_SERVICE = "head_of_service", "Head of service"
    DIRECTOR = "director", "Director"
    IRO = "iro", "Independent reviewing officer"
    LEGAL = "legal", "Legal adviser"
    PANEL_MEMBER = "panel_member", "Panel member"
    PERFORMANCE_OFFICER = "performance_officer", "Performance officer"
    INFORMATION_GOVERNANCE = "information_governance", "Information governance officer"


ROLE_SLUGS: frozenset[str] = frozenset(Role.values)
