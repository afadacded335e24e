from django.contrib import admin
from django.db.models import Q
from django.utils import timezone

from cases.admin.base import RoleAccessMixin
from notifications.models import Notification, NotificationPreference, ReminderOffset


class EmailStatusFilter(admin.SimpleListFilter):
    """Sent, not sent, or « envoi incertain »: claimed, never confirmed (the worker died)."""

    title = "envoi par e-mail"
    parameter_name = "email"
    LOOKUPS = {
        "sent": ("envoyé", Q(emailed_at__isnull=False)),
        "uncertain": (
            "envoi incertain",
            Q(email_claimed_at__isnull=False, emailed_at__isnull=True),
        ),
        "none": ("pas d'e-mail", Q(email_claimed_at__isnull=True, emailed_at__isnull=True)),
    }

    def lookups(self, request, model_admin):
        return [(value, label) for value, (label, _) in self.LOOKUPS.items()]

    def queryset(self, request, queryset):
        if self.value() in self.LOOKUPS:
            return queryset.filter(self.LOOKUPS[self.value()][1])
        return queryset


@admin.register(Notification)
class NotificationAdmin(RoleAccessMixin, admin.ModelAdmin):
    """One's own notices; `change` (own) is what lets the « mark as read » action run."""

    list_display = ["created", "level", "message", "read_at", "email_status"]
    list_filter = ["level", ("read_at", admin.EmptyFieldListFilter), EmailStatusFilter]
    actions = ["mark_read"]
    exclude = ["kind"]
    readonly_fields = [
        "kind_label" if f.name == "kind" else f.name for f in Notification._meta.fields
    ]

    @admin.display(description="type")
    def kind_label(self, notice) -> str:
        return notice.kind_label

    @admin.display(description="e-mail")
    def email_status(self, notice) -> str:
        if notice.emailed_at:
            return f"envoyé le {timezone.localtime(notice.emailed_at):%d/%m/%Y %H:%M}"
        if notice.email_claimed_at:
            return "envoi incertain"
        return "—"

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
