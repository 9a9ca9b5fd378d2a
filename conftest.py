"""Test-wide fixtures. Factories live in tests/factories.py."""

import pytest


@pytest.fixture(autouse=True)
def _media_and_axes(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AXES_ENABLED = True


@pytest.fixture(autouse=True)
def _reset_axes(db):
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()
