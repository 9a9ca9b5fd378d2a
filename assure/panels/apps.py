from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "assure.panels"
    label = "panels"
    verbose_name = "Panels"

    def ready(self) -> None:
        # Panel outcomes join the whole-family chronology when the families app is installed.
        from django.apps import apps

        if apps.is_installed("assure.families"):
            from . import sources

            sources.register()
