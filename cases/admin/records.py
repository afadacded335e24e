"""Admin of the records a dossier refers to: agencies, workers, missions, documents, companies."""

from django.contrib import admin

from cases import permissions
from cases.admin.base import AgencyScopedAdmin, RoleAccessMixin
from cases.admin.history import ScopedHistoryAdmin
from cases.admin.sensitive import WorkerSensitiveAdminMixin
from cases.models import (
    Agency,
    ClientCompany,
    Document,
    DocumentRequirement,
    Mission,
    TrainingProvider,
    Worker,
)
from cases.models.workers import HEALTH_FIELDS


@admin.register(Agency)
class AgencyAdmin(RoleAccessMixin, admin.ModelAdmin):
    list_display = ["name", "siret", "kind", "company_name", "region", "departement"]
    list_filter = ["kind", "company_name", "region"]
    search_fields = ["name", "siret", "company_name"]


@admin.register(ClientCompany)
class ClientCompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "siret", "city"]
    search_fields = ["name", "siret", "city"]


@admin.register(TrainingProvider)
class TrainingProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "siret", "nda_number", "city"]
    search_fields = ["name", "siret", "nda_number"]


@admin.register(DocumentRequirement)
class DocumentRequirementAdmin(admin.ModelAdmin):
    list_display = ["dispositif", "transition", "kind", "only_with_afest", "source"]
    list_filter = ["dispositif", "transition", "kind"]


@admin.register(Worker)
class WorkerAdmin(WorkerSensitiveAdminMixin, ScopedHistoryAdmin, AgencyScopedAdmin):
    list_display = ["__str__", "birth_date", "nir_masked", "employment", "agency"]
    list_filter = ["employment", ("agency", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["last_name", "first_name", "=nir"]
    list_select_related = ["agency"]

    def get_exclude(self, request, obj=None):
        """Health data stays hidden from the roles that have no need for it."""
        excluded = list(super().get_exclude(request, obj) or [])
        if not permissions.may_see_health_data(request.user):
            excluded += list(HEALTH_FIELDS)
        return excluded


@admin.register(Mission)
class MissionAdmin(ScopedHistoryAdmin, AgencyScopedAdmin):
    list_display = ["worker", "client_company", "start", "end", "hours", "dossier"]
    list_select_related = ["worker", "client_company", "dossier"]
    search_fields = ["worker__last_name", "client_company__name"]
    date_hierarchy = "start"


@admin.register(Document)
class DocumentAdmin(ScopedHistoryAdmin, AgencyScopedAdmin):
    list_display = ["dossier", "kind", "status", "received_on"]
    list_filter = ["kind", "status"]
    list_select_related = ["dossier__worker"]
