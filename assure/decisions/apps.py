from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "assure.decisions"
    label = "decisions"
    verbose_name = "Decisions and sign-off"

    def ready(self) -> None:
        # Proposals join the whole-family chronology when the families app is installed.
        from django.apps import apps

        if apps.is_installed("assure.families"):
            from . import sources

            sources.register()
