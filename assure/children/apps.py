from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ChildrenConfig(AppConfig):
    name = "assure.children"
    label = "children"
    verbose_name = "Children"

    def ready(self) -> None:
        from django.apps import apps

        from . import care_log

        # After every migrate: on SQLite, altering a table rebuilds it without its triggers.
        post_migrate.connect(care_log.reinstall_after_migrate, sender=self)
        # Social care events (Annex A) join the whole-family chronology.
        if apps.is_installed("assure.families"):
            from . import social_care

            social_care.register_chronology_source()
