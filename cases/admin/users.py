"""Accounts: administrators only (cases.permissions: `cases.user`)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

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
