from django import forms
from django.contrib import admin, messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from cases.admin.base import RoleAccessMixin
from cases.exceptions import DossierError
from notifications.models import Deadline, Notification, NotificationPreference, ReminderOffset
from notifications.services.waivers import deadline_waive


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
        late = obj.status == "open" and obj.due < timezone.localdate()
        css = "breached" if late else obj.status
        waive = ""
        if obj.status in ("open", "breached"):
            url = reverse("admin:notifications_deadline_waive", args=[obj.pk])
            waive = format_html(' <a href="{}" class="waive">Lever</a>', url)
        return format_html(
            '<span class="deadline deadline-{}">{}</span>{}', css, obj.get_status_display(), waive
        )

    def get_urls(self):
        return [
            path(
                "<int:deadline_id>/waive/",
                self.admin_site.admin_view(self.waive_view),
                name="notifications_deadline_waive",
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
                return redirect("admin:notifications_deadline_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "deadline": deadline,
            "form": form,
            "title": f"Lever l'échéance : {deadline.label}",
        }
        return TemplateResponse(request, "admin/notifications/deadline/waive.html", context)


@admin.register(Notification)
class NotificationAdmin(RoleAccessMixin, admin.ModelAdmin):
    """One's own notices; `change` (own) is what lets the « mark as read » action run."""

    list_display = ["created", "level", "message", "read_at"]
    list_filter = ["level", ("read_at", admin.EmptyFieldListFilter)]
    actions = ["mark_read"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    @admin.action(description="Marquer comme lue(s)")
    def mark_read(self, request, queryset):
        updated = queryset.filter(read_at__isnull=True).update(read_at=timezone.now())
        self.message_user(request, f"{updated} notification(s) marquée(s) comme lue(s).")


@admin.register(ReminderOffset)
class ReminderOffsetAdmin(admin.ModelAdmin):
    list_display = ["label", "key", "days_before", "level", "escalate"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(RoleAccessMixin, admin.ModelAdmin):
    list_display = ["user", "email_mode"]
    fields = ["email_mode"]

    def has_add_permission(self, request):
        """One preference per user: once it exists, it is changed, not added again."""
        return super().has_add_permission(request) and not (
            NotificationPreference.objects.filter(user=request.user).exists()
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            return form
        owner = request.user

        class OwnPreferenceForm(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.instance.user = owner  # whoever adds it owns it («own» in the role table)

        return OwnPreferenceForm

    def save_model(self, request, obj, form, change):
        if not change:
            obj.user = request.user
        super().save_model(request, obj, form, change)
