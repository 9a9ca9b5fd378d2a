"""Production settings: `assure check --deploy` is clean, and the environment variables an
operator sets turn into the settings the docs promise."""

import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from .settings_probe import production_environ, production_settings

ASSURE = Path(sys.executable).with_name("assure")


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    env = production_environ(
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}",
    )
    assert "DJANGO_SETTINGS_MODULE" not in env and env["DEBUG"] == "0"
    result = subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [str(ASSURE), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_defaults_are_secure():
    values = production_settings(
        "DEBUG",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "X_FRAME_OPTIONS",
        "SESSION_COOKIE_AGE",
        "SESSION_SAVE_EVERY_REQUEST",
        "PASSWORD_HASHERS",
        "OIDC_ENABLED",
        "AUTHENTICATION_BACKENDS",
    )
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SESSION_COOKIE_AGE"] == 30 * 60
    assert values["SESSION_SAVE_EVERY_REQUEST"] is True
    assert values["PASSWORD_HASHERS"][0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert values["OIDC_ENABLED"] is False
    assert "assure.people.oidc.AssureOIDCBackend" not in values["AUTHENTICATION_BACKENDS"]


def test_operator_knobs_for_sign_in():
    values = production_settings(
        "SESSION_COOKIE_AGE",
        "AXES_FAILURE_LIMIT",
        "AXES_COOLOFF_TIME",
        SESSION_IDLE_MINUTES="15",
        LOGIN_FAILURE_LIMIT="3",
        LOGIN_LOCKOUT_HOURS="0.5",
    )
    assert values == {"SESSION_COOKIE_AGE": 900, "AXES_FAILURE_LIMIT": 3, "AXES_COOLOFF_TIME": 0.5}


def test_production_refuses_to_start_without_a_secret_key():
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set"):
        production_settings("DEBUG", SECRET_KEY="")


OIDC_ENV = {
    "OIDC_OP_ISSUER": "https://login.example/",
    "OIDC_RP_CLIENT_ID": "assure-client",
    "OIDC_RP_CLIENT_SECRET": "s3cret",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://login.example/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "https://login.example/token",
    "OIDC_OP_USER_ENDPOINT": "https://login.example/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "https://login.example/keys",
}


def test_single_sign_on_is_switched_on_by_the_environment():
    values = production_settings(
        "OIDC_ENABLED",
        "AUTHENTICATION_BACKENDS",
        "OIDC_RP_CLIENT_ID",
        "OIDC_RP_SIGN_ALGO",
        "OIDC_OP_JWKS_ENDPOINT",
        "OIDC_CREATE_USER",
        "OIDC_USERNAME_CLAIM",
        "OIDC_USE_PKCE",
        "OIDC_TOKEN_AUTH_METHOD",
        **OIDC_ENV,
    )
    assert values["OIDC_ENABLED"] is True
    assert values["AUTHENTICATION_BACKENDS"][-1] == "assure.people.oidc.AssureOIDCBackend"
    assert values["AUTHENTICATION_BACKENDS"][0] == "axes.backends.AxesStandaloneBackend"
    assert values["OIDC_RP_CLIENT_ID"] == "assure-client"
    assert values["OIDC_RP_SIGN_ALGO"] == "RS256"
    assert values["OIDC_OP_JWKS_ENDPOINT"] == "https://login.example/keys"
    assert values["OIDC_CREATE_USER"] is False
    assert values["OIDC_USERNAME_CLAIM"] == "preferred_username"
    assert values["OIDC_USE_PKCE"] is True and values["OIDC_TOKEN_AUTH_METHOD"] == (
        "client_secret_post"
    )


def test_the_oidc_urls_exist_only_when_switched_on():
    probe = (
        "import django; django.setup(); from django.urls import reverse; "
        "print(reverse('oidc_authentication_init'), reverse('oidc_authentication_callback'))"
    )
    env = production_environ(DJANGO_SETTINGS_MODULE="assure.settings.base", **OIDC_ENV)
    on = subprocess.run(  # noqa: S603 - this interpreter, fixed code
        [sys.executable, "-c", probe],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert on.stdout.split() == ["/oidc/authenticate/", "/oidc/callback/"], on.stderr
    env = production_environ(DJANGO_SETTINGS_MODULE="assure.settings.base")
    off = subprocess.run(  # noqa: S603 - this interpreter, fixed code
        [sys.executable, "-c", probe],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert off.returncode != 0 and "NoReverseMatch" in off.stderr


def test_incomplete_single_sign_on_settings_are_refused_by_name():
    partial = {k: v for k, v in OIDC_ENV.items() if k != "OIDC_OP_JWKS_ENDPOINT"}
    with pytest.raises(RuntimeError, match="needs OIDC_OP_JWKS_ENDPOINT"):
        production_settings("OIDC_ENABLED", **partial)
    no_issuer = {k: v for k, v in OIDC_ENV.items() if k != "OIDC_OP_ISSUER"}
    with pytest.raises(RuntimeError, match="needs OIDC_OP_ISSUER"):
        production_settings("OIDC_ENABLED", **no_issuer)
