"""`{% child_import_checks record as checks %}`: what the latest 903 import including a child
found in their rows, for the child's page (one query). The page has already fetched the
child through the access policy."""

from typing import Any

from django import template

from assure.imports.ssda903.selectors import child_checks

register = template.Library()


@register.simple_tag
def child_import_checks(record: Any) -> list[Any]:
    return child_checks(child_pk=record.child.pk)
