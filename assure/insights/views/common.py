"""What the insights views share."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from assure.core import access


def require(request: HttpRequest, action: str) -> None:
    if not access.can(request.user, action):
        raise PermissionDenied


def add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
