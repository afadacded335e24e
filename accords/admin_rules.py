"""Admin of the rule sets and funding rates: administrators set and date the rules."""

import json

from django.contrib import admin
from django.db import transaction
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from accords.admin_access import AdministratorEditsMixin
from accords.models import FundingRate, RuleSet
from notifications.services.recheck import rule_set_changed


@admin.register(RuleSet)
class RuleSetAdmin(AdministratorEditsMixin, SimpleHistoryAdmin):
    list_display = ("dispositif", "name", "valid_from", "valid_to", "source")
    list_filter = ("dispositif",)
    search_fields = ("name", "source", "notes")
    date_hierarchy = "valid_from"
    raw_id_fields = ("accord",)
    filter_horizontal = ("articles",)
    readonly_fields = ("parameters_display", "created", "updated")
    fieldsets = (
        (None, {"fields": ("dispositif", "name", ("valid_from", "valid_to"))}),
        ("Sources", {"fields": ("source", "accord", "articles")}),
        ("Paramètres", {"fields": ("parameters", "parameters_display", "notes")}),
        ("Suivi", {"fields": ("created", "updated")}),
    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:  # the dossiers it governs are re-checked once the change is committed
            transaction.on_commit(lambda: rule_set_changed(rule_set_id=obj.pk))

    @admin.display(description="paramètres (lecture)")
    def parameters_display(self, obj: RuleSet) -> str:
        text = json.dumps(obj.parameters, ensure_ascii=False, indent=2) if obj.pk else ""
        return format_html("<pre>{}</pre>", text)


@admin.register(FundingRate)
class FundingRateAdmin(AdministratorEditsMixin, SimpleHistoryAdmin):
    list_display = (
        "dispositif",
        "programme",
        "hourly_rate",
        "extra_cost_share",
        "date_basis",
        "valid_from",
        "valid_to",
        "source",
    )
    list_filter = ("dispositif", "programme")
    search_fields = ("source",)
    readonly_fields = ("created", "updated")
