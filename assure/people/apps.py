from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "assure.people"
    label = "people"
    verbose_name = "People"
