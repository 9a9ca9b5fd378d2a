from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "assure.audits"
    label = "audits"
    verbose_name = "Case audits"

    def ready(self) -> None:
        # Audits, findings and escalations join the whole-family chronology (for the people
        # who may see audits) when the families app is installed.
        from django.apps import apps

        if apps.is_installed("assure.families"):
            from . import sources

            sources.register()
