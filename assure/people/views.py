"""Sign-in, sign-out, the second factor, and the account page with API tokens."""

import base64

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import selectors, services
from .forms import NewTokenForm, OneTimeCodeForm, SignInForm
from .models import ApiToken


class SignInView(auth_views.LoginView):
    template_name = "people/login.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):  # type: ignore[no-untyped-def]
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = settings.OIDC_ENABLED
        context["timed_out"] = self.request.GET.get("timeout") == "1"
        context["sso_failed"] = self.request.GET.get("sso") == "failed"
        return context


class SignOutView(auth_views.LogoutView):
    """POST only (Django's own rule since 5.0), so no link or image can sign a person out."""


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """django-axes calls this once a user name and address have failed too often."""
    minutes = round(float(settings.AXES_COOLOFF_TIME) * 60)
    wait = f"{minutes} minutes" if minutes < 120 else f"{round(minutes / 60)} hours"
    if minutes == 60:
        wait = "an hour"
    return render(request, "people/locked_out.html", {"wait": wait}, status=429)


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("core:home")


WRONG_CODE = "The code is not right. Check the time on your device and try again."
TOO_MANY = "Too many wrong codes. Wait a moment, then enter the code the app shows now."


def _code_error(*, device: TOTPDevice, code: str) -> str | None:
    """Why a code is refused, or None when it is right. After wrong codes django-otp makes
    each next try wait longer; say so rather than call a right code wrong."""
    allowed, _why = device.verify_is_allowed()
    if not allowed:
        return TOO_MANY
    return None if device.verify_token(code.strip()) else WRONG_CODE


def two_factor(request: HttpRequest) -> HttpResponse:
    """Ask for the one-time code after the password."""
    if request.user.is_verified():
        return redirect(_safe_next(request))
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect("people:two_factor_setup")
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        error = _code_error(device=device, code=form.cleaned_data["code"])
        if error is None:
            otp_login(request, device)
            return redirect(_safe_next(request))
        form.add_error("code", error)
    return render(request, "people/two_factor.html", {"form": form, "next": _safe_next(request)})


def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: show the secret as a QR code, confirm with a code."""
    if selectors.user_has_confirmed_device(user=request.user) and not request.user.is_verified():
        return redirect("people:two_factor")
    device, _ = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "Authenticator app"}
    )
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        error = _code_error(device=device, code=form.cleaned_data["code"])
        if error is None:
            services.authenticator_confirm(device=device, actor=request.user)
            otp_login(request, device)
            messages.success(request, "Your authenticator app is set up.")
            return redirect(_safe_next(request))
        form.add_error("code", error)
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "people/two_factor_setup.html",
        {
            "form": form,
            "qr_src": _qr_data_uri(device.config_url),
            "secret": secret,
            "next": _safe_next(request),
        },
    )


def _qr_data_uri(text: str) -> str:
    """The QR code as a data: URI for an <img>: the CSP allows data: images, whereas inline
    SVG markup would need styles the policy forbids to size it."""
    return segno.make(text, error="m").svg_data_uri(
        scale=4, border=4, dark="#0b0c0c", light="#ffffff"
    )


def account(request: HttpRequest) -> HttpResponse:
    form = NewTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, raw = services.api_token_create(user=request.user, name=form.cleaned_data["name"])
        return render(request, "people/token_created.html", {"token": token, "raw": raw})
    return render(
        request,
        "people/account.html",
        {
            "form": form,
            "tokens": selectors.api_tokens_for(user=request.user),
            "has_device": selectors.user_has_confirmed_device(user=request.user),
        },
    )


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.api_token_revoke(token=token, actor=request.user)
    messages.success(request, f"Token {token.prefix}… is revoked.")
    return redirect("people:account")
