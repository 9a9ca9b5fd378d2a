"""The API under /api/v1/: bearer tokens, the same access policy as the pages, clear errors
(never a 500 for bad input)."""

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from .audits import router as audits_router
from .auth import BearerToken
from .children import router as children_router
from .families import router as families_router
from .insights import router as insights_router

api = NinjaAPI(
    title="Assure API",
    version="1",
    description=(
        "Read access to Assure for BI tools and scripts. Authenticate with "
        "`Authorization: Bearer <token>` (issue a token on your account page or with "
        "`assure api-token USERNAME`). Children you may not see answer 404."
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


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found."}, status=404)


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
