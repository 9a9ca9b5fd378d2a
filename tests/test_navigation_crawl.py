"""Every demo role signs in and follows every link its navigation offers (the header, the
service navigation and its home page): none answers 403 or 404, so no one is shown a way in
that the access policy then refuses. The forms' targets that only take POST refuse a GET
(so the every-page list is honest about them), and every download answers."""

from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from assure.people.models import User
from tests import demo_site

pytestmark = pytest.mark.django_db

# The areas of a page that make up its navigation, by the class (or id) of their container.
NAVIGATION_AREAS = ("govuk-header", "govuk-service-navigation", "main-content")


class _Links(HTMLParser):
    """The hrefs inside the navigation areas (nested tags tracked by depth)."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self._depth = 0  # >0 while inside a navigation area
        self._stack: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        classes = (values.get("class") or "").split()
        opens = any(a in classes or values.get("id") == a for a in NAVIGATION_AREAS)
        if tag in {"br", "img", "input", "meta", "link", "hr", "source", "col", "wbr"}:
            return
        self._stack.append(opens)
        self._depth += opens
        if self._depth and tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"br", "img", "input", "meta", "link", "hr", "source", "col", "wbr"}:
            return
        if self._stack:
            self._depth -= self._stack.pop()


def navigation_links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.links:
        href, _ = urldefrag(href)
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not href.startswith("/") or href.startswith("/static/"):
            continue
        if href not in found:
            found.append(href)
    return found


def signed_in(username: str) -> Client:
    """A client signed in as the demo user, past the second factor where one is asked."""
    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="Authenticator app")
    device.confirmed = True
    device.save()
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def demo(db) -> list[str]:
    demo_site.seed_demo_council()
    return demo_site.crawl_usernames()


def test_no_link_in_any_roles_navigation_is_refused(demo) -> None:
    refused = []
    followed = 0
    for username in demo:
        client = signed_in(username)
        home = client.get(reverse("core:home"))
        assert home.status_code == 200, username
        for href in navigation_links(home.content.decode()):
            response = client.get(href, follow=True)
            followed += 1
            if response.status_code in (403, 404):
                refused.append(f"{username}: {href} answered {response.status_code}")
    assert not refused, "Links shown to people who are then refused:\n" + "\n".join(refused)
    # Every role had a navigation to follow (the crawl did not pass by finding nothing).
    assert followed >= 5 * len(demo)


def test_post_only_targets_refuse_a_get(demo) -> None:
    """What POST_ONLY says of each target: a GET from someone allowed changes nothing and
    shows no page (405, or back to a page that is walked on its own)."""
    client = signed_in("lead")
    answered = {}
    for name in sorted(demo_site.POST_ONLY):
        if not demo_site.registered(name):
            continue
        path = demo_site.sample_path(name)
        response = client.get(path)
        answered[name] = response.status_code
    wrong = {n: s for n, s in answered.items() if s not in (302, 405)}
    assert not wrong, f"These answer a GET with a page: walk them in PAGES instead: {wrong}"


def test_every_download_answers(demo) -> None:
    failed = []
    for name, spec in demo_site.DOWNLOADS.items():
        if not demo_site.registered(name):
            continue
        response = signed_in(spec.username).get(demo_site.path_of(name, spec))
        if response.status_code != spec.status:
            failed.append(f"{name}: {response.status_code}")
    assert not failed, failed


def test_the_crawl_reads_the_navigation_and_the_main_content_only() -> None:
    html = """<html><body>
      <header class="govuk-header"><a href="/">Home</a></header>
      <section class="govuk-service-navigation"><ul><li><a href="/tracker/">Tracker</a>
        <br></li><li><a href="/tracker/#top">Tracker again</a></li></ul></section>
      <main id="main-content"><p><a href="/audits/?tier=1">Audits</a><img src="/x.png">
        <a href="https://example.org/">Elsewhere</a><a href="/static/a.css">Asset</a>
        <a href="#section">On this page</a></p></main>
      <footer class="govuk-footer"><a href="/privacy/">Privacy</a></footer>
    </body></html>"""
    assert navigation_links(html) == ["/", "/tracker/", "/audits/?tier=1"]
