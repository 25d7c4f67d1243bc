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
