"""Bearer tokens for the API (`Authorization: Bearer <token>`).

One check for every route: a token that is revoked or expired, or whose owner is no longer
active, is a 401; a read-only token is refused (403) on any request that is not a read, so
no write route can forget to ask.
"""

from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer

from assure.people.selectors import api_token_for
from assure.people.services import api_token_touch

READS = frozenset({"GET", "HEAD", "OPTIONS"})


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = api_token_for(raw=token)
        if found is None:
            return None
        api_token_touch(token_digest=found.digest)
        if request.method not in READS and not found.may_write:
            raise HttpError(
                403,
                "This token may only read. Ask for a token with write scope on your account "
                "page, if your role makes this change.",
            )
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found.user
