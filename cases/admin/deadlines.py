"""Admin of the deadlines: read-only facts of the dossiers, lifted by a manager's waiver."""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from cases.admin.base import RoleAccessMixin
from cases.choices import DeadlineStatus
from cases.exceptions import DossierError
from cases.models import Deadline
from cases.waivers import deadline_waive


class WaiverForm(forms.Form):
    reason = forms.CharField(
        label="Motif",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Par exemple : dépôt tardif accordé par l'AKTO.",
    )


@admin.register(Deadline)
class DeadlineAdmin(RoleAccessMixin, admin.ModelAdmin):
    list_display = ["label", "dossier_link", "due", "safe_date", "status_badge", "escalation_level"]
    list_filter = ["status", "kind"]
    list_select_related = ["dossier__worker"]
    search_fields = ["dossier__worker__last_name", "=dossier__akto_reference"]
    date_hierarchy = "due"
    ordering = ["safe_date"]
    readonly_fields = [f.name for f in Deadline._meta.fields]
    show_full_result_count = False

    @admin.display(description="dossier")
    def dossier_link(self, obj):
        url = reverse("admin:cases_dossier_change", args=[obj.dossier_id])
        return format_html('<a href="{}">{}</a>', url, obj.dossier)

    @admin.display(description="statut", ordering="status")
    def status_badge(self, obj):
        """Each status its colour; a deadline met late stays marked late (« Respectée en
        retard »), an open one past its date shows as breached until the sweep says so."""
        late = obj.status == DeadlineStatus.OPEN and obj.due < timezone.localdate()
        css = DeadlineStatus.BREACHED if late else obj.status
        waive = ""
        if obj.status in (DeadlineStatus.OPEN, DeadlineStatus.BREACHED):
            url = reverse("admin:cases_deadline_waive", args=[obj.pk])
            waive = format_html(' <a href="{}" class="waive">Lever</a>', url)
        return format_html(
            '<span class="deadline deadline-{}">{}</span>{}', css, obj.get_status_display(), waive
        )

    def get_urls(self):
        return [
            path(
                "<int:deadline_id>/waive/",
                self.admin_site.admin_view(self.waive_view),
                name="cases_deadline_waive",
            ),
            *super().get_urls(),
        ]

    def waive_view(self, request, deadline_id: int):
        deadline = get_object_or_404(self.get_queryset(request), pk=deadline_id)
        form = WaiverForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                deadline_waive(
                    deadline_id=deadline.pk, by=request.user, reason=form.cleaned_data["reason"]
                )
            except DossierError as error:
                self.message_user(request, error.message, level=messages.ERROR)
            else:
                self.message_user(request, "Échéance levée.", level=messages.SUCCESS)
                return redirect("admin:cases_deadline_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "deadline": deadline,
            "form": form,
            "title": f"Lever l'échéance : {deadline.label}",
        }
        return TemplateResponse(request, "admin/cases/deadline/waive.html", context)
