"""The domain's refusals, one set for every app, each mapped to HTTP once
(`assure/api/api.py` for the API; pages show the message on the form or as a flash):

- `django.http.Http404` (404): no such record, or one the person may not see;
- `django.core.exceptions.PermissionDenied` (403): this person may not do this;
- `NotNow` (409): not allowed in the record's present state: a move its workflow does not
  allow now, a gate not met, a meeting not quorate, the same thing done twice;
- `django.core.exceptions.ValidationError` (422): the input is not valid.

An app's own refusal subclasses one of these (a refusal that is also a ValidationError, so
that forms show it, lists `NotNow` first to be a 409).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


class NotNow(Exception):
    """Not allowed in the record's present state (409). `details` go into the API's answer
    beside the message (for example the gates still unmet)."""

    def __init__(self, message: str = "", **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


def message_of(error: Exception) -> str:
    """The words to show for a refusal (a form's errors with their fields' names)."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        return "; ".join(f"{field}: {' '.join(e)}" for field, e in error.message_dict.items())
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return getattr(error, "message", "") or str(error) or "You may not do this."
