from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "assure.imports"
    label = "imports"
    verbose_name = "Imports"
