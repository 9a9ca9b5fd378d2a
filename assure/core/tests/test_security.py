"""Security behaviour across the site: sign-in required everywhere, security headers, CSRF,
styled error pages, and malformed input answered clearly (never a 500)."""

import re
import uuid
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from assure.people.tests.helpers import sign_in_with_second_factor
from tests.factories import ChildFactory, EpisodeFactory, TeamFactory, UserFactory

# Open to anyone: signing in itself (with the page that says why a single sign-on did not
# sign someone in), and the information pages linked from its footer.
OPEN = {
    "people:login",
    "people:sso_outcome",
    "core:privacy",
    "core:accessibility",
    "admin:login",
}
DUMMY = {"int": 1, "str": "x", "slug": "x", "path": "x", "uuid": uuid.UUID(int=1)}


def named_patterns(patterns=None, namespace: str = "") -> Iterator[tuple[str, object]]:  # type: ignore[no-untyped-def]
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or ""
            space = f"{namespace}:{inner}" if namespace and inner else namespace or inner
            yield from named_patterns(entry.url_patterns, space)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry.pattern


def dummy_url(name: str, pattern: object) -> str:
    converters = getattr(pattern, "converters", {})
    kwargs = {
        key: DUMMY.get(type(conv).__name__.removesuffix("Converter").lower(), "x")
        for key, conv in converters.items()
    }
    if kwargs:
        return reverse(name, kwargs=kwargs)
    groups = list(getattr(pattern, "regex", re.compile("")).groupindex)
    for candidate in ("people", "1", "x"):
        try:
            return reverse(name, kwargs=dict.fromkeys(groups, candidate))
        except NoReverseMatch:
            continue
    raise AssertionError(f"No dummy arguments reverse {name}")


ALL_URLS = sorted({name: dummy_url(name, pattern) for name, pattern in named_patterns()}.items())


def test_the_walk_finds_the_main_pages():
    names = dict(ALL_URLS)
    for expected in (
        "core:home",
        "children:list",
        "children:detail",
        "people:account",
        "admin:index",
        "people:two_factor",
    ):
        assert expected in names
    assert len(ALL_URLS) > 30


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "url"), ALL_URLS, ids=[name for name, _ in ALL_URLS])
def test_every_page_needs_sign_in(client, name, url):
    response = client.get(url)
    if name.startswith("api:"):
        # The API answers for itself: its schema is public, its data needs a bearer token.
        if response.status_code == 405:  # a route for another method: ask with that one
            allowed = response["Allow"].split(",")[0].strip().lower()
            response = getattr(client, allowed)(url, data={}, content_type="application/json")
        expected = {200} if "openapi" in name else {401, 404}
        assert response.status_code in expected
    elif name in OPEN:
        assert response.status_code in {200, 302}
        if response.status_code == 302:
            assert response["Location"].startswith("/sign-in/")
    else:
        assert response.status_code == 302, f"{name} answered {response.status_code}"
        assert response["Location"].startswith("/sign-in/?next=")


@pytest.fixture
def lead(db):
    team = TeamFactory(name="North")
    child = ChildFactory(child_id="N1", team=team)
    EpisodeFactory(child=child)
    return UserFactory(username="lead", roles=["assurance_lead"], teams=[team])


@pytest.mark.django_db
def test_no_page_answers_500_to_signed_in_people(lead):
    admin = Client()
    sign_in_with_second_factor(client=admin, user=UserFactory(username="root", roles=["admin"]))
    staff = Client()
    staff.force_login(lead)
    for name, url in ALL_URLS:
        for client in (staff, admin):
            status = client.get(url).status_code
            assert status < 500, f"{name} ({url}) answered {status}"


