"""The API under /api/v1/: bearer tokens, the same access policy as the pages, clear errors
(never a 500 for bad input)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from assure.core.errors import NotNow, message_of

from .audits import router as audits_router
from .auth import BearerToken
from .children import router as children_router
from .families import router as families_router
from .insights import router as insights_router

WRITE_METHODS = ("post", "put", "patch", "delete")
ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}


class AssureAPI(NinjaAPI):
    """The schema says, for every operation, the token scope it needs (`x-token-scope`,
    "read" or "write"), and lists the 401 every operation can answer and the 403 a read-only
    token gets on a write, as `auth.BearerToken` enforces them."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                write = method in WRITE_METHODS
                operation["x-token-scope"] = "write" if write else "read"
                needs = (
                    "Needs a token with write scope."
                    if write
                    else "Any live token (read only or write)."
                )
                operation["description"] = (
                    operation.get("description", "") + f"\n\n{needs}"
                ).strip()
                responses = operation.setdefault("responses", {})
                for status, words in _refusals(path, operation, write=write):
                    responses.setdefault(status, _error(words))
        return schema


def _refusals(path: str, operation: dict[str, Any], *, write: bool) -> list[tuple[str, str]]:
    """The refusals an operation can answer, as the handlers below and the clean-input
    middleware give them, so that the schema lists every status a caller can get."""
    refusals = [
        ("400", "A NUL or other control character in the request (refused before any route)."),
        ("401", "No live bearer token (missing, revoked or expired)."),
    ]
    if write:
        refusals += [
            ("403", "A read-only token, or a change the role may not make."),
            ("409", "Not allowed in the record's present state, or already done."),
        ]
    if "{" in path:
        refusals.append(("404", "No such record, or one you may not see."))
    if operation.get("parameters") or operation.get("requestBody"):
        refusals.append(("422", "The request is not valid (the errors say where)."))
    return refusals


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": ERROR_SCHEMA}},
    }


api = AssureAPI(
    title="Assure API",
    version="1",
    description=(
        "Assure for BI tools and scripts. Authenticate with `Authorization: Bearer <token>` "
        "(issue a token on your account page or with `assure api-token USERNAME`). A token "
        "reads only unless issued with write scope (`--write`, for roles that make changes); "
        "each operation's `x-token-scope` says which it needs. Tokens expire (a year by "
        "default) and can be renewed. Children you may not see answer 404."
    ),
    auth=BearerToken(),
    urls_namespace="api",
    docs_url=None,  # the Swagger UI needs a CDN, which neither CSP nor the network allows
)
api.add_router("", children_router)
api.add_router("", families_router)
api.add_router("", audits_router)
api.add_router("", "assure.api.tracker.router")
api.add_router("", "assure.api.decisions.router")
api.add_router("", "assure.api.panels.router")
api.add_router("", insights_router)
api.add_router("", "assure.api.inbox.router")


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found."}, status=404)


# The domain's refusals (core.errors), mapped once for every route.


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": message_of(exc)}, status=403)


@api.exception_handler(NotNow)
def not_now(request: HttpRequest, exc: NotNow) -> HttpResponse:
    return api.create_response(request, {"detail": message_of(exc), **exc.details}, status=409)


@api.exception_handler(DjangoValidationError)
def invalid_input(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": message_of(exc)}, status=422)


@api.exception_handler(AuthenticationError)
def unauthorised(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(
        request, {"detail": "A valid bearer token is required."}, status=401
    )
    response["WWW-Authenticate"] = 'Bearer realm="assure"'
    return response


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(
        request, {"detail": "The request is not valid.", "errors": exc.errors}, status=422
    )
