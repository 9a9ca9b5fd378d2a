"""The rows Assure's data migrations ship (audit tools, panels, the scheme of delegation,
the response plan's work streams, retention rules), put back after a transactional test
emptied every table. Each shipping function leaves rows that are already there alone."""

import importlib

from django.apps import apps as django_apps

SHIPPING = (
    ("assure.audits.migrations.0002_default_templates", "ship"),
    ("assure.audits.migrations.0006_sgo_templates_v2", "ship"),
    ("assure.panels.migrations.0002_default_panels", "create"),
    ("assure.decisions.migrations.0002_default_scheme", "create"),
    ("assure.insights.migrations.0002_default_work_streams", "add_defaults"),
    ("assure.governance.migrations.0002_default_retention_rules", "add_defaults"),
)


def restore_shipped_rows() -> None:
    for module, function in SHIPPING:
        getattr(importlib.import_module(module), function)(django_apps, None)
