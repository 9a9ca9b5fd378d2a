"""Read the production settings module as a fresh process sees it under a given environment,
so that tests can check what environment variables turn into without touching this
process's settings."""

import json
import os
import subprocess
import sys
from typing import Any

PROBE = """
import json, sys
import assure.settings.base as s
print(json.dumps({name: getattr(s, name, None) for name in sys.argv[1:]}, default=str))
"""

BASE_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "probe-" + "k" * 60,
    "ALLOWED_HOSTS": "assure.example.gov.uk",
    "DATABASE_URL": "sqlite:////tmp/assure-settings-probe.sqlite3",
}


# The test settings put relaxed values into this process's environment; a production
# process must not inherit them.
# Variables the test run itself may have set (the browser tests allow async-unsafe calls)
# must not leak into a check of production settings.
INHERITED_PREFIXES = (
    "OIDC_",
    "SECURE_",
    "SESSION_",
    "LOGIN_",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def production_environ(**env: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(INHERITED_PREFIXES)}
    return {**clean, **BASE_ENV, **env}


def production_settings(*names: str, **env: str) -> dict[str, Any]:
    """The named settings under BASE_ENV plus `env` (DEBUG off unless given)."""
    result = subprocess.run(  # noqa: S603 - this interpreter, fixed code
        [sys.executable, "-c", PROBE, *names],
        env=production_environ(**env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip().splitlines()[-1])
    return json.loads(result.stdout)
