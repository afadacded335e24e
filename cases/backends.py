"""The authentication backend that answers Django's permission API from the role table.

Apart from cases.permissions because Django's backends module needs the user model loaded,
which cases.permissions (imported by the models) may not wait for.
"""

from django.contrib.auth.backends import ModelBackend, UserModel
from django.db.models import Q

from cases import permissions


class RolePermissionBackend(ModelBackend):
    """Authenticates as ModelBackend does; answers permissions from PERMISSIONS, by role.

    `has_perm("app.action_model")` without an object: the role holds the action on some rows;
    with an object: on that row. Groups and per-user permissions are not read.
    """

    def get_user_permissions(self, user_obj, obj=None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj, obj=None) -> set[str]:
        return set()

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if obj is not None or not permissions.is_active_user(user_obj):
            return set()
        return {
            permissions.perm(label, action)
            for label, roles in permissions.PERMISSIONS.items()
            for action in roles.get(user_obj.role, {})
        }

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        label, action = permissions.parse_perm(perm)
        return permissions.allows(user_obj, action, label, obj)

    def has_module_perms(self, user_obj, app_label: str) -> bool:
        if not permissions.is_active_user(user_obj):
            return False
        return user_obj.is_superuser or any(
            label.partition(".")[0] == app_label and roles.get(user_obj.role)
            for label, roles in permissions.PERMISSIONS.items()
        )

    def with_perm(self, perm, is_active=True, include_superusers=True, obj=None):
        """The users whose role holds `perm` on some rows (`obj` is not looked at)."""
        label, action = permissions.parse_perm(perm)
        roles = [
            role
            for role, actions in permissions.PERMISSIONS.get(label, {}).items()
            if action in actions
        ]
        query = (
            Q(role__in=roles) | Q(is_superuser=True) if include_superusers else Q(role__in=roles)
        )
        users = UserModel._default_manager.filter(query)
        return users.filter(is_active=True) if is_active else users
