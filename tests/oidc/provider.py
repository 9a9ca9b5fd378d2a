"""Start, drive and stop the real OpenID provider of tests/oidc/provider.mjs (panva's
oidc-provider, from frontend/node_modules after `make setup`), on 127.0.0.1 only."""

import json
import os
import re
import select
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlparse

import requests

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "provider.mjs"
MODULE = HERE.parents[1] / "frontend" / "node_modules" / "oidc-provider" / "lib" / "index.js"
SECRET = "assure-test-secret-0123456789"
TENANT = "7e1c9a52-0d4f-4f5e-9a31-5a7b1c2d3e4f"
START_SECONDS = 30


@dataclass
class Provider:
    """A running provider. `settings()` are Assure's settings to use it."""

    issuer: str
    process: subprocess.Popen  # type: ignore[type-arg]

    def settings(
        self, *, method: str = "client_secret_post", client: str | None = None, **extra: Any
    ) -> dict[str, Any]:
        """Assure's single sign-on settings for this provider: the client registered for
        `method` unless `client` says another (to make the provider refuse the method)."""
        client = client or ("assure-basic" if method == "client_secret_basic" else "assure-post")
        return {
            "OIDC_ENABLED": True,
            "OIDC_RP_CLIENT_ID": client,
            "OIDC_RP_CLIENT_SECRET": SECRET,
            "OIDC_RP_SIGN_ALGO": "RS256",
            "OIDC_OP_ISSUER": self.issuer,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.issuer}/auth",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.issuer}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.issuer}/me",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.issuer}/jwks",
            "OIDC_RP_SCOPES": "openid email profile",
            "OIDC_CREATE_USER": False,
            "OIDC_USERNAME_CLAIM": "preferred_username",
            "OIDC_TOKEN_AUTH_METHOD": method,
            "OIDC_TOKEN_USE_BASIC_AUTH": method == "client_secret_basic",
            "OIDC_USE_PKCE": True,
            "OIDC_PKCE_CODE_CHALLENGE_METHOD": "S256",
            "OIDC_TIMEOUT": 10.0,
            "ROOT_URLCONF": "assure.people.tests.urls_oidc",
            "AUTHENTICATION_BACKENDS": [
                "axes.backends.AxesStandaloneBackend",
                "django.contrib.auth.backends.ModelBackend",
                "assure.people.oidc.AssureOIDCBackend",
            ],
            **extra,
        }

    def tamper(self, mode: str = "") -> None:
        """Make the provider misbehave from now on ("" to stop): see provider.mjs."""
        response = requests.post(f"{self.issuer}/_test/tamper", params={"mode": mode}, timeout=5)
        response.raise_for_status()

    def sign_in(self, authorize_url: str, *, login: str, cancel: bool = False) -> str:
        """Be the person at the provider without a browser: follow the authorisation
        request, sign in as `login` (or cancel), and return the address the provider sends
        them back to (Assure's callback, not followed)."""
        session = requests.Session()
        url = authorize_url
        for _ in range(10):
            response = session.get(url, allow_redirects=False, timeout=10)
            if response.status_code in (302, 303):
                url = urljoin(url, response.headers["Location"])
                if not url.startswith(self.issuer):
                    return url
                continue
            assert response.status_code == 200, (response.status_code, response.text[:500])
            action = re.search(r'<form method="post" action="([^"]+)"', response.text)
            assert action, response.text[:500]
            target = urljoin(url, action.group(1) + ("/cancel" if cancel else ""))
            response = session.post(
                target, data={"login": login, "password": "x"}, allow_redirects=False, timeout=10
            )
            assert response.status_code in (302, 303), (response.status_code, response.text)
            url = urljoin(target, response.headers["Location"])
            if not url.startswith(self.issuer):
                return url
        raise AssertionError(f"the provider never sent the person back: {url}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start(**options: Any) -> Provider:
    """Start a provider on a free port of 127.0.0.1 and wait until it listens."""
    node = shutil.which("node")
    if node is None:
        raise AssertionError("node is missing: the tests' OpenID provider runs on Node.js")
    if not MODULE.exists():
        raise AssertionError(f"{MODULE} is missing: run `make setup` (npm ci in frontend/)")
    config = {"secret": SECRET, "tenant": TENANT, **options}
    errors = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - read if it fails to start
    process = subprocess.Popen(  # noqa: S603 - our own script, fixed arguments
        [node, str(SCRIPT), json.dumps(config)],
        stdout=subprocess.PIPE,
        stderr=errors,
        text=True,
        env={**os.environ, "NODE_ENV": "test"},
    )
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], START_SECONDS)
    line = process.stdout.readline() if ready else ""  # one line once it listens
    if not line:
        process.kill()
        process.wait(timeout=START_SECONDS)
        errors.seek(0)
        raise AssertionError(f"the OpenID provider did not start:\n{errors.read()[-2000:]}")
    return Provider(issuer=json.loads(line)["issuer"], process=process)


def callback_query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlparse(url).query).items()}
