"""Signed-in people of mixed roles browsing Assure (issue 15): home, children, a child's page,
the tracker, the audit queue, sign-off and the API. Run by load/run.py (`make load`), which
serves the product and writes the accounts file this reads.

Each simulated person signs in once through the sign-in page (the demo accounts of every
role but the administrator, whose role always asks for a second factor), then browses with
a pause of 1 to 4 seconds between pages, as a person reading them would. A page a role may
not open (a 403 when the person first looks) is left out of that person's round, so errors
count only what should have worked.

Signing in is measured on its own: it is slow by design (the password hasher's work), and
50 people signing in within seconds is not browsing. When the last person has signed in,
the sign-in figures are written to LOAD_SIGN_IN (JSON), the figures start again from zero,
and the browsing runs for LOAD_SECONDS before the run stops.
"""

from __future__ import annotations

import itertools
import json
import os
import random  # which child a person opens next: no secret in it
import re

import gevent
from locust import HttpUser, between, task
from locust.env import Environment

with open(os.environ["LOAD_ACCOUNTS"], encoding="utf-8") as _accounts:
    ACCOUNTS = json.load(_accounts)
_next_account = itertools.cycle(ACCOUNTS)

# The pages, by the name they are reported under.
PAGES = {
    "home": "/",
    "children": "/children/",
    "tracker": "/tracker/",
    "audits": "/audits/",
    "sign-off": "/decisions/",
}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
WINDOW = int(os.environ.get("LOAD_SECONDS", "180"))
_started = {"people": 0}


def _one_more_started(environment: Environment) -> None:
    """Count the people ready to browse; when all are, keep the sign-in figures, start the
    figures again and stop after the browsing window."""
    _started["people"] += 1
    if _started["people"] != environment.parsed_options.num_users:
        return
    entry = environment.stats.get("sign-in", "POST")
    figures = {
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        **{
            f"p{int(q * 100)}": entry.get_response_time_percentile(q) if entry.num_requests else 0
            for q in (0.5, 0.95, 0.99)
        },
        "max": entry.max_response_time or 0,
    }
    with open(os.environ["LOAD_SIGN_IN"], "w", encoding="utf-8") as handle:
        json.dump(figures, handle)
    environment.stats.reset_all()
    gevent.spawn_later(WINDOW, environment.runner.quit)


class Person(HttpUser):
    wait_time = between(1, 4)

    def on_start(self) -> None:
        self.account = next(_next_account)
        self.api = {"Authorization": f"Bearer {self.account['token']}"}
        self._sign_in()
        self.pages = [name for name, url in PAGES.items() if self._may_open(name, url)]
        self.children = self._children()
        _one_more_started(self.environment)

    def _sign_in(self) -> None:
        form = self.client.get("/sign-in/", name="sign-in form")
        token = CSRF.search(form.text)
        with self.client.post(
            "/sign-in/",
            data={
                "username": self.account["username"],
                "password": self.account["password"],
                "csrfmiddlewaretoken": token.group(1) if token else "",
                "next": "/",
            },
            name="sign-in",
            catch_response=True,
        ) as response:
            if "/sign-in/" in response.url:
                response.failure(f"{self.account['username']} was not signed in")

    def _may_open(self, name: str, url: str) -> bool:
        with self.client.get(url, name=f"(first look) {name}", catch_response=True) as response:
            if response.status_code == 403:
                response.success()  # this role may not: not an error, just not their page
                return False
            return response.status_code == 200

    def _children(self) -> list[str]:
        response = self.client.get(
            "/api/v1/children?page_size=200", headers=self.api, name="(first look) api"
        )
        if response.status_code != 200:
            return []
        return [item["child_id"] for item in response.json()["items"]]

    def _page(self, name: str) -> None:
        if name in self.pages:
            self.client.get(PAGES[name], name=name)

    @task(2)
    def home(self) -> None:
        self._page("home")

    @task(3)
    def children_list(self) -> None:
        self._page("children")

    @task(4)
    def child_page(self) -> None:
        if self.children:
            child = random.choice(self.children)  # noqa: S311
            self.client.get(f"/children/{child}/", name="child page")

    @task(2)
    def tracker(self) -> None:
        self._page("tracker")

    @task(2)
    def audits(self) -> None:
        self._page("audits")

    @task(1)
    def sign_off(self) -> None:
        self._page("sign-off")

    @task(2)
    def api(self) -> None:
        if self.children:
            self.client.get("/api/v1/children?page_size=100", headers=self.api, name="api children")
            child = random.choice(self.children)  # noqa: S311
            self.client.get(f"/api/v1/children/{child}", headers=self.api, name="api child")
