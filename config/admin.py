"""The Django admin, open to ops admins only."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest

from config.roles import is_ops_admin


class CoachplaneAdminSite(admin.AdminSite):
    site_header = "Coachplane administration"
    site_title = "Coachplane admin"

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff and is_ops_admin(request.user))


class CoachplaneAdminConfig(AdminConfig):
    default_site = "config.admin.CoachplaneAdminSite"


class OpsAdminPermissions:
    """Ops admins may use the admin without per-model Django permissions (roles are groups)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_ops_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_ops_admin(request.user)

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return is_ops_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_ops_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # domain rows are retired or revoked through services, never deleted here


class ReadOnlyAdmin(OpsAdminPermissions, admin.ModelAdmin):  # type: ignore[type-arg]
    """A record ops admins look at; it changes only through the product's services."""

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
