from django.apps import AppConfig


class ChildrenConfig(AppConfig):
    name = "assure.children"
    label = "children"
    verbose_name = "Children"
