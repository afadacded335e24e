"""Admin of the rule sets and funding rates: administrators set and date the rules."""

import dataclasses
import json

from django import forms
from django.contrib import admin
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from accords.history import FrenchChanges, FrenchHistoryMixin
from accords.models import FundingRate, RuleSet
from accords.param_fields import BY_NAME
from accords.rule_set_form import (
    RuleSetEditorMixin,
    parameter_fields,
    parameter_fieldsets,
    parameters_summary,
)
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


def french_path(path: str) -> str:
    """« deposit › counting » → « Dépôt du dossier à l'AKTO › décompte du délai »."""
    parts = path.split(" › ")
    parameter = BY_NAME.get(parts[0])
    if parameter is None:
        return path
    leaves = {leaf.key: leaf.label for leaf in parameter.leaves}
    leaves["source"] = "source"
    rest = [leaves.get(part, part) for part in parts[1:]]
    return " › ".join([parameter.label, *rest])


class RuleSetChanges(FrenchChanges):
    """A change of the parameters reads as the parameters that changed, not as two long
    JSON texts cut in the middle."""

    def context_for_delta_changes(self, delta):
        others = [change for change in delta.changes if change.field != "parameters"]
        rows = super().context_for_delta_changes(dataclasses.replace(delta, changes=others))
        for change in delta.changes:
            if change.field == "parameters":
                rows += [
                    {"field": f"Paramètres › {french_path(path)}", "old": old, "new": new}
                    for path, old, new in parameter_changes(change.old, change.new)
                ]
        return rows


class RuleSetForm(RuleSetEditorMixin, forms.ModelForm):
    class Meta:
        model = RuleSet
        fields = ["dispositif", "name", "valid_from", "valid_to", "source", "accord"]
        fields += ["articles", "notes"]


@admin.register(RuleSet)
class RuleSetAdmin(SimpleHistoryAdmin):
    """Rule sets, edited parameter by parameter: each field has its French label, its unit
    and its allowed values, each parameter its source (accords.param_fields); never raw JSON."""

    list_display = ("dispositif", "name", "valid_from", "valid_to", "source")
    list_filter = ("dispositif",)
    search_fields = ("name", "source", "notes")
    date_hierarchy = "valid_from"
    raw_id_fields = ("accord",)
    filter_horizontal = ("articles",)
    readonly_fields = ("created", "updated")
    base_fieldsets = (
        (None, {"fields": ("dispositif", "name", ("valid_from", "valid_to"))}),
        ("Sources", {"fields": ("source", "accord", "articles", "notes")}),
    )

    def _parameter_fields(self, obj):
        return parameter_fields(obj.parameters if obj is not None else {})

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not self.has_change_permission(request, obj):
            parameters = [("Paramètres", {"fields": ("parameters_summary",)})]
        else:
            parameters = parameter_fieldsets(self._parameter_fields(obj))
        return [*self.base_fieldsets, *parameters, ("Suivi", {"fields": ("created", "updated")})]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and not self.has_change_permission(request, obj):
            readonly.append("parameters_summary")
        return readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None or self.has_change_permission(request, obj):
            kwargs["form"] = type("RuleSetForm", (RuleSetForm,), self._parameter_fields(obj))
        return super().get_form(request, obj, change=change, **kwargs)

    @admin.display(description="paramètres")
    def parameters_summary(self, obj: RuleSet) -> str:
        """For those who read rule sets without editing them: each parameter in French."""
        rows = parameters_summary(obj.parameters)
        return format_html(
            "<dl>{}</dl>",
            format_html_join(
                "", "<dt><strong>{}</strong></dt><dd>{}<br><em>Source : {}</em></dd>", rows
            ),
        )

    def get_historical_record_context_helper(self, request, historical_record):
        return RuleSetChanges(self.model, historical_record)

    def save_model(self, request, obj, form, change):
        rule_set_save(rule_set=obj, by=request.user, created=not change)


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
