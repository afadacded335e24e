"""Admin side of DOMAIN.md §5: the NIR masked for the roles that do not need it, each opening
of a worker's page that shows a full NIR or health data logged, and the log itself, read by
administrators only."""

from django.contrib import admin

from cases import permissions
from cases.models import SensitiveDataAccess
from cases.sensitive import mask_nir, sensitive_read_log


class WorkerSensitiveAdminMixin:
    """For the Worker admin: mask, hide from search and log, per cases.permissions."""

    WORKER_PAGE = "admin : fiche salarié"

    @admin.display(description="NIR")
    def nir_masked(self, obj):
        return mask_nir(obj.nir) or "—"

    def get_exclude(self, request, obj=None):
        excluded = list(super().get_exclude(request, obj) or [])
        if not permissions.may_see_nir(request.user):
            excluded.append("nir")
        return excluded

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and not permissions.may_see_nir(request.user):
            readonly.append("nir_masked")
        return readonly

    def get_search_fields(self, request):
        """A search by NIR would confirm a number to someone who may not read it."""
        fields = list(super().get_search_fields(request))
        if not permissions.may_see_nir(request.user):
            fields = [f for f in fields if f.lstrip("=^@") != "nir"]
        return fields

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            worker = self.get_object(request, object_id)
            if worker is not None:
                sensitive_read_log(
                    user=request.user,
                    workers=[worker],
                    channel=SensitiveDataAccess.Channel.ADMIN,
                    where=f"{self.WORKER_PAGE} ({request.path})",
                    nir=True,
                    health=True,
                )
        return response


@admin.register(SensitiveDataAccess)
class SensitiveDataAccessAdmin(admin.ModelAdmin):
    """Read-only, for administrators (cases.permissions): who opened which worker's NIR or
    health data."""

    list_display = ["at", "username", "worker", "nir", "health", "channel", "where"]
    list_filter = ["channel", "nir", "health", "at"]
    search_fields = ["username", "where"]
    list_select_related = ["worker"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in SensitiveDataAccess._meta.fields]

    # An audit trail: nobody writes it here, superusers included (who may read it is the role
    # table's `cases.view_sensitivedataaccess`).
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
