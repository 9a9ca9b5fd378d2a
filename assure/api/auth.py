"""Bearer tokens for the API (`Authorization: Bearer <token>`)."""

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from assure.people.models import ApiToken
from assure.people.selectors import user_for_api_token
from assure.people.services import api_token_touch


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_api_token(raw=token)
        if user is None:
            return None
        api_token_touch(token_digest=ApiToken.digest_of(token))
        request.user = user
        return user
