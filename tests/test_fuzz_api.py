"""The whole API fuzzed from its own OpenAPI schema (issue 15): every operation of /api/v1,
called through the full middleware stack (WSGI, as gunicorn would) with a read-only token and
with a write token, must answer with no server error, no response that breaks its schema and
no status code the schema does not list.

Bounded for `make test`: a fixed number of examples per operation, no deadline, and
derandomized (a fixed seed) so CI fails or passes the same way every time. Raise
FUZZ_EXAMPLES locally to look harder.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from assure.api.api import api
from assure.core import access
from assure.people.roles import Role
from tests.api import bearer
from tests.factories import ChildFactory, EpisodeFactory, TeamFactory, UserFactory

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
]

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
schema.app = get_wsgi_application()


@pytest.fixture(autouse=True)
def _one_connection():
    """Requests go through the WSGI handler, which closes the database connection when each
    one ends; the test's transaction must outlive them (Django's test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(db):
    """A read-only token and a write token, for people who see some children."""
    team = TeamFactory(name="North")
    for n in range(3):
        child = ChildFactory(child_id=f"FZ{n}", team=team)
        EpisodeFactory(child=child, start_date=dt.date(2023, 1, 2), legal_status="C2")
    # Every role at once: the write token may try every write the API offers.
    writer = UserFactory(username="fuzz-writer", roles=list(Role.values), teams=[team])
    reader = UserFactory(username="fuzz-reader", roles=list(Role.values), teams=[team])
    assert access.can(writer, "write_through_api")
    return {"read": bearer(reader, write=False), "write": bearer(writer, write=True)}


@pytest.mark.xdist_group("fuzz")
@pytest.mark.parametrize("scope", ["read", "write"])
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_as_its_schema_says(case, scope, tokens):
    header = tokens[scope]["HTTP_AUTHORIZATION"]
    case.call_and_validate(headers={"Authorization": header}, checks=CHECKS)
