"""Bearer headers for API tests."""

from typing import Any

from assure.core import access
from assure.people.services import api_token_create


def bearer(user: Any, *, write: bool | None = None) -> dict[str, str]:
    """A bearer header for a new token of the user's: with write scope when their role makes
    API writes (unless `write` says otherwise)."""
    if write is None:
        write = access.can(user, "write_through_api")
    _, raw = api_token_create(user=user, write=write)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
