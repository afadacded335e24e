"""Who edits the accords registry and the rules: administrators; other staff read."""

from cases.permissions import is_administrator


class AdministratorEditsMixin:
    """Only administrators add, change or delete; other staff users may only look."""

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request, *args):
        return is_administrator(request.user)

    def has_change_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff
