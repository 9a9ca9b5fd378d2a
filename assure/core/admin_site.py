"""The administration site: for the `admin` role only, after the second factor. It manages
people and settings; it shows no child data (ARCHITECTURE rule 1)."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest

from assure.people.roles import Role


class AssureAdminSite(admin.AdminSite):
    site_header = "Assure administration"
    site_title = "Assure administration"
    index_title = "People and settings"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(
            user.is_active
            and user.is_authenticated
            and Role.ADMIN in user.role_slugs
            and user.is_verified()
        )


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
