"""Admin of the funding ledger: lines are added, never edited, so the ledger is its history."""

from django.contrib import admin

from cases.ledger import funding_line_add
from cases.models import FundingLine


class FundingLineInline(admin.TabularInline):
    """For the dossier admin: the ledger lines under the dossier."""

    model = FundingLine
    extra = 0
    fields = ("kind", "on", "amount", "hours", "hourly_rate", "reference", "source", "recorded_by")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FundingLine)
class FundingLineAdmin(admin.ModelAdmin):
    list_display = ("dossier", "kind", "on", "amount", "hours", "reference")
    list_filter = ("kind",)
    search_fields = ("reference", "dossier__akto_reference")
    raw_id_fields = ("dossier", "recorded_by")
    date_hierarchy = "on"

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ("recorded_by",)
        return [field.name for field in FundingLine._meta.fields]

    def save_model(self, request, obj, form, change) -> None:
        """Add through the service, like every other writer; existing lines are read-only."""
        if change:
            return
        line = funding_line_add(
            dossier=obj.dossier,
            kind=obj.kind,
            amount=obj.amount,
            on=obj.on,
            hours=obj.hours,
            hourly_rate=obj.hourly_rate,
            reference=obj.reference,
            source=obj.source,
            by=request.user,
        )
        obj.pk = line.pk
