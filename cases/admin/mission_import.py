"""« Importer des missions »: the agency's back-office export, previewed, then imported.

The list of this page is the import log (who imported which file, when, what it did); « add »
is the import itself, in two steps: the file and the agency's columns (kept for next time),
then the preview (django-import-export's dry run through `cases.services.mission_import`) with
« Importer » when every row is valid, or « Importer seulement les lignes valides ». The file
waits between the two steps in the library's media storage, named in the session only.
"""

import re

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from import_export.tmp_storages import MediaStorage

from cases.admin.base import RoleAccessMixin, ServiceWritesMixin, error_text
from cases.exceptions import DossierError
from cases.models import MissionImport, MissionImportMapping
from cases.services.mission_import import (
    ALL,
    COLUMNS,
    PREVIEW,
    VALID_ROWS,
    mission_import,
    mission_import_agencies,
    mission_import_mapping_of,
    mission_import_mapping_save,
)

PENDING = "pending_mission_import"
STORAGE_NAME = re.compile(r"^[0-9a-f]{32}$")
SHOWN_LINES = 500  # the preview lists the first lines' outcome; the counts cover them all
KIND_LABELS = {"new": "créée", "update": "mise à jour", "skip": "inchangée"}


class MissionImportForm(forms.Form):
    agency = forms.ModelChoiceField(label="Agence", queryset=None, empty_label=None)
    file = forms.FileField(
        label="Export du logiciel de l'agence",
        help_text="Fichier .csv (séparateur ; ou ,) ou .xlsx, noms de colonnes sur la première "
        "ligne, une mission par ligne. Rien n'est enregistré avant la confirmation.",
    )

    def __init__(self, *args, user, mapping: MissionImportMapping, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = mission_import_agencies(by=user)
        self.fields["agency"].initial = mapping.agency_id
        for attribute, label, required, _fix in COLUMNS.values():
            self.fields[attribute] = forms.CharField(
                label=f"Colonne : {label}",
                max_length=100,
                required=required,
                initial=getattr(mapping, attribute),
            )

    def mapping_data(self) -> dict:
        return {spec[0]: self.cleaned_data.get(spec[0], "") for spec in COLUMNS.values()}


@admin.register(MissionImport)
class MissionImportAdmin(ServiceWritesMixin, RoleAccessMixin, admin.ModelAdmin):
    list_display = [
        "created",
        "agency",
        "by",
        "file_name",
        "outcome",
        "rows",
        "created_count",
        "updated_count",
        "unchanged_count",
        "invalid_count",
    ]
    list_filter = ["outcome", "agency"]
    list_select_related = ["agency", "by"]
    readonly_fields = [
        *(f.name for f in MissionImport._meta.fields if f.name not in ("id", "errors")),
        "error_lines",
    ]
    date_hierarchy = "created"
    # The page's only write: `add_view` below calls it (preview, then the confirmed import);
    # the log itself is never changed nor deleted here.
    create_service = staticmethod(mission_import)

    @admin.display(description="erreurs")
    def error_lines(self, obj):
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in obj.errors)) or "—"

    def has_change_permission(self, request, obj=None):
        return False  # a log is read, never edited

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST" and request.POST.get("mode") in (ALL, VALID_ROWS):
            return self._confirm(request, request.POST["mode"])
        agencies = mission_import_agencies(by=request.user)
        chosen = agencies.filter(pk=request.POST.get("agency") or request.GET.get("agence") or 0)
        agency = chosen.first() or agencies.first()
        if agency is None:
            raise PermissionDenied
        mapping = mission_import_mapping_of(agency)
        if request.method == "POST":
            form = MissionImportForm(
                request.POST, request.FILES, user=request.user, mapping=mapping
            )
            if form.is_valid():
                return self._preview(request, form)
        else:
            form = MissionImportForm(user=request.user, mapping=mapping)
        return self._render(request, "admin/cases/missionimport/upload.html", {"form": form})

    def _preview(self, request, form):
        agency = form.cleaned_data["agency"]
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            mission_import_mapping_save(by=request.user, agency=agency, data=form.mapping_data())
            report = type(self).create_service(
                by=request.user,
                agency=agency,
                file_name=upload.name,
                content=content,
                mode=PREVIEW,
            )
        except DossierError as error:
            self.message_user(request, error_text(error), level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        if not report.file_refused:
            storage = MediaStorage()
            storage.save(content)
            request.session[PENDING] = {
                "storage": storage.name,
                "agency": agency.pk,
                "file_name": upload.name,
            }
        context = {
            "report": report,
            "agency": agency,
            "file_name": upload.name,
            "lines": [
                (line, KIND_LABELS.get(kind, kind)) for line, kind in report.lines[:SHOWN_LINES]
            ],
            "more_lines": max(0, len(report.lines) - SHOWN_LINES),
            "valid_rows": report.created + report.updated + report.unchanged,
        }
        return self._render(request, "admin/cases/missionimport/preview.html", context)

    def _confirm(self, request, mode: str):
        pending = request.session.pop(PENDING, None)
        if not pending or not STORAGE_NAME.match(pending.get("storage", "")):
            self.message_user(
                request,
                "Aucun fichier en attente : envoyez de nouveau l'export.",
                level=messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:cases_missionimport_add"))
        storage = MediaStorage(name=pending["storage"])
        agency = mission_import_agencies(by=request.user).filter(pk=pending["agency"]).first()
        try:
            content = storage.read()
        except OSError:
            content = None
        if agency is None or content is None:
            raise PermissionDenied
        try:
            report = type(self).create_service(
                by=request.user,
                agency=agency,
                file_name=pending["file_name"],
                content=content,
                mode=mode,
            )
        except DossierError as error:
            self.message_user(request, error_text(error), level=messages.ERROR)
            return HttpResponseRedirect(reverse("admin:cases_missionimport_add"))
        finally:
            storage.remove()
        if report.written:
            self.message_user(
                request,
                f"Import enregistré : {report.created} mission(s) créée(s), {report.updated} "
                f"mise(s) à jour, {report.unchanged} inchangée(s), {report.invalid} ligne(s) "
                "écartée(s).",
                level=messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                f"Rien n'a été enregistré : {report.invalid} ligne(s) en erreur. "
                "Corrigez l'export ou importez seulement les lignes valides.",
                level=messages.ERROR,
            )
        return HttpResponseRedirect(
            reverse("admin:cases_missionimport_change", args=[report.log.pk])
        )

    def _render(self, request, template: str, context: dict):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Importer des missions",
            "has_view_permission": self.has_view_permission(request),
            **context,
        }
        return TemplateResponse(request, template, context)
