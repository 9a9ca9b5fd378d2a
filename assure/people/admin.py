from django.contrib import admin

from assure.core.admin_site import RoleAdmin

from .models import ApiToken, Service, StaffMember, Team, User, UserRole


class UserRoleInline(admin.TabularInline):
    model = UserRole
    extra = 1

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
    filter_horizontal = ["teams"]
    inlines = [UserRoleInline]


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
