"""Users, roles, teams and the line-management structure (team -> service -> head of service)."""

import hashlib
import secrets
from functools import cached_property
from typing import Any

from axes.models import AccessAttempt
from django.contrib.auth.models import AbstractUser
from django.db import models
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.models import HistoricalRecords

from assure.core.formats import moment_words

from .roles import Role


class Service(models.Model):
    """A group of teams under one service manager, within a head of service's area."""

    name = models.CharField(max_length=120, unique=True)
    area = models.CharField(
        max_length=120, blank=True, help_text="The head of service's area this service sits in."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    name = models.CharField(max_length=120, unique=True)
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.SET_NULL, related_name="teams"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in. Roles and teams decide what they see (core.access)."""

    teams = models.ManyToManyField(Team, blank=True, related_name="members")
    job_title = models.CharField(max_length=120, blank=True)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        ordering = ["username"]

    @cached_property
    def role_slugs(self) -> frozenset[str]:
        return frozenset(self.roles.values_list("role", flat=True))

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_slugs & set(roles))

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=40, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_user_role")]

    def __str__(self) -> str:
        return f"{self.user} as {self.get_role_display()}"


class StaffMember(models.Model):
    """A worker or IRO as the case-management system names them. Linked to a user when the
    person also signs in to Assure."""

    name = models.CharField(max_length=160, unique=True)
    user = models.OneToOneField(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="staff_record"
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ApiToken(models.Model):
    """A bearer token for the API. Only a SHA-256 digest of the token is stored. A token
    reads only, unless issued with write scope to someone whose role makes API writes; every
    token expires (API_TOKEN_DAYS after it was issued or last renewed)."""

    class Scope(models.TextChoices):
        READ = "read", "Read only"
        WRITE = "write", "Read and write"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=120, blank=True)
    prefix = models.CharField(
        max_length=12, help_text="The token's first characters, to tell tokens apart."
    )
    digest = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=5, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def new_raw_token() -> str:
        return "asr_" + secrets.token_urlsafe(32)

    def is_active_at(self, moment: Any) -> bool:
        return self.revoked_at is None and moment < self.expires_at

    @property
    def is_active(self) -> bool:
        from assure.core import clock

        return self.is_active_at(clock.now())

    @property
    def status(self) -> str:
        from assure.core import clock

        if self.revoked_at is not None:
            return "revoked"
        return "active" if self.is_active_at(clock.now()) else "expired"

    @property
    def may_write(self) -> bool:
        return self.scope == self.Scope.WRITE


class SignInEvent(models.Model):
    """One sign-in or one refusal, with its reason: the people app's own log, like the
    access log beside it. Every password sign-in, every one-time code and every single
    sign-on writes one; the administration site lists them (docs/operations/single-sign-on.md).
    A refusal shown to a person carries a reference they can give IT to find this row."""

    class Method(models.TextChoices):
        PASSWORD = "password", "Password"
        CODE = "code", "One-time code"
        SSO = "sso", "Council account (single sign-on)"

    class Outcome(models.TextChoices):
        SIGNED_IN = "signed_in", "Signed in"
        REFUSED = "refused", "Refused"

    class Reason(models.TextChoices):
        NONE = "", "None"
        # password
        WRONG_PASSWORD = "wrong_password", "Wrong password"
        UNKNOWN_USER = "unknown_user", "No account with this user name"
        NO_PASSWORD = "no_password", "The account has no password"
        LOCKED_OUT = "locked_out", "Locked out after failed passwords"
        # one-time code
        WRONG_CODE = "wrong_code", "Wrong one-time code"
        TOO_MANY_CODES = "too_many_codes", "Too many wrong codes: waiting"
        # single sign-on: the person
        NO_ACCOUNT = "no_account", "No Assure account matches the council account"
        AMBIGUOUS_ACCOUNT = "ambiguous_account", "More than one Assure account matches"
        SSO_LOCKED = "sso_locked", "Single sign-on locked for this council account"
        CANCELLED = "cancelled", "Cancelled or refused at the provider"
        STALE_CALLBACK = "stale_callback", "A used, expired or foreign sign-in link"
        # single sign-on: the provider or its set-up
        PROVIDER_ERROR = "provider_error", "Provider error"
        # both
        INACTIVE_ACCOUNT = "inactive_account", "The Assure account is deactivated"

    at = models.DateTimeField(db_index=True)
    method = models.CharField(max_length=10, choices=Method.choices)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reason = models.CharField(max_length=20, choices=Reason.choices, blank=True, default="")
    identity = models.CharField(
        max_length=254,
        blank=True,
        help_text="The user name typed, or the council account the provider named.",
    )
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="sign_in_events"
    )
    address = models.GenericIPAddressField(null=True, blank=True)
    reference = models.CharField(max_length=12, blank=True, db_index=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["identity", "-at"], name="sign_in_identity_idx")]
        verbose_name = "sign-in event"

    def __str__(self) -> str:
        what = self.get_outcome_display().lower()
        why = f": {self.reason_words}" if self.reason else ""
        who = self.identity or "unknown"
        how = self.get_method_display().lower()
        return f"{who}: {what}{why}, by {how}, {moment_words(self.at)}"

    @property
    def reason_words(self) -> str:
        """The reason as its label says it, within a sentence ("wrong password"; "" for a
        sign-in): the one set of words for the codes. Only the first letter is lowered, so
        that "Assure" keeps its capital."""
        label = self.get_reason_display() if self.reason else ""
        return label[:1].lower() + label[1:]


class SingleSignOnLockout(models.Model):
    """Failed single sign-ons of one council account (the claim matched to user names,
    lower-cased), so that one person's failures never lock anyone else out: after
    LOGIN_FAILURE_LIMIT of them within LOGIN_LOCKOUT_HOURS of each other, single sign-on is
    refused for that account alone until `locked_until`. A success or an unlock deletes the
    row."""

    identity = models.CharField(max_length=254, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_failure_at"]
        verbose_name = "single sign-on lockout"

    def __str__(self) -> str:
        return f"{self.identity}: {self.failures} failed single sign-ons"


# The packages' own models, under the names an administrator looks for, beside the other
# lists of people in the administration site (their labels were 'AXES', 'OTP_TOTP').
class Authenticator(TOTPDevice):
    class Meta:
        proxy = True
        verbose_name = "authenticator app"


class PasswordLockout(AccessAttempt):
    """Failed password sign-ins per user name and address (django-axes)."""

    class Meta:
        proxy = True
        verbose_name = "password lockout"
