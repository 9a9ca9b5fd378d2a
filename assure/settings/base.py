"""Settings, read from the environment with safe production defaults.

Every knob an operator may turn is an environment variable, documented in
docs/operations/configuration.md. Without DEBUG=1 the defaults are the production ones:
secure cookies, HSTS, a required SECRET_KEY.
"""

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = BASE_DIR.parent


def env_bool(name: str, default: bool = False, environ: Mapping[str, str] = os.environ) -> bool:
    value = environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug-" + "x" * 20

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "assure.core.admin_site.AssureAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "govuk_frontend_django",
    "mozilla_django_oidc",
    "assure.core",
    "assure.people",
    "assure.children",
    "assure.audits",
    "assure.tracker",
    "assure.api",
    "assure.families",
    "assure.imports",
    "assure.panels",
    "assure.decisions",
    "assure.insights",
    "assure.governance",
    "assure.inbox",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before any view reads the input, and late enough that its 400 page renders as a page.
    "assure.core.middleware.CleanInputMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # The person's roles and unread notifications in one query (before anything asks).
    "assure.inbox.middleware.UnreadCountMiddleware",
    "assure.core.middleware.LoginRequiredEverywhereMiddleware",
    "assure.core.middleware.SecondFactorMiddleware",
    "assure.core.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "assure.urls"
WSGI_APPLICATION = "assure.wsgi.application"
ASGI_APPLICATION = "assure.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "assure.core.context_processors.navigation",
            ],
        },
    }
]
FORM_RENDERER = "assure.core.forms.GovUKFormRenderer"

DATABASE_URL = (
    os.environ.get("DATABASE_URL") or f"sqlite:///{PROJECT_DIR / 'var' / 'assure.sqlite3'}"
)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the task worker writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "people:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "people:login"

# Lockout after repeated failures (django-axes): per user name and address together, so
# that one attacker cannot lock every account from one machine or one account from many.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("LOGIN_LOCKOUT_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "assure.people.views.locked_out"
AXES_VERBOSE = False
# How many reverse proxies stand in front of Assure (1 with BEHIND_PROXY unless set), so that
# the lockout counts attempts by the client's address, not the proxy's.
TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES") or (1 if env_bool("BEHIND_PROXY") else 0))
AXES_CLIENT_IP_CALLABLE = "assure.people.client_ip.client_ip"

# API tokens expire this many days after they are issued or renewed.
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "365"))
# The account page and home page remind a token's owner this many days before it expires.
API_TOKEN_REMINDER_DAYS = 30

# Inactivity timeout: the session ends after SESSION_IDLE_MINUTES without a request.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "assure.core.views.csrf_failure"

SECURE_COOKIES = env_bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
# Preloading binds the council's whole domain, a decision beyond one service: off unless
# the operator opts in, and Django's reminder about it is silenced for that reason.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if env_bool("BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
# The largest file an import accepts (bytes); larger ones are an error, not a crash.
IMPORT_MAX_FILE_BYTES = int(os.environ.get("IMPORT_MAX_FILE_BYTES", str(200 * 1024 * 1024)))
# A folder the council's systems put files in for Assure to import by itself (blank: none).
# `assure import-drop-folder`, run on a schedule, looks in it (docs/operations/running.md).
IMPORT_DROP_FOLDER = os.environ.get("IMPORT_DROP_FOLDER", "").strip()
# A file is taken once it has not changed for this many seconds (it may still be being written).
IMPORT_DROP_SETTLE_SECONDS = int(os.environ.get("IMPORT_DROP_SETTLE_SECONDS", "60"))
# The council's DfE LA code (three digits, such as 312): the 903 import keeps only this
# council's children from a regional file and leaves the others out. Blank: chosen per
# import (`--la`, or on the import page) when a file holds several councils.
COUNCIL_LA_CODE = os.environ.get("COUNCIL_LA_CODE", "").strip()
# Where a large 903 import keeps its rows between reading and writing (the system's
# temporary folder when blank).
IMPORT_SCRATCH_DIR = os.environ.get("IMPORT_SCRATCH_DIR", "").strip() or None

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF] + env_list("OIDC_FORM_ACTION"),
        "frame-ancestors": [NONE],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "d/m/Y"

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", PROJECT_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (imports keep theirs under MEDIA_ROOT/imports/ with random names). Never
# served as static files: the import views read them after the access check.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", PROJECT_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "assure@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Optional single sign-on with OpenID Connect (Microsoft Entra ID in most councils).
OIDC_REQUIRED = (
    "OIDC_OP_ISSUER",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT",
)
OIDC_TOKEN_AUTH_METHODS = ("client_secret_post", "client_secret_basic")


