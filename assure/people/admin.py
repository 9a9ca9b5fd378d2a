from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from assure.core.admin_site import RoleAdmin

from .models import (
    ApiToken,
    Authenticator,
    PasswordLockout,
    Service,
    SignInEvent,
    SingleSignOnLockout,
    StaffMember,
    Team,
    User,
    UserRole,
)
from .selectors import user_facts
from .services import user_access_check, user_admin_saved


class UserRoleFormSet(BaseInlineFormSet):
    """A person's role rows. Each field is named for screen readers (the table's headings
    are not labels), and a change that would lock administrators out is refused here, where
    the roles as they would be are known, with its reason above the rows."""

    actor: Any = None  # who is making the change: set per request by the inline

    def add_fields(self, form: forms.ModelForm, index: int | None) -> None:
        super().add_fields(form, index)
        form.fields["role"].widget.attrs["aria-label"] = "Role"
        if "DELETE" in form.fields:  # shown on saved rows only
            role = form.instance.get_role_display() if form.instance.pk else "new role"
            form.fields["DELETE"].widget.attrs["aria-label"] = f"Delete the role {role}"

    def clean(self) -> None:
        super().clean()
        if self.instance.pk is None:
            return
        roles = [
            form.cleaned_data["role"]
            for form in self.forms
            if form.cleaned_data.get("role") and not self._should_delete_form(form)
        ]
        # The person's own form has set `is_active` on the instance to what it would be.
        try:
            user_access_check(
                user=self.instance, is_active=self.instance.is_active, roles=roles, actor=self.actor
            )
        except ValidationError as refusal:
            if "roles" in refusal.message_dict:
                raise ValidationError(refusal.message_dict["roles"]) from refusal


class UserAdminForm(forms.ModelForm):
    """A person's details. Unticking Active is refused, on that box, when it would lock
    administrators out (their roles are the role rows' to check)."""

    actor: Any = None  # who is making the change: set per request by the admin

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.instance.pk is None or "is_active" not in cleaned:
            return cleaned
        try:
            user_access_check(
                user=self.instance,
                is_active=cleaned["is_active"],
                roles=self.instance.roles.values_list("role", flat=True),
                actor=self.actor,
            )
        except ValidationError as refusal:
            for message in refusal.message_dict.get("is_active", []):
                self.add_error("is_active", message)
        return cleaned


class UserRoleInline(admin.TabularInline):
    model = UserRole
    formset = UserRoleFormSet
    extra = 1

    def get_formset(self, request, obj=None, **kwargs):  # type: ignore[no-untyped-def]
        # A new class each call, so the attribute is this request's alone.
        formset = super().get_formset(request, obj, **kwargs)
        formset.actor = request.user
        return formset

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return True

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return True

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return True

    def has_view_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return True


@admin.register(User)
class UserAdmin(RoleAdmin):
    list_display = ["username", "first_name", "last_name", "email", "is_active", "last_login"]
    search_fields = ["username", "first_name", "last_name", "email"]
    list_filter = ["is_active", "roles__role", "teams"]
    fields = ["username", "first_name", "last_name", "email", "job_title", "is_active", "teams"]
    form = UserAdminForm
    # Tick boxes, not Django's two-list picker: its script gives a span an aria-label it may
    # not have, and the boxes work without JavaScript.
    inlines = [UserRoleInline]

    def get_form(self, request, obj=None, change=False, **kwargs):  # type: ignore[no-untyped-def]
        # A new class each call, so the attribute is this request's alone.
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user
        return form

    def formfield_for_manytomany(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "teams":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        """People added here sign in with single sign-on or a password they are given by
        `assure create-user`; an account made here never has a usable blank password.
        The person as stored is read first, for the event `save_related` records."""
        form.facts_before = user_facts(user=User.objects.get(pk=obj.pk)) if change else None
        if not change:
            obj.set_unusable_password()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):  # type: ignore[no-untyped-def]
        """Roles and teams are saved after the person: only then is the change complete,
        and recorded (in the admin's own transaction) like every other write of a user."""
        super().save_related(request, form, formsets, change)
        user_admin_saved(user=form.instance, before=form.facts_before, actor=request.user)


@admin.register(Team)
class TeamAdmin(RoleAdmin):
    list_display = ["name", "service"]
    search_fields = ["name"]


