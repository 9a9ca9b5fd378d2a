"""Sign-in, sign-out, the second factor, single sign-on's return, and the account page with
API tokens."""

import base64
import datetime as dt

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from assure.core import access

from . import selectors, services, sso
from .client_ip import client_ip
from .forms import NewTokenForm, OneTimeCodeForm, SignInForm
from .models import ApiToken, SignInEvent


class SignInView(auth_views.LoginView):
    template_name = "people/login.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):  # type: ignore[no-untyped-def]
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = settings.OIDC_ENABLED
        context["timed_out"] = self.request.GET.get("timeout") == "1"
        return context

    def post(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        """Every password sign-in and refusal goes into the sign-in log, with the reason
        (which the person is not told)."""
        username = request.POST.get("username", "").strip()
        attempted = bool(username and request.POST.get("password"))
        locked_before = attempted and AxesProxyHandler.is_locked(request, {"username": username})
        response = super().post(request, *args, **kwargs)
        if attempted and not request.user.is_authenticated:
            reason = (
                SignInEvent.Reason.LOCKED_OUT
                if locked_before
                else selectors.password_refusal_reason(username=username)
            )
            services.sign_in_record(
                method=SignInEvent.Method.PASSWORD,
                outcome=SignInEvent.Outcome.REFUSED,
                reason=reason,
                identity=username,
                address=client_ip(request),
                detail={"locked_now": bool(getattr(request, "axes_locked_out", False))},
            )
        return response

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        services.sign_in_record(
            method=SignInEvent.Method.PASSWORD,
            outcome=SignInEvent.Outcome.SIGNED_IN,
            identity=form.get_user().get_username(),
            user=form.get_user(),
            address=client_ip(self.request),
        )
        return response


class SignOutView(auth_views.LogoutView):
    """POST only (Django's own rule since 5.0), so no link or image can sign a person out."""


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """django-axes calls this once a user name and address have failed too often (password
    sign-in only: single sign-on keeps its own count, per council account)."""
    return render(request, "people/locked_out.html", {"wait": sso.wait_words()}, status=429)


@login_not_required
def sso_callback(request: HttpRequest) -> HttpResponse:
    """Where the council's sign-in service sends people back (/oidc/callback/)."""
    outcome = sso.complete(request=request)
    if outcome.kind == "signed_in":
        target = request.session.get("oidc_login_next") or resolve_url(settings.LOGIN_REDIRECT_URL)
        auth_login(request, outcome.user, backend=selectors.OIDC_BACKEND_PATH)
        return redirect(target)
    request.session["sso_outcome"] = outcome.for_page()
    return redirect("people:sso_outcome")


SSO_STATUS = {"problem": 502, "refused": 403, "locked": 429, "stale": 400, "cancelled": 200}


@login_not_required
def sso_outcome(request: HttpRequest) -> HttpResponse:
    """What became of a single sign-on that did not sign the person in: the page says what
    happened and what to tell IT (the code, the time, a reference). Kept in the session, so
    that reloading the page shows it again rather than a stale sign-in link."""
    outcome = request.session.get("sso_outcome")
    if not settings.OIDC_ENABLED or not isinstance(outcome, dict):
        return redirect("people:login")  # nothing to explain: single sign-on is off, or no try
    if outcome.get("kind") not in SSO_STATUS:
        return redirect("people:login")
    context = {
        **outcome,
        "at": dt.datetime.fromisoformat(outcome["at"]),
        "heading": sso.heading(kind=outcome["kind"], reason=outcome.get("reason", "")),
        "explanation": sso.explain(outcome.get("code", "")),
        "wait": sso.wait_words(),
        "limit": settings.AXES_FAILURE_LIMIT,
        "username_claim": settings.OIDC_USERNAME_CLAIM,
    }
    return render(request, "people/sso_outcome.html", context, status=SSO_STATUS[outcome["kind"]])


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
        _record_code(request, error=error)
        if error is None:
            otp_login(request, device)
            return redirect(_safe_next(request))
        form.add_error("code", error)
    return render(request, "people/two_factor.html", {"form": form, "next": _safe_next(request)})


def _record_code(request: HttpRequest, *, error: str | None) -> None:
    reason = ""
    if error is not None:
        reason = (
            SignInEvent.Reason.TOO_MANY_CODES
            if error == TOO_MANY
            else SignInEvent.Reason.WRONG_CODE
        )
    services.sign_in_record(
        method=SignInEvent.Method.CODE,
        outcome=SignInEvent.Outcome.REFUSED if error else SignInEvent.Outcome.SIGNED_IN,
        reason=reason,
        identity=request.user.get_username(),
        user=request.user,
        address=client_ip(request),
    )


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
    may_write = access.can(request.user, "write_through_api")
    form = NewTokenForm(request.POST or None, may_write=may_write)
    if request.method == "POST" and form.is_valid():
        token, raw = services.api_token_create(
            user=request.user,
            name=form.cleaned_data["name"],
            write=form.cleaned_data.get("scope") == "write",
        )
        return render(request, "people/token_created.html", {"token": token, "raw": raw})
    return render(
        request,
        "people/account.html",
        {
            "form": form,
            "tokens": selectors.api_tokens_for(user=request.user),
            "expiring": selectors.api_tokens_expiring(user=request.user),
            "has_device": selectors.user_has_confirmed_device(user=request.user),
        },
    )


@require_POST
def token_renew(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user, revoked_at__isnull=True)
    services.api_token_renew(token=token, actor=request.user)
    messages.success(request, f"Token {token.prefix}… now expires on {token.expires_at:%-d %B %Y}.")
    return redirect("people:account")


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.api_token_revoke(token=token, actor=request.user)
    messages.success(request, f"Token {token.prefix}… is revoked.")
    return redirect("people:account")
