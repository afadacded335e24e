"""Admin side of DOMAIN.md §5: the NIR masked for the roles that do not need it, each opening
of a worker's page that shows a full NIR or health data logged, and the log itself, read by
administrators only."""

from django.contrib import admin
from django.db.models.constants import LOOKUP_SEP

from cases import permissions
from cases.models import SensitiveDataAccess
from cases.models.workers import HEALTH_FIELDS
from cases.sensitive import mask_nir, sensitive_read_log

NIR_FIELD = "nir"


def _names(lookup: str) -> set[str]:
    return set(lookup.split(LOOKUP_SEP))


def lookup_reveals_nir(lookup: str) -> bool:
    return NIR_FIELD in _names(lookup)


def lookup_reveals_health(lookup: str) -> bool:
    return bool(_names(lookup) & set(HEALTH_FIELDS))


class SensitiveLookupsMixin:
    """No filter of a list page learns a field its reader may not read (DOMAIN.md §5).

    A filter on the NIR (`?nir__startswith=1`, `?worker__nir__startswith=18`…) would give a
    number away one digit at a time: it is refused for every role (those who may read the NIR
    search it whole, in the search box). A filter on health data (`?at_mp=1`,
    `?worker__fitness_status=unfit`) is refused to the roles that may not see it. A refused
    lookup is a 400, as Django answers any lookup it does not allow.
    """

    def lookup_allowed(self, lookup, value, request=None):
        if lookup_reveals_nir(lookup):
            return False
        if lookup_reveals_health(lookup) and not (
            request is not None and permissions.may_see_health_data(request.user)
        ):
            return False
        return super().lookup_allowed(lookup, value, request)


class WorkerSensitiveAdminMixin:
    """For the Worker admin: mask, hide from search and log, per cases.permissions."""

    WORKER_PAGE = "admin : fiche salarié"
    HISTORY_PAGE = "admin : version historique de la fiche salarié"
    WORKER_LIST = "admin : liste des salariés filtrée sur la santé"

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
        self._log_page(request, response, object_id, self.WORKER_PAGE)
        return response

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """A past version's page shows the worker's current NIR and health data (the history
        keeps no copy of them): the same mask, exclusions and log as the worker's page."""
        response = super().history_form_view(request, object_id, version_id, extra_context)
        self._log_page(request, response, object_id, self.HISTORY_PAGE)
        return response

    def changelist_view(self, request, extra_context=None):
        """A list filtered on health data tells it for every worker listed: logged."""
        response = super().changelist_view(request, extra_context)
        health_filtered = any(lookup_reveals_health(key) for key in request.GET)
        changelist = getattr(response, "context_data", {}) or {}
        changelist = changelist.get("cl")
        if health_filtered and changelist is not None:
            sensitive_read_log(
                user=request.user,
                workers=list(changelist.result_list),
                channel=SensitiveDataAccess.Channel.ADMIN,
                where=f"{self.WORKER_LIST} ({request.path})",
                nir=False,
                health=True,
            )
        return response

    def _log_page(self, request, response, object_id, where: str) -> None:
        if request.method != "GET" or response.status_code != 200:
            return
        worker = self.get_object(request, object_id)
        if worker is not None:
            sensitive_read_log(
                user=request.user,
                workers=[worker],
                channel=SensitiveDataAccess.Channel.ADMIN,
                where=f"{where} ({request.path})",
                nir=True,
                health=True,
            )


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
