"""The schema's contract (issue 15): dates typed as dates, and every refusal an operation
can give listed on it. The fuzz run (tests/test_fuzz_api.py) holds the rest."""

import pytest

from assure.api.api import api
from tests.api import bearer
from tests.factories import UserFactory

DATE_PARAMETERS = {
    ("/api/v1/audit-queue", "as_of"),
    ("/api/v1/insights/exits", "from"),
    ("/api/v1/insights/exits", "to"),
    ("/api/v1/insights/reentry", "from"),
    ("/api/v1/insights/reentry", "to"),
    ("/api/v1/insights/spc/{measure}", "from"),
    ("/api/v1/insights/spc/{measure}", "to"),
}


@pytest.fixture(scope="module")
def schema():
    return api.get_openapi_schema(path_prefix="/api/v1")


def _parameters(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                yield path, method, parameter


def _is_date(schema):
    """A date, or an optional one (anyOf a date and null)."""
    options = schema.get("anyOf", [schema])
    return any(o.get("format") == "date" for o in options) and all(
        o.get("format") == "date" or o.get("type") == "null" for o in options
    )


def test_dates_are_typed_as_dates(schema):
    typed = {(path, p["name"]) for path, _, p in _parameters(schema) if _is_date(p["schema"])}
    assert typed >= DATE_PARAMETERS
    # No parameter that names a date is left a bare string.
    for path, _, parameter in _parameters(schema):
        if parameter["name"] in {"from", "to", "as_of", "date_from", "date_to"}:
            assert (path, parameter["name"]) in typed, (path, parameter["name"])


def test_every_operation_lists_the_refusals_it_can_give(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"400", "401"} <= codes, (method, path)
            if method != "get":
                assert {"403", "409"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if operation.get("parameters") or operation.get("requestBody"):
                assert "422" in codes, (method, path)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/audit-queue?as_of=0",
        "/api/v1/audit-queue?as_of=2024-02-30",
        "/api/v1/audit-queue?as_of=20240101",
        "/api/v1/insights/exits?from=0&to=2024-01-01",
        "/api/v1/insights/reentry?from=2024-01-01&to=2024-13-01",
        "/api/v1/insights/exits?from=2024-06-01&to=2024-01-01",
    ],
)
def test_a_date_that_is_not_a_real_yyyy_mm_dd_date_is_422(client, url):
    user = UserFactory(roles=["assurance_lead"])
    response = client.get(url, **bearer(user))
    assert response.status_code == 422, response.content
    assert response.json()["detail"]


def test_a_real_date_is_answered(client):
    user = UserFactory(roles=["assurance_lead"])
    headers = bearer(user)
    assert client.get("/api/v1/audit-queue?as_of=2024-02-29", **headers).status_code == 200
    exits = client.get("/api/v1/insights/exits?from=2023-01-01&to=2023-12-31", **headers)
    assert exits.status_code == 200
