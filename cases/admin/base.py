"""What every admin page of the cases app shares: role permissions and agency scope."""

from django.contrib import admin

from cases import permissions
from cases.admin.sensitive import SensitiveLookupsMixin
from cases.models import (
    Agency,
    Worker,
)


class RoleAccessMixin:
    """Model permissions from the role table of cases.permissions, not from Django groups."""

    def _may(self, request, action: str) -> bool:
        return permissions.may_access_model(request.user, self.model._meta.model_name, action)

    def has_module_permission(self, request):
        return self._may(request, "view")

    def has_view_permission(self, request, obj=None):
        return self._may(request, "view")

    def has_add_permission(self, request, obj=None):
        return self._may(request, "add")

    def has_change_permission(self, request, obj=None):
        return self._may(request, "change")

    def has_delete_permission(self, request, obj=None):
        return self._may(request, "delete")


class AgencyScopedAdmin(SensitiveLookupsMixin, RoleAccessMixin, admin.ModelAdmin):
    """Rows belong to an agency: each user sees only their agencies' rows."""

    agency_path = "agency"

    def get_queryset(self, request):
        return permissions.scope_by_agency(
            super().get_queryset(request), request.user, self.agency_path
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "agency":
            kwargs["queryset"] = _agencies_of(request.user)
        elif db_field.name == "worker":
            kwargs["queryset"] = permissions.scope_by_agency(
                Worker.objects.select_related("agency"), request.user
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _agencies_of(user):
    if permissions.is_administrator(user):
        return Agency.objects.all()
    return Agency.objects.filter(users=user)
