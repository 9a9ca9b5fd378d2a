from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "assure.governance"
    label = "governance"
    verbose_name = "Data protection"
