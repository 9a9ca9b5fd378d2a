"""The lockout counts attempts by the client's address, also behind reverse proxies."""

from django.test import RequestFactory

from assure.people.client_ip import client_ip


def _request(remote: str, forwarded: str | None = None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/sign-in/", **headers)


def test_without_proxies_the_connection_address_counts(settings):
    settings.TRUSTED_PROXIES = 0
    assert client_ip(_request("10.0.0.5", "198.51.100.7")) == "10.0.0.5"


def test_one_proxy_takes_the_address_it_appended(settings):
    settings.TRUSTED_PROXIES = 1
    # The client wrote 1.2.3.4 itself; the proxy appended the real address.
    assert client_ip(_request("10.0.0.5", "1.2.3.4, 198.51.100.7")) == "198.51.100.7"


def test_two_proxies_skip_the_inner_one(settings):
    settings.TRUSTED_PROXIES = 2
    assert client_ip(_request("10.0.0.9", "1.2.3.4, 198.51.100.7, 10.0.0.5")) == "198.51.100.7"


def test_a_short_or_missing_header_falls_back_to_the_connection(settings):
    settings.TRUSTED_PROXIES = 2
    assert client_ip(_request("10.0.0.9", "198.51.100.7")) == "10.0.0.9"
    assert client_ip(_request("10.0.0.9")) == "10.0.0.9"
    assert client_ip(_request("10.0.0.9", " , ")) == "10.0.0.9"


def test_lockout_behind_a_proxy_is_per_client(client, settings, db):
    from tests.factories import UserFactory

    settings.TRUSTED_PROXIES = 1
    UserFactory(username="sam", roles=["practitioner"])
    attacker = {"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_FOR": "203.0.113.66"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/sign-in/", {"username": "sam", "password": "wrong"}, **attacker)
    assert (
        client.post("/sign-in/", {"username": "sam", "password": "wrong"}, **attacker).status_code
        == 429
    )
    sam = {"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    response = client.post(
        "/sign-in/", {"username": "sam", "password": "a-long-test-password-1"}, **sam
    )
    assert response.status_code == 302
