"""The case worker's admin. Writes on dossiers go through cases.services."""

from django.contrib import admin, messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django_fsm.admin import FSMAdminMixin, FSMTransitionContext

from accords.choices import dispositif_short
from cases import permissions, services
from cases.admin.base import (
    AgencyScopedAdmin,
    LabelledInlineMixin,
    ScopedChoicesMixin,
    error_text,
    take_saved,
)
from cases.admin.changelist import (
    AgencyFilter,
    CappedCountPaginator,
    CaseWorkerFilter,
    MissionRiskFilter,
    OverdueFilter,
    ToFileFilter,
    attach_obligations,
    dossier_search,
    obligation_progress,
    with_next_deadline,
)
from cases.admin.dashboard import urgency
from cases.admin.dossier_page import dossier_overview
from cases.admin.history import ScopedHistoryAdmin
from cases.admin.ledger import PaymentAdminMixin
from cases.admin.records import DocumentForm
from cases.choices import FINAL_STATES
from cases.exceptions import DossierError
from cases.models import (
    Document,
    Dossier,
    DossierEvent,
    Mission,
)
from cases.rules.plan_preview import PLAN_FIELDS, plan_preview
from cases.workflow import transitions
from cases.workflow.akto_package import akto_package_build
from cases.workflow.steps import STEP_FIELDS, STEPS


# A dispositif's name before its dash (« CPI — contrat de… »); the two Pro-A by their public.
class MissionInline(LabelledInlineMixin, ScopedChoicesMixin, admin.TabularInline):
    model = Mission
    extra = 0
    fields = ["client_company", "start", "end", "hours"]
    verbose_name_plural = "missions du dossier"

    def get_queryset(self, request):
        # Each row is titled by its mission (company and dates): read with the rows.
        return super().get_queryset(request).select_related("client_company")


class DocumentInline(LabelledInlineMixin, ScopedChoicesMixin, admin.TabularInline):
    model = Document
    form = DocumentForm
    extra = 0
    fields = ["kind", "file", "status", "received_on", "note"]


class DossierEventInline(admin.TabularInline):
    model = DossierEvent
    extra = 0
    fields = ["created", "actor", "kind", "from_state", "to_state", "comment"]
    readonly_fields = fields
    can_delete = False
    max_num = 0  # written by the services, read here (the role table grants `view` only)
    verbose_name_plural = "historique du dossier"


