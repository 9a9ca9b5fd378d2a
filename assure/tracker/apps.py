from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "assure.tracker"
    label = "tracker"
    verbose_name = "Permanency tracker"
