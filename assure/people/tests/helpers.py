"""Helpers for tests that need a signed-in user past the second factor."""

from typing import Any

from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def confirmed_device(*, user: Any) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Test phone", confirmed=True)


def current_code(*, device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def unthrottle(*, device: TOTPDevice) -> None:
    """Forget earlier wrong codes, as if the wait after them had passed."""
    device.refresh_from_db()
    device.throttle_reset()


def sign_in_with_second_factor(*, client: Client, user: Any) -> TOTPDevice:
    """Sign in (without the password form) and pass the second factor with a real code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = device or confirmed_device(user=user)
    client.force_login(user)
    response = client.post("/sign-in/code/", {"code": current_code(device=device), "next": "/"})
    assert response.status_code == 302, response.content
    return device
