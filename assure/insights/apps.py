from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "assure.insights"
    label = "insights"
    verbose_name = "Insights: learning from the evidence"
