from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    name = "assure.families"
    label = "families"
    verbose_name = "Families"

    def ready(self) -> None:
        # The chronology's own event sources (the child record); other apps register
        # theirs from their own ready() (see chronology.py).
        from . import sources

        sources.register_builtin_sources()