@admin.register(Dossier)
class DossierAdmin(PaymentAdminMixin, FSMAdminMixin, ScopedHistoryAdmin, AgencyScopedAdmin):
    fsm_fields = ["state"]
    # The key columns only, so that a 1366 px screen shows them without scrolling sideways
    # (README « Accessibilité (RGAA) »); the agency only for who works in several. The client
    # companies are on the dossier page.
    list_display = [
        "number",
        "worker_name",
        "dispositif_short",
        "state_badge",
        "next_deadline_badge",
        "case_worker",
        "akto_reference",
        "agency",
    ]
    list_display_links = ["number", "worker_name"]
    list_filter = [
        "dispositif",
        "state",
        AgencyFilter,
        CaseWorkerFilter,
        ToFileFilter,
        OverdueFilter,
        MissionRiskFilter,
    ]
    # NIR and AKTO reference: exact match only (a partial NIR must find nobody).
    search_fields = ["worker__last_name", "worker__first_name", "=worker__nir", "=akto_reference"]
    search_help_text = "Nom ou prénom du salarié, NIR complet ou référence AKTO exacte."
    list_select_related = ["worker", "agency", "case_worker"]
    # Searched, not listed: a drop-down of every worker of an agency (50 000 at the scale of
    # bench/) took the dossier page 30 s to render. The search is scoped by WorkerAdmin.
    autocomplete_fields = ["worker", "training_provider", "client_companies"]
    list_per_page = 50

    class Media:
        # The target certification, suggested from the RNCP register by code or title.
        js = ("cases/certification_search.js",)

    show_full_result_count = False
    paginator = CappedCountPaginator
    readonly_fields = ["state", "created", "updated"]
    change_form_template = "django_fsm/fsm_admin_change_form.html"
    add_form_template = "admin/cases/dossier/add_form.html"
    inlines = [MissionInline, DocumentInline, DossierEventInline]
    create_service = staticmethod(services.dossier_create)
    update_service = staticmethod(services.dossier_update)
    delete_service = staticmethod(services.dossier_delete)
    service_id = "dossier_id"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "state",
                    "dispositif",
                    "agency",
                    "worker",
                    "case_worker",
                ]
            },
        ),
        (
            "Parcours",
            {
                "fields": [
                    ("contract_start", "contract_end"),
                    ("training_start", "training_end"),
                    ("planned_training_hours", "planned_contract_hours"),
                    ("funding_programme", "training_cost"),
                    ("certification_code", "certification_title"),
                    "training_provider",
                    "afest",
                    "client_companies",
                    ("agency_tutor", "eu_tutor"),
                ]
            },
        ),
        (
            "AKTO et financement",
            {
                "fields": [
                    "opinion_date",
                    ("funds_requested_on", "funds_reserved_on"),
                    ("funds_reference", "reserved_amount"),
                    ("deposit_date", "akto_reference"),
                    "akto_decision_date",
                    ("training_started_on", "training_ended_on"),
                    ("reimbursement_requested_on", "claimed_hours", "claimed_amount"),
                    "cancellation_reason",
                ],
                "description": "Ces informations sont saisies par les étapes du dossier.",
            },
        ),
        ("Notes", {"fields": ["notes", "created", "updated"]}),
    ]
    # Filled by the step forms, so that each step records its own data and event.
    step_fields = list(STEP_FIELDS)

    def get_fieldsets(self, request, obj=None):
        """A new dossier is a plan: the step data, state and dates come later."""
        if obj is not None:
            return super().get_fieldsets(request, obj)
        identity, plan, _akto, _notes = self.fieldsets
        fields = [name for name in identity[1]["fields"] if name != "state"]
        return [(identity[0], {"fields": fields}), plan, ("Notes", {"fields": ["notes"]})]

    def get_inlines(self, request, obj):
        """Missions, documents and history belong to a saved dossier."""
        return self.inlines if obj is not None else []

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj), *self.step_fields]
        if obj is not None:  # fixed once the dossier exists (services.DOSSIER_UPDATE_FIELDS)
            readonly += ["dispositif", "agency", "worker"]
        return readonly

    def get_queryset(self, request):
        return permissions.scope_dossiers(Dossier.objects.all(), request.user)

    def get_search_results(self, request, queryset, search_term):
        """The fields above, searched in two steps (see cases.admin.changelist.dossier_search)."""
        if not search_term:
            return queryset, False
        with_nir = permissions.may_see_nir(request.user)
        return dossier_search(queryset, search_term, with_nir=with_nir), False

    def get_changelist(self, request, **kwargs):
        changelist = super().get_changelist(request, **kwargs)

        class DossierChangeList(changelist):
            def get_queryset(self, request, exclude_parameters=None):
                queryset = super().get_queryset(request, exclude_parameters)
                return with_next_deadline(queryset)

            def get_results(self, request):
                super().get_results(request)
                if MissionRiskFilter.active(request):
                    attach_obligations(self.result_list, timezone.localdate())

        return DossierChangeList

    def get_list_display(self, request):
        """At-risk mission obligations: each one's progress beside the next deadline."""
        shown = list(super().get_list_display(request))
        if (
            not permissions.is_administrator(request.user)
            and len(permissions.agency_ids(request.user)) <= 1
        ):
            shown.remove("agency")
        if MissionRiskFilter.active(request):
            shown.insert(shown.index("next_deadline_badge") + 1, obligation_progress)
        return shown

    def has_change_permission(self, request, obj=None):
        """A closed or cancelled dossier is history: it can be read, not edited."""
        if obj is not None and obj.state in FINAL_STATES:
            return False
        return super().has_change_permission(request, obj)

    @admin.display(description="salarié", ordering="worker__last_name")
    def worker_name(self, obj):
        """The name alone: in a list of dossiers, the number tells namesakes apart."""
        return obj.worker.name

    @admin.display(description="n°", ordering="pk")
    def number(self, obj):
        return obj.pk

    @admin.display(description="dispositif", ordering="dispositif")
    def dispositif_short(self, obj):
        """The dispositif's short name (« CPI », « Pro-A CDII »); its full name on hover."""
        return format_html(
            '<abbr title="{}">{}</abbr>',
            obj.get_dispositif_display(),
            dispositif_short(obj.dispositif),
        )

    @admin.display(description="état", ordering="state")
    def state_badge(self, obj):
        return format_html(
            '<span class="state state-{}">{}</span>', obj.state, obj.get_state_display()
        )

    # Not sortable: ordering 100 000 dossiers by a computed next deadline reads every deadline
    # of the agency; the dashboard and the « en retard » filter answer that question instead.
    @admin.display(description="prochaine échéance")
    def next_deadline_badge(self, obj):
        due = getattr(obj, "next_due", None)
        if due is None:
            return "—"
        return format_html(
            '<span class="badge badge-{}" title="{} — jour ouvré sûr : {}">{}</span> '
            "<small>{}</small>",
            urgency(due, obj.next_status),
            obj.next_label,
            f"{obj.next_safe_date:%d/%m/%Y}",
            f"{due:%d/%m/%Y}",
            obj.next_label,
        )

    # The dossier page: header, findings, checklist, timeline, step buttons, AKTO package.

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "add/preview/",
                self.admin_site.admin_view(self.plan_preview_view),
                name="{}_{}_plan_preview".format(*info),
            ),
            path(
                "<path:object_id>/akto-package/",
                self.admin_site.admin_view(self.akto_package_view),
                name="{}_{}_akto_package".format(*info),
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = dict(extra_context or {})
        if obj is not None:
            extra_context["overview"] = dossier_overview(obj, request.user)
        return super().change_view(request, object_id, form_url, extra_context)

    def akto_package_view(self, request, object_id):
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404("Ce dossier n'existe pas.")
        try:
            package = akto_package_build(dossier=obj)
        except DossierError as error:
            self.message_user(request, error.message, level=messages.ERROR)
            return HttpResponseRedirect(reverse("admin:cases_dossier_change", args=[obj.pk]))
        response = HttpResponse(package.content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{package.filename}"'
        return response

    def plan_preview_view(self, request):
        """The rules' answer on the plan typed so far in the add form (HTML fragment)."""
        if request.method != "POST" or not self.has_add_permission(request):
            raise Http404("Aperçu indisponible.")
        form = self.get_form(request)(request.POST)
        form.is_valid()
        cleaned = getattr(form, "cleaned_data", {})
        missing = [name for name in PLAN_FIELDS if cleaned.get(name) in (None, "")]
        preview = None if missing else plan_preview(form.instance)
        labels = [str(Dossier._meta.get_field(name).verbose_name) for name in missing]
        return render(
            request,
            "admin/cases/dossier/plan_preview.html",
            {"preview": preview, "missing": labels},
        )

    def save_formset(self, request, form, formset, change):
        """Each inline row through its service: missions and documents of this dossier."""
        formset.save(commit=False)  # no write: fills the lists the change message reads
        writers = {Mission: self._write_mission, Document: self._write_document}
        write = writers.get(formset.model)
        if write is None:  # the history: read-only
            return
        fields = [name for name in formset.form.base_fields if name not in ("id", "DELETE")]
        for row in formset.forms:
            instance = row.instance
            if row in formset.deleted_forms:
                if instance.pk:
                    write(request, form.instance, instance, None)
            elif instance.pk is None:
                if row.has_changed():
                    data = {
                        name: row.cleaned_data[name] for name in fields if name in row.cleaned_data
                    }
                    take_saved(instance, write(request, form.instance, None, data))
            elif row.has_changed():
                data = {name: row.cleaned_data[name] for name in row.changed_data if name in fields}
                write(request, form.instance, instance, data)

    @staticmethod
    def _write_mission(request, dossier, mission, data):
        if data is None:
            return services.mission_delete(mission_id=mission.pk, by=request.user)
        if mission is None:
            data = {**data, "dossier": dossier, "worker": dossier.worker}
            return services.mission_create(by=request.user, data=data)
        return services.mission_update(mission_id=mission.pk, by=request.user, data=data)

    @staticmethod
    def _write_document(request, dossier, document, data):
        if data is None:
            return services.document_delete(document_id=document.pk, by=request.user)
        if document is None:
            return services.document_upload(dossier_id=dossier.pk, by=request.user, **data)
        return services.document_update(document_id=document.pk, by=request.user, data=data)

    # The steps: django-fsm-2's button and step URL, run through the service for everyone.

    @staticmethod
    def get_fsm_block_label(fsm_field_name: str) -> str:
        return "Étapes possibles"

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A step button posts the dossier page: hand the step over to the step view.

        Before Django's own handling, which would refuse a user without the change
        permission (an FPE.TT advisor recording the opinion) with a bare 403 and would save
        the page's form: a step only runs the step, as its roles allow.
        """
        name = request.POST.get(self.fsm_post_param) if request.method == "POST" else None
        if name and object_id:
            return self.fsm_transition_view(request, object_id, name)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def fsm_transition_view(self, request, object_id, transition_name, **kwargs):
        """The page of one step: its form, or its run when a button asks for a step with none.

        Every refusal (state, role, data, findings, a dossier that moved) comes back as a
        French message on the dossier page; only an unknown step or dossier is a 404.
        """
        step = STEPS.get(transition_name)
        if step is None:
            raise Http404("Cette étape n'existe pas.")
        dossier = self.get_object(request, object_id)
        if dossier is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        try:
            transitions.check_may_run(dossier, step.name, request.user)
        except DossierError as error:
            return self._back_to_dossier(request, dossier, error)
        clicked = self.fsm_post_param in request.POST
        if request.method == "POST" and clicked and transitions.needs_form(dossier, step.name):
            return HttpResponseRedirect(
                reverse("admin:cases_dossier_transition", args=[dossier.pk, step.name])
            )
        if request.method == "POST" and clicked:
            expected = request.POST.get("_fsm_expected_state", "")
            return self._run_step(request, dossier, step, {"expected_state": expected})
        posted = request.method == "POST"
        form = transitions.form_class(step.name)(
            data=request.POST if posted else None,
            files=request.FILES if posted else None,
            instance=dossier,
        )
        if posted and form.is_valid():
            return self._run_step(request, dossier, step, request.POST.dict(), form.documents())
        context = self.admin_site.each_context(request) | {
            "opts": self.opts,
            "original": dossier,
            "transition": FSMTransitionContext(name=step.name, label=step.label),
            "transition_form": form,
        }
        return render(request, self.fsm_transition_form_template, context)

    def _run_step(self, request, dossier, step, data: dict, files=None) -> HttpResponseRedirect:
        try:
            services.dossier_run_transition(
                dossier_id=dossier.pk, name=step.name, by=request.user, data=data, files=files
            )
        except DossierError as error:
            return self._back_to_dossier(request, dossier, error)
        self.message_user(request, f"Étape « {step.label} » effectuée.", level=messages.SUCCESS)
        return self._back_to_dossier(request, dossier)

    def _back_to_dossier(self, request, dossier, error: DossierError | None = None):
        if error is not None:
            self.message_user(request, error_text(error), level=messages.ERROR)
        return HttpResponseRedirect(reverse("admin:cases_dossier_change", args=[dossier.pk]))
