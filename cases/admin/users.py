"""Accounts: administrators only."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from cases import permissions
from cases.admin.accounts import revoke_api_tokens, unlock_logins
from cases.models import (
    User,
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        ("Rôle et agences", {"fields": ["role", "agencies"]}),
    ]
    list_display = ["username", "first_name", "last_name", "role", "is_active"]
    list_filter = ["role", "is_active"]
    filter_horizontal = ["agencies", "groups", "user_permissions"]
    actions = [revoke_api_tokens, unlock_logins]

    def _may(self, request):
        return permissions.is_administrator(request.user)

    def has_module_permission(self, request):
        return self._may(request)

    def has_view_permission(self, request, obj=None):
        return self._may(request)

    def has_add_permission(self, request):
        return self._may(request)

    def has_change_permission(self, request, obj=None):
        return self._may(request)

    def has_delete_permission(self, request, obj=None):
        return self._may(request)