@admin.register(Service)
class ServiceAdmin(RoleAdmin):
    list_display = ["name", "area"]


@admin.register(StaffMember)
class StaffMemberAdmin(RoleAdmin):
    list_display = ["name", "team", "user"]
    search_fields = ["name"]


@admin.action(description="Revoke the selected tokens")
def revoke_tokens(modeladmin, request, queryset):  # type: ignore[no-untyped-def]
    from .services import api_token_revoke

    for token in queryset.filter(revoked_at__isnull=True):
        api_token_revoke(token=token, actor=request.user)


@admin.register(ApiToken)
class ApiTokenAdmin(RoleAdmin):
    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    exclude = ["digest"]
    actions = [revoke_tokens]
    list_filter = ["revoked_at"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


# Roles, not Django's groups and permission tables, decide what people may do; and the
# packages' own admin pages would need Django permissions that no Assure account holds.
for model in (Group, StaticDevice, TOTPDevice, AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(Authenticator)
class AuthenticatorAdmin(RoleAdmin):
    """Deleting a person's authenticator lets them set up a new one (a lost phone). The
    secret key is never shown."""

    list_display = ["user", "name", "confirmed", "last_used_at"]
    fields = ["user", "name", "confirmed", "last_used_at"]
    readonly_fields = fields
    search_fields = ["user__username"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return self._is_admin(request)

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        from .services import authenticator_reset

        authenticator_reset(device=obj, actor=request.user)

    def delete_queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        for device in queryset.select_related("user"):
            self.delete_model(request, device)


class UnlockByDeletingAdmin(RoleAdmin):
    """A list of lockouts, read-only: an administrator unlocks by deleting a row, which the
    subclass's `unlock` service records as an event (one at a time, even in bulk)."""

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return self._is_admin(request)

    def unlock(self, obj, *, actor):  # type: ignore[no-untyped-def]
        raise NotImplementedError

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        self.unlock(obj, actor=request.user)

    def delete_queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        for row in queryset:
            self.delete_model(request, row)


@admin.register(PasswordLockout)
class LockoutAdmin(UnlockByDeletingAdmin):
    """Failed sign-ins per user name and address; deleting a row unlocks the account."""

    list_display = ["username", "ip_address", "failures_since_start", "attempt_time"]
    fields = ["username", "ip_address", "user_agent", "failures_since_start", "attempt_time"]
    readonly_fields = fields
    search_fields = ["username", "ip_address"]

    def unlock(self, obj, *, actor):  # type: ignore[no-untyped-def]
        from .services import lockout_clear

        # The event names the package's own record, as it always has, not this proxy.
        lockout_clear(attempt=AccessAttempt.objects.get(pk=obj.pk), actor=actor)


@admin.register(SingleSignOnLockout)
class SingleSignOnLockoutAdmin(UnlockByDeletingAdmin):
    """Council accounts whose single sign-ons failed; deleting a row unlocks single sign-on
    for that account (password lockouts are the other list)."""

    list_display = ["identity", "failures", "last_failure_at", "locked_until"]
    fields = list_display
    readonly_fields = fields
    search_fields = ["identity"]

    def unlock(self, obj, *, actor):  # type: ignore[no-untyped-def]
        from .services import sso_lockout_clear

        sso_lockout_clear(lockout=obj, actor=actor)


@admin.register(SignInEvent)
class SignInEventAdmin(RoleAdmin):
    """The sign-in log: every sign-in and refusal, with its reason, never changed. A person
    turned away by single sign-on is shown a reference: search for it here."""

    list_display = [
        "at", "method", "outcome", "reason_shown", "identity", "user", "address", "reference",
    ]  # fmt: skip
    list_filter = ["method", "outcome", "reason"]
    search_fields = ["identity", "reference", "user__username", "address"]
    date_hierarchy = "at"
    list_select_related = ["user"]
    fields = [*list_display, "detail"]
    readonly_fields = fields
    show_full_result_count = False

    # A sign-in has no reason: a dash, not the blank choice's label ("None").
    empty_value_display = "—"

    @admin.display(description="Reason", ordering="reason")
    def reason_shown(self, obj: SignInEvent) -> str:
        # The dash itself: the view page shows a None from here as the word "None".
        return obj.get_reason_display() if obj.reason else self.get_empty_value_display()

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
