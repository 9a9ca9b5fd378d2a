from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "assure.inbox"
    label = "inbox"
    verbose_name = "My work"

    def ready(self) -> None:
        # Notifications follow the domain events the services record (rules.py): a new
        # event of a verb with a rule tells the people it concerns, in the same transaction.
        from django.db.models.signals import post_save

        from assure.core.models import DomainEvent

        from . import rules

        post_save.connect(
            rules.on_domain_event, sender=DomainEvent, dispatch_uid="inbox_notifications"
        )
