"""Admin of the records a dossier refers to: agencies, workers, missions, documents, companies."""

from django import forms
from django.contrib import admin, messages
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import MaxLengthValidator
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html_join

from cases import permissions, selectors, services
from cases.admin.base import (
    AgencyScopedAdmin,
    RoleAccessMixin,
    ScopedChoicesMixin,
    ServiceWritesMixin,
)
from cases.admin.history import ScopedHistoryAdmin
from cases.admin.sensitive import WorkerSensitiveAdminMixin
from cases.exceptions import DossierError
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
from cases.rules.organisation_flags import client_company_findings, provider_findings
from cases.services.workers import duplicate_message
from cases.uploads import document_file_check
from cases.validators import compact_nir

# A NIR as people type it: 15 characters and up to 6 separators (« 1 85 05 78 006 084 91 »).
NIR_TYPED_LENGTH = 30


class DocumentForm(forms.ModelForm):
    """A document's form (its own page and the dossier's inline): a new file passes the
    upload checks here, so the error shows under the field; the service checks it again."""

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if isinstance(file, UploadedFile):
            document_file_check(file)
        return file


class SharedRecordAdmin(ServiceWritesMixin, ScopedChoicesMixin, RoleAccessMixin, admin.ModelAdmin):
    """Client companies and training providers: shared by every agency. A record used by
    another agency's dossiers or missions is shown read-only to whoever may not change it
    (cases.permissions, module docstring); the service refuses the change anyway."""

    change_form_template = "admin/cases/register_change_form.html"
    register_kind = None  # cases.services.registers.KINDS
    register_fields = [
        "register_flags",
        "register_status",
        "register_checked_at",
        "register_error",
        "register_differences_shown",
        "address",
        "naf_code",
        "idcc_shown",
        "establishment_closed",
        "closed_on",
    ]

    def get_readonly_fields(self, request, obj=None):
        # The register's facts are never typed: cases.services.registers writes them.
        readonly = [*super().get_readonly_fields(request, obj), *self.register_fields]
        if obj is not None and not permissions.may_change_shared_record(
            request.user,
            self.model._meta.model_name,
            used_by_agency_ids=selectors.organisation_user_agencies(obj),
        ):
            readonly += [
                f.name for f in self.model._meta.fields if f.editable and not f.primary_key
            ]
        return readonly

    @admin.display(description="signalements du registre")
    def register_flags(self, obj):
        findings = self.flag_findings(obj)
        if not findings:
            return "Aucun"
        return format_html_join(
            "", '<p class="register-flag">{} ({})</p>', ((f.message, f.source) for f in findings)
        )

    def flag_findings(self, obj):
        return []

    @admin.display(description="écarts avec le registre (rien n'est écrasé)")
    def register_differences_shown(self, obj):
        labels = {f.name: f.verbose_name for f in self.model._meta.fields}
        if not obj.register_differences:
            return "Aucun"
        return format_html_join(
            "",
            "<p>{} : saisi « {} », registre « {} »</p>",
            (
                (labels.get(name, name), getattr(obj, name, ""), value)
                for name, value in obj.register_differences.items()
            ),
        )

    @admin.display(description="conventions collectives IDCC (registre)")
    def idcc_shown(self, obj):
        return ", ".join(obj.idcc_list) or "—"

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<int:record_id>/fill-from-siret/",
                self.admin_site.admin_view(self.fill_from_siret_view),
                name=f"{opts.app_label}_{opts.model_name}_fill_from_siret",
            ),
            *super().get_urls(),
        ]

    def fill_from_siret_view(self, request, record_id: int):
        """POST only: queue the register lookup (cases.services.registers), back to the page."""
        record = get_object_or_404(self.get_queryset(request), pk=record_id)
        opts = self.model._meta
        page = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])
        if request.method != "POST":
            return redirect(page)
        try:
            services.organisation_fill_from_siret(
                kind=self.register_kind, record_id=record.pk, by=request.user
            )
        except DossierError as error:
            self.message_user(request, error.message, level=messages.ERROR)
        else:
            self.message_user(
                request,
                "Recherche du SIRET lancée dans le registre des entreprises : rechargez la page "
                "dans quelques instants pour voir le résultat.",
                level=messages.SUCCESS,
            )
        return redirect(page)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["may_fill_from_siret"] = obj is not None and permissions.may(
            request.user, permissions.FILL, obj
        )
        if obj is not None:
            opts = self.model._meta
            context["fill_from_siret_url"] = reverse(
                f"admin:{opts.app_label}_{opts.model_name}_fill_from_siret", args=[obj.pk]
            )
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(Agency)
class AgencyAdmin(RoleAccessMixin, admin.ModelAdmin):
    list_display = ["name", "siret", "kind", "company_name", "region", "departement"]
    list_filter = ["kind", "company_name", "region"]
    search_fields = ["name", "siret", "company_name"]


@admin.register(ClientCompany)
class ClientCompanyAdmin(SharedRecordAdmin):
    register_kind = "client_company"
    list_display = ["name", "siret", "city", "establishment_closed"]
    search_fields = ["name", "siret", "city"]
    create_service = staticmethod(services.client_company_create)
    update_service = staticmethod(services.client_company_update)
    delete_service = staticmethod(services.client_company_delete)
    service_id = "client_company_id"

    def flag_findings(self, obj):
        return client_company_findings([obj])


