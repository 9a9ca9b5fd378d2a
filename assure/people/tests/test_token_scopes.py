"""API tokens read only unless issued to write, expire, and are renewed: walked over every
write operation the schema lists, through the clock."""

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.urls import reverse

from assure.api.api import api
from assure.core import clock
from assure.core.models import DomainEvent
from assure.decisions.models import Proposal
from assure.panels.models import AgendaItem, Outcome
from assure.people.models import ApiToken
from assure.people.services import api_token_create, api_token_renew
from tests.factories import ChildFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def write_operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema()
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if operation["x-token-scope"] == "write":
                found.append((method, re.sub(r"\{[^}]+\}", "1", path)))
    return found


def test_the_schema_marks_every_write_and_lists_401_and_403():
    schema = api.get_openapi_schema()
    scopes = {
        (method, path): operation["x-token-scope"]
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    }
    assert {m for (m, _), s in scopes.items() if s == "write"} <= {"post", "put", "patch", "delete"}
    assert {s for (m, _), s in scopes.items() if m == "get"} == {"read"}
    assert len(write_operations()) >= 10
    for operations in schema["paths"].values():
        for method, operation in operations.items():
            assert "401" in operation["responses"]
            assert ("403" in operation["responses"]) or method == "get"


def test_a_read_only_token_is_refused_on_every_write(client):
    lead = UserFactory(username="lead", roles=["assurance_lead", "team_manager"])
    ChildFactory(child_id="C1")
    _, raw = api_token_create(user=lead)
    before = (Proposal.objects.count(), AgendaItem.objects.count(), Outcome.objects.count())
    for method, path in write_operations():
        response = getattr(client, method)(path, {}, content_type="application/json", **bearer(raw))
        assert response.status_code == 403, (method, path, response.content)
        assert "may only read" in response.json()["detail"]
    after = (Proposal.objects.count(), AgendaItem.objects.count(), Outcome.objects.count())
    assert before == after
    # Reads still work with it.
    assert client.get("/api/v1/children", **bearer(raw)).status_code == 200


def test_a_write_token_writes_and_only_roles_that_write_get_one(client):
    team = TeamFactory(name="North")
    child = ChildFactory(child_id="C1", team=team)
    worker = UserFactory(username="sw", roles=["practitioner"], teams=[team])
    _, raw = api_token_create(user=worker, write=True)
    response = client.post(
        "/api/v1/proposals",
        {
            "child_id": child.child_id,
            "decision_type": "sgo_care_plan",
            "proposed_plan": "SGO to grandmother",
            "rationale": "Settled for a year",
        },
        content_type="application/json",
        **bearer(raw),
    )
    assert response.status_code in (200, 201), response.content
    assert Proposal.objects.filter(child=child).count() == 1
    officer = UserFactory(username="po", roles=["performance_officer"])
    with pytest.raises(PermissionDenied, match="makes no writes through the API"):
        api_token_create(user=officer, write=True)
    assert not ApiToken.objects.filter(user=officer).exists()


def test_tokens_expire_through_the_clock_and_renew(client, settings):
    settings.API_TOKEN_DAYS = 365
    user = UserFactory(username="pat", roles=["auditor"])
    issued = dt.datetime(2026, 1, 10, 9, 0, tzinfo=dt.UTC)
    with clock.frozen_at(issued):
        token, raw = api_token_create(user=user)
    assert token.expires_at == issued + dt.timedelta(days=365)
    with clock.frozen_at(token.expires_at - dt.timedelta(seconds=1)):
        assert client.get("/api/v1/children", **bearer(raw)).status_code == 200
    with clock.frozen_at(token.expires_at):
        assert client.get("/api/v1/children", **bearer(raw)).status_code == 401
        assert token.status == "expired"
        api_token_renew(token=token, actor=user)
        assert client.get("/api/v1/children", **bearer(raw)).status_code == 200
    assert DomainEvent.objects.filter(verb="api_token_renewed", actor=user).exists()
    token.revoked_at = token.expires_at
    token.save()
    with pytest.raises(Exception, match="revoked token cannot be renewed"):
        api_token_renew(token=token, actor=user)


def test_the_account_page_offers_write_only_to_writers_and_reminds_before_expiry(client):
    team = TeamFactory(name="North")
    writer = UserFactory(username="tm", roles=["team_manager"], teams=[team])
    reader = UserFactory(username="po", roles=["performance_officer"])
    client.force_login(reader)
    assert b'name="scope"' not in client.get(reverse("people:account")).content
    client.force_login(writer)
    page = client.get(reverse("people:account")).content.decode()
    assert 'name="scope"' in page and "Read and write" in page
    created = client.post(reverse("people:account"), {"name": "Script", "scope": "write"})
    assert b"read and write" in created.content
    token = ApiToken.objects.get(user=writer)
    assert token.scope == "write"
    with clock.frozen_at(token.expires_at - dt.timedelta(days=31)):
        assert b"tokens-expiring" not in client.get(reverse("people:account")).content
    with clock.frozen_at(token.expires_at - dt.timedelta(days=29)):
        page = client.get(reverse("people:account")).content.decode()
        assert 'data-testid="tokens-expiring"' in page and token.prefix in page
        renewed = client.post(reverse("people:token_renew", args=[token.pk]), follow=True)
        assert b"now expires on" in renewed.content
    token.refresh_from_db()
    assert token.expires_at > clock.now() + dt.timedelta(days=300)


def test_the_command_issues_write_tokens_only_to_writers():
    UserFactory(username="tm", roles=["team_manager"])
    UserFactory(username="po", roles=["performance_officer"])
    out = StringIO()
    call_command("api_token", "tm", "--write", stdout=out)
    assert ApiToken.objects.get(user__username="tm").scope == "write"
    with pytest.raises(CommandError, match="makes no writes"):
        call_command("api_token", "po", "--write", stdout=StringIO())
    call_command("api_token", "po", stdout=StringIO())
    assert ApiToken.objects.get(user__username="po").scope == "read"
