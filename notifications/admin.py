from django.contrib import admin
from django.db.models import Q
from django.utils import timezone

from cases.permissions import is_administrator
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
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created", "level", "message", "read_at", "email_status"]
    list_filter = ["level", ("read_at", admin.EmptyFieldListFilter), EmailStatusFilter]
    actions = ["mark_read"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(recipient=request.user)

    def has_module_permission(self, request):
        return request.user.is_authenticated

    def has_view_permission(self, request, obj=None):
        return request.user.is_authenticated

    def has_change_permission(self, request, obj=None):
        return obj is None  # lets the « mark as read » action run on the list

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

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

    def has_module_permission(self, request):
        return is_administrator(request.user)

    has_view_permission = has_add_permission = has_delete_permission = (
        lambda self, request, obj=None: is_administrator(request.user)
    )
    has_change_permission = has_view_permission


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email_mode"]
    fields = ["email_mode"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if is_administrator(request.user) else queryset.filter(user=request.user)

    def has_module_permission(self, request):
        return request.user.is_authenticated

    def has_view_permission(self, request, obj=None):
        return request.user.is_authenticated

    def has_change_permission(self, request, obj=None):
        return obj is None or obj.user_id == request.user.pk or is_administrator(request.user)

    def has_add_permission(self, request):
        return not NotificationPreference.objects.filter(user=request.user).exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            obj.user = request.user
        super().save_model(request, obj, form, change)
