"""Admin of the rule sets and funding rates: administrators set and date the rules."""

import dataclasses
import json

from django.contrib import admin
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from accords.history import FrenchChanges, FrenchHistoryMixin
from accords.models import FundingRate, RuleSet
from accords.services import rule_set_save


def parameter_changes(old, new, path: str = "") -> list[tuple[str, str, str]]:
    """The leaves of two parameter trees that differ: (path, old value, new value)."""
    if isinstance(old, dict) and isinstance(new, dict):
        changes = []
        for key in sorted(old.keys() | new.keys()):
            where = f"{path} › {key}" if path else key
            changes += parameter_changes(old.get(key), new.get(key), where)
        return changes
    if old == new:
        return []
    return [(path, _as_text(old), _as_text(new))]


def _as_text(value) -> str:
    if value is None:
        return "—"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


class RuleSetChanges(FrenchChanges):
    """A change of the parameters reads as the parameters that changed, not as two long
    JSON texts cut in the middle."""

    def context_for_delta_changes(self, delta):
        others = [change for change in delta.changes if change.field != "parameters"]
        rows = super().context_for_delta_changes(dataclasses.replace(delta, changes=others))
        for change in delta.changes:
            if change.field == "parameters":
                rows += [
                    {"field": f"Paramètres › {path}", "old": old, "new": new}
                    for path, old, new in parameter_changes(change.old, change.new)
                ]
        return rows


@admin.register(RuleSet)
class RuleSetAdmin(SimpleHistoryAdmin):
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

    def get_historical_record_context_helper(self, request, historical_record):
        return RuleSetChanges(self.model, historical_record)

    def save_model(self, request, obj, form, change):
        rule_set_save(rule_set=obj, by=request.user, created=not change)

    @admin.display(description="paramètres (lecture)")
    def parameters_display(self, obj: RuleSet) -> str:
        text = json.dumps(obj.parameters, ensure_ascii=False, indent=2) if obj.pk else ""
        return format_html("<pre>{}</pre>", text)


@admin.register(FundingRate)
class FundingRateAdmin(FrenchHistoryMixin, SimpleHistoryAdmin):
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
