"""Single sign-on in a real browser against a real OpenID provider (panva's oidc-provider,
tests/oidc, on 127.0.0.1), axe-core on every page of Assure's (issue 17, acceptance): a
person signs in, with client_secret_post and with client_secret_basic; an unknown person, a
deactivated account, a replayed callback, a wrong client secret and an unreachable provider
each get a clear page, never a 500; and five failed single sign-ons from one address lock
only that council account, while everyone else from the same address still gets in."""

import re
import socket

import pytest
from playwright.sync_api import Page, expect

from assure.people.models import SignInEvent, SingleSignOnLockout
from tests.browser.helpers import PASSWORD, assert_accessible, sign_in
from tests.oidc import provider as oidc

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

JANE = "Jane.Doe@council.example"
NEW_STARTER = "New.Starter@council.example"
PROBLEM = "Signing in with your council account is not working"


@pytest.fixture
def people(transactional_db):  # type: ignore[no-untyped-def]
    from assure.people.services import user_create

    return {
        "jane": user_create(
            username="jane.doe@council.example",
            roles=["practitioner"],
            first_name="Jane",
            last_name="Doe",
        ),
        "pat": user_create(username="pat", roles=["practitioner"], password=PASSWORD),
    }


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def council_sign_in(page: Page, provider: oidc.Provider, *, login: str) -> str:
    """From Assure's sign-in page, through the provider's own sign-in page as `login`, back
    to Assure; returns the callback address the provider sent the browser to."""
    page.goto("/sign-in/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Assure")
    page.get_by_role("button", name="Sign in with your council account").click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(provider.issuer)}/interaction/"))
    page.get_by_label("Council account").fill(login)
    page.get_by_label("Password").fill("the council's own check")
    with page.expect_request(re.compile(r"/oidc/callback/\?")) as callback:
        page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state("load")
    return callback.value.url


def expect_signed_in(page: Page, *, name: str) -> None:
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_text(name).first).to_be_visible()


def expect_outcome(page: Page, *, heading: str) -> None:
    expect(page).to_have_url(re.compile(r"/sign-in/council-account/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(page)
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def test_a_council_account_signs_in_with_client_secret_post(pages, sso, people):
    page = pages.open()
    page.goto("/sign-in/")
    assert_accessible(page)
    council_sign_in(page, sso, login=JANE)
    expect_signed_in(page, name="Jane Doe")
    assert SignInEvent.objects.get().outcome == "signed_in"


def test_and_with_client_secret_basic(pages, sso, people, settings):
    for name, value in sso.settings(method="client_secret_basic").items():
        setattr(settings, name, value)
    page = pages.open()
    council_sign_in(page, sso, login=JANE)
    expect_signed_in(page, name="Jane Doe")


def test_an_unknown_person_is_told_what_to_ask_for(pages, sso, people):
    page = pages.open()
    council_sign_in(page, sso, login=NEW_STARTER)
    expect_outcome(page, heading="You do not have an Assure account")
    expect(page.get_by_text("new.starter@council.example").first).to_be_visible()
    reference = page.get_by_test_id("sso-reference").inner_text()
    entry = SignInEvent.objects.get(reference=reference)
    assert (entry.outcome, entry.reason) == ("refused", "no_account")


def test_a_deactivated_account_is_refused(pages, sso, people):
    people["jane"].is_active = False
    people["jane"].save()
    page = pages.open()
    council_sign_in(page, sso, login=JANE)
    expect_outcome(page, heading="Your Assure account is switched off")
    assert SignInEvent.objects.get().reason == "inactive_account"


def test_a_replayed_callback_is_refused(pages, sso, people):
    page = pages.open()
    back = council_sign_in(page, sso, login=JANE)
    expect_signed_in(page, name="Jane Doe")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Assure")
    page.goto(back)
    expect_outcome(page, heading="This sign-in link has already been used or has expired")
    # The way on is offered: a fresh sign-in works.
    page.get_by_role("button", name="Sign in with your council account").click()
    expect_signed_in(page, name="Jane Doe")  # the provider remembers the person
    assert list(SignInEvent.objects.order_by("id").values_list("reason", flat=True)) == [
        "",
        "stale_callback",
        "",
    ]


def test_a_wrong_client_secret_shows_what_to_tell_it_not_a_500(pages, sso, people, settings):
    settings.OIDC_RP_CLIENT_SECRET = "a-secret-that-has-expired"
    page = pages.open()
    council_sign_in(page, sso, login=JANE)
    expect_outcome(page, heading=PROBLEM)
    expect(page.get_by_role("heading", name="What to tell your IT service desk")).to_be_visible()
    expect(page.get_by_test_id("sso-code")).to_have_text("invalid_client")
    expect(page.get_by_text("did not accept Assure's client ID or secret")).to_be_visible()
    reference = page.get_by_test_id("sso-reference").inner_text()
    assert SignInEvent.objects.get(reference=reference).detail["code"] == "invalid_client"


def test_an_unreachable_provider_shows_what_to_tell_it(pages, sso, people, settings):
    settings.OIDC_OP_TOKEN_ENDPOINT = f"http://127.0.0.1:{closed_port()}/token"
    page = pages.open()
    council_sign_in(page, sso, login=JANE)
    expect_outcome(page, heading=PROBLEM)
    expect(page.get_by_test_id("sso-code")).to_have_text("provider_unreachable")


def test_five_failures_from_one_address_lock_only_that_council_account(
    pages, sso, people, settings
):
    limit = settings.AXES_FAILURE_LIMIT
    for attempt in range(1, limit + 1):
        page = pages.open()  # a new browser each time: the provider would remember the last
        council_sign_in(page, sso, login=NEW_STARTER)
        expect_outcome(page, heading="You do not have an Assure account")
        locked_now = page.get_by_text(re.compile(r"is now locked for an hour"))
        expect(locked_now).to_have_count(1 if attempt == limit else 0)
    page = pages.open()
    council_sign_in(page, sso, login=NEW_STARTER)
    expect_outcome(page, heading="Signing in with your council account is locked for now")
    expect(page.get_by_text("nobody else is affected", exact=False)).to_be_visible()
    expect(page.get_by_text(re.compile("wrong password", re.I))).to_have_count(0)
    assert SingleSignOnLockout.objects.get().identity == "new.starter@council.example"

    # Everyone else, from the same address (127.0.0.1), still gets in: by single sign-on ...
    jane = pages.open()
    council_sign_in(jane, sso, login=JANE)
    expect_signed_in(jane, name="Jane Doe")
    # ... and with a password.
    pat = pages.open()
    sign_in(pat, username="pat")
