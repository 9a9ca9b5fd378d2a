"""Test-wide fixtures. Factories live in tests/factories.py."""

import pytest

# One browser harness for every browser test in the project (see tests/browser/harness.py).
pytest_plugins = ["tests.browser.harness"]


@pytest.fixture(autouse=True)
def _media_and_axes(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AXES_ENABLED = True


@pytest.fixture(autouse=True)
def _reset_axes(db):
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()