PAGES = [
    "/",
    "/children/",
    "/children/N1/",
    "/account/",
    "/access-report/",
    "/privacy/",
    "/no-such-page/",
    "/children/NOBODY/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_security_headers_on_pages(client, lead, url):
    client.force_login(lead)
    response = client.get(url)
    assert response.status_code in {200, 404}
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"script-src 'self' 'nonce-([^']+)'", policy)
    assert nonce, policy
    assert f'nonce="{nonce.group(1)}"'.encode() in response.content
    assert "style-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_nonce_changes_on_every_response(client, db):
    first = client.get("/sign-in/")["Content-Security-Policy"]
    second = client.get("/sign-in/")["Content-Security-Policy"]
    assert "'nonce-" in first and first != second


@pytest.mark.django_db
class TestCsrf:
    def test_post_without_a_token_gets_the_styled_page(self, lead):
        client = Client(enforce_csrf_checks=True)
        client.force_login(lead)
        response = client.post("/account/", {"name": "Power BI"})
        assert response.status_code == 403
        assert b"Your form could not be sent" in response.content
        assert lead.api_tokens.count() == 0

    def test_post_with_a_forged_token_gets_the_styled_page(self, lead):
        client = Client(enforce_csrf_checks=True)
        client.force_login(lead)
        client.get("/account/")
        response = client.post("/account/", {"name": "x", "csrfmiddlewaretoken": "f" * 64})
        assert response.status_code == 403
        assert b"Your form could not be sent" in response.content

    def test_signing_in_without_a_token_is_refused_clearly(self, db):
        UserFactory(username="pat", roles=["practitioner"])
        client = Client(enforce_csrf_checks=True)
        response = client.post(
            "/sign-in/", {"username": "pat", "password": "a-long-test-password-1"}
        )
        assert response.status_code == 403
        assert b"Your form could not be sent" in response.content

    def test_post_with_the_real_token_works(self, lead):
        client = Client(enforce_csrf_checks=True)
        client.force_login(lead)
        client.get("/account/")
        token = client.cookies["csrftoken"].value
        response = client.post("/account/", {"name": "x", "csrfmiddlewaretoken": token})
        assert response.status_code == 200 and lead.api_tokens.count() == 1


@pytest.mark.django_db
class TestErrorPages:
    def test_unknown_url_gets_the_styled_404(self, client, lead):
        client.force_login(lead)
        response = client.get("/no-such-page/")
        assert response.status_code == 404
        assert b"Page not found" in response.content and b"govuk-heading-l" in response.content

    def test_unknown_child_is_the_same_404(self, client, lead):
        client.force_login(lead)
        response = client.get("/children/NOBODY/")
        assert response.status_code == 404 and b"Page not found" in response.content

    def test_unknown_url_for_anonymous_is_styled_too(self, client, db):
        response = client.get("/no-such-page/")
        assert response.status_code == 404 and b"Page not found" in response.content


MALFORMED = [
    "team=abc",
    "page=-1",
    "page=abc",
    "page=99999999",
    "sort=<script>alert(1)</script>",
    "worker=99999999999999999999",
    "team=99999999999999999999",
    "order=sideways",
    "care_status=maybe",
    "legal_status=ZZ",
    "q=" + "a" * 5000,
    "team=1&team=2",
    "sort=",
    "page=1e9",
]


@pytest.mark.django_db
@pytest.mark.parametrize("query", MALFORMED)
def test_malformed_list_queries_get_a_page_not_a_500(client, lead, query):
    client.force_login(lead)
    response = client.get(f"/children/?{query}")
    assert response.status_code == 200
    assert b"<script>alert(1)</script>" not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["placement_type=%00", "q=%00", "q=a%00b"])
def test_a_nul_in_a_list_query_is_a_400_with_a_message(client, lead, query):
    client.force_login(lead)
    response = client.get(f"/children/?{query}")
    assert response.status_code == 400 and b"cannot be stored" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["team=99999999999999999999", "sort=<script>", "team=abc"])
def test_malformed_filters_are_explained(client, lead, query):
    client.force_login(lead)
    response = client.get(f"/children/?{query}")
    assert b"govuk-error-message" in response.content or b"govuk-error-summary" in response.content