def oidc_settings(environ: Mapping[str, str]) -> dict[str, Any]:
    """The single sign-on settings for an environment: off unless OIDC_RP_CLIENT_ID is set,
    and then complete or refused at start-up with the names of what is missing."""
    if not environ.get("OIDC_RP_CLIENT_ID"):
        return {"OIDC_ENABLED": False}
    algorithm = environ.get("OIDC_RP_SIGN_ALGO") or "RS256"
    missing = [name for name in OIDC_REQUIRED if not environ.get(name)]
    if algorithm.startswith(("RS", "ES")) and not environ.get("OIDC_OP_JWKS_ENDPOINT"):
        missing.append("OIDC_OP_JWKS_ENDPOINT")
    if missing:
        raise ImproperlyConfigured(f"Single sign-on needs {', '.join(missing)} to be set.")
    auth_method = environ.get("OIDC_TOKEN_AUTH_METHOD") or "client_secret_post"
    if auth_method not in OIDC_TOKEN_AUTH_METHODS:
        raise ImproperlyConfigured(
            f"OIDC_TOKEN_AUTH_METHOD must be {' or '.join(OIDC_TOKEN_AUTH_METHODS)}."
        )
    return {
        "OIDC_ENABLED": True,
        "OIDC_RP_CLIENT_ID": environ["OIDC_RP_CLIENT_ID"],
        "OIDC_RP_CLIENT_SECRET": environ.get("OIDC_RP_CLIENT_SECRET", ""),
        "OIDC_RP_SIGN_ALGO": algorithm,
        **{name: environ[name] for name in OIDC_REQUIRED},
        "OIDC_OP_JWKS_ENDPOINT": environ.get("OIDC_OP_JWKS_ENDPOINT") or None,
        "OIDC_RP_SCOPES": environ.get("OIDC_RP_SCOPES") or "openid email profile",
        "OIDC_CREATE_USER": env_bool("OIDC_CREATE_USER", environ=environ),
        "OIDC_USERNAME_CLAIM": environ.get("OIDC_USERNAME_CLAIM") or "preferred_username",
        # How Assure proves itself to the token endpoint (the provider may insist on one).
        "OIDC_TOKEN_AUTH_METHOD": auth_method,
        "OIDC_TOKEN_USE_BASIC_AUTH": auth_method == "client_secret_basic",
        # PKCE always: a stolen sign-in code is useless without the verifier in the session.
        "OIDC_USE_PKCE": True,
        "OIDC_PKCE_CODE_CHALLENGE_METHOD": "S256",
        # Seconds to wait for the provider; without a limit a provider that never answers
        # would hold a web worker for ever.
        "OIDC_TIMEOUT": float(environ.get("OIDC_TIMEOUT_SECONDS") or 10),
    }


_OIDC = oidc_settings(os.environ)
OIDC_ENABLED: bool = _OIDC.pop("OIDC_ENABLED")
globals().update(_OIDC)
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("assure.people.oidc.AssureOIDCBackend")

# Operators' knobs for the access report and demo.
DEMO_PASSWORDS_VISIBLE = DEBUG

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