@admin.register(TrainingProvider)
class TrainingProviderAdmin(SharedRecordAdmin):
    register_kind = "training_provider"
    register_fields = [*SharedRecordAdmin.register_fields, "nda_numbers_shown", "qualiopi"]
    list_display = ["name", "siret", "nda_number", "city", "qualiopi", "establishment_closed"]
    search_fields = ["name", "siret", "nda_number"]
    create_service = staticmethod(services.training_provider_create)
    update_service = staticmethod(services.training_provider_update)
    delete_service = staticmethod(services.training_provider_delete)
    service_id = "training_provider_id"

    def flag_findings(self, obj):
        return provider_findings(obj)

    @admin.display(description="numéros de déclaration d'activité (registre)")
    def nda_numbers_shown(self, obj):
        return ", ".join(obj.nda_numbers) or "—"


@admin.register(DocumentRequirement)
class DocumentRequirementAdmin(admin.ModelAdmin):
    list_display = ["dispositif", "transition", "kind", "only_with_afest", "source"]
    list_filter = ["dispositif", "transition", "kind"]


class WorkerForm(forms.ModelForm):
    """A worker's form: a NIR typed with spaces or dots is read compact; on creation, a
    probable duplicate (same NIR, or same name and birth date among the workers the user may
    see) is shown and must be confirmed."""

    confirm_duplicate = forms.BooleanField(
        label="Je confirme qu'il s'agit d'une autre personne",
        required=False,
        help_text="À cocher seulement si un salarié du même nom et de même date de naissance, "
        "ou de même NIR, est signalé et qu'il s'agit bien d'une autre personne.",
    )
    user = None  # set by WorkerAdmin.get_form

    def clean_nir(self):
        return compact_nir(self.cleaned_data.get("nir", ""))

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and not cleaned.get("confirm_duplicate"):
            found = list(selectors.worker_duplicates(user=self.user, data=cleaned)[:5])
            if found:
                self.add_error("confirm_duplicate", duplicate_message(found))
        return cleaned


def _worker_create(*, by, data: dict):
    data = dict(data)
    confirmed = bool(data.pop("confirm_duplicate", False))
    return services.worker_create(by=by, data=data, confirm_duplicate=confirmed)


@admin.register(Worker)
class WorkerAdmin(WorkerSensitiveAdminMixin, ScopedHistoryAdmin, AgencyScopedAdmin):
    # Namesakes read apart by their columns: birth date, the NIR's last digits, agency.
    list_display = ["worker_name", "birth_date", "nir_masked", "employment", "agency"]
    list_filter = ["employment", ("agency", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["last_name", "first_name", "=nir"]
    list_select_related = ["agency"]
    form = WorkerForm
    change_form_template = "admin/cases/worker/change_form.html"
    create_service = staticmethod(_worker_create)
    update_service = staticmethod(services.worker_update)
    delete_service = staticmethod(services.worker_delete)
    service_id = "worker_id"

    @admin.display(description="salarié", ordering="last_name")
    def worker_name(self, obj):
        return obj.name

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """The NIR field takes the number as typed (« 1 85 05 78 006 084 91 »): 15 characters
        once compact, more with spaces and dots."""
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "nir" and field is not None:
            field.max_length = NIR_TYPED_LENGTH
            field.widget.attrs["maxlength"] = str(NIR_TYPED_LENGTH)
            field.validators = [
                v for v in field.validators if not isinstance(v, MaxLengthValidator)
            ]
            field.help_text = "15 caractères ; espaces et points acceptés."
        return field

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form = type(form.__name__, (form,), {"user": request.user})
        if obj is not None:
            form.base_fields.pop("confirm_duplicate", None)
        return form

    def get_search_results(self, request, queryset, search_term):
        """Search results and the autocomplete name each worker's agency (namesakes)."""
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        return queryset.select_related("agency"), duplicates

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The worker's page lists their dossiers, those the reader may see."""
        extra_context = {
            **(extra_context or {}),
            "worker_dossiers": selectors.dossier_list(user=request.user)
            .filter(worker_id=object_id)
            .select_related("worker")
            .order_by("-contract_start", "-pk")
            if str(object_id).isdigit()
            else [],
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_readonly_fields(self, request, obj=None):
        """A worker stays in the agency that recorded them."""
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "agency"] if obj is not None else readonly

    def get_exclude(self, request, obj=None):
        """Health data stays hidden from the roles that have no need for it."""
        excluded = list(super().get_exclude(request, obj) or [])
        if not permissions.may_see_health_data(request.user):
            excluded += list(HEALTH_FIELDS)
        return excluded


@admin.register(Mission)
class MissionAdmin(ScopedHistoryAdmin, AgencyScopedAdmin):
    list_display = [
        "worker",
        "client_company",
        "start",
        "end",
        "hours",
        "dossier",
        "contract_number",
    ]
    list_select_related = ["worker", "client_company", "dossier"]
    search_fields = ["worker__last_name", "client_company__name", "=contract_number"]
    date_hierarchy = "start"
    create_service = staticmethod(services.mission_create)
    update_service = staticmethod(services.mission_update)
    delete_service = staticmethod(services.mission_delete)
    service_id = "mission_id"


@admin.register(Document)
class DocumentAdmin(ScopedHistoryAdmin, AgencyScopedAdmin):
    list_display = ["dossier", "kind", "status", "received_on"]
    list_filter = ["kind", "status"]
    list_select_related = ["dossier__worker"]
    form = DocumentForm
    fields = ["dossier", "kind", "file", "status", "received_on", "note", "uploaded_by"]
    update_service = staticmethod(services.document_update)
    delete_service = staticmethod(services.document_delete)
    service_id = "document_id"

    @staticmethod
    def create_service(*, by, data):
        data = dict(data)
        return services.document_upload(dossier_id=data.pop("dossier").pk, by=by, **data)

    def get_readonly_fields(self, request, obj=None):
        """Who uploaded is the server's to say; a document stays with its dossier."""
        readonly = [*super().get_readonly_fields(request, obj), "uploaded_by"]
        return [*readonly, "dossier"] if obj is not None else readonly
