"""The administration site: for the `admin` role only, after the second factor. It manages
people and settings; it shows no child data (ARCHITECTURE rule 1)."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse


class AssureAdminSite(admin.AdminSite):
    site_header = "Assure administration"
    site_title = "Assure administration"
    index_title = "People and settings"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(
            user.is_active
            and user.is_authenticated
            and self._administers(user)
            and user.is_verified()
        )

    @staticmethod
    def _administers(user: object) -> bool:
        from . import access  # this module loads with the app registry, before the models

        return access.can(user, "manage_users")

    @login_not_required
    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:  # type: ignore[override]
        """No second door: people sign in on Assure's own page (lockout, second factor).
        An administrator who has not given a one-time code in this session (for example
        after single sign-on) gives one now; anyone else is refused."""
        # Imported here: this module loads with the app registry, before the auth models.
        from django.contrib.auth.views import redirect_to_login

        from assure.people.selectors import user_has_confirmed_device

        next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(next_url, reverse(settings.LOGIN_URL))
        if self.has_permission(request):
            return redirect("admin:index")
        if self._administers(user):
            target = (
                "people:two_factor"
                if user_has_confirmed_device(user=user)
                else "people:two_factor_setup"
            )
            return redirect(f"{reverse(target)}?{urlencode({'next': next_url})}")
        raise PermissionDenied


class AssureAdminConfig(AdminConfig):
    default_site = "assure.core.admin_site.AssureAdminSite"


class RoleAdmin(admin.ModelAdmin):
    """Model permissions come from the `admin` role, not from Django's permission tables."""

    def _is_admin(self, request: HttpRequest) -> bool:
        return self.admin_site.has_permission(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._is_admin(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return self._is_admin(request)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return self._is_admin(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return self._is_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False
