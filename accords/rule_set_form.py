"""The rule-set editor: one form field per parameter (French label, unit, allowed values) and
its source, built from `accords.param_fields`; the JSON the rule set stores is rebuilt from
them and validated by `accords.params` before the service saves it."""

import datetime as dt
from decimal import Decimal

from django import forms

from accords.param_fields import (
    BOOL,
    CHOICE,
    CODES,
    DATE,
    DECIMAL,
    INT,
    PARAMETERS,
    PUBLIC_LABELS,
    TEXT_CODES,
    Leaf,
    Parameter,
)
from accords.params import ParameterError, parse_parameters

APPLIES = "on"
SOURCE = "source"
CONDITION_KEYS = ("all_of", "any_of", "age_min", "age_max")


def field_name(parameter: str, *parts: str) -> str:
    return "__".join((parameter, *parts))


def _leaf_field(leaf: Leaf) -> forms.Field:
    label = f"{leaf.label} ({leaf.unit})" if leaf.unit else leaf.label
    if leaf.kind == INT:
        return forms.IntegerField(label=label, required=False, min_value=0)
    if leaf.kind == DECIMAL:
        return forms.DecimalField(label=label, required=False, min_value=0)
    if leaf.kind == BOOL:
        return forms.BooleanField(label=label, required=False)
    if leaf.kind == DATE:
        return forms.DateField(label=label, required=False)
    if leaf.kind == CHOICE:
        return forms.ChoiceField(
            label=label, required=False, choices=[("", "—"), *leaf.choices.items()]
        )
    if leaf.kind == CODES:
        return forms.MultipleChoiceField(
            label=label,
            required=False,
            choices=list(leaf.choices.items()),
            widget=forms.CheckboxSelectMultiple,
        )
    return forms.CharField(label=label, required=False)


def _condition_fields(parameter: Parameter, index: int) -> dict[str, forms.Field]:
    title = f"{parameter.conditions_label} {index + 1}"
    publics = list(PUBLIC_LABELS.items())
    return {
        field_name(parameter.name, f"c{index}", "all_of"): forms.MultipleChoiceField(
            label=f"{title} : remplit toutes ces situations",
            required=False,
            choices=publics,
            widget=forms.SelectMultiple(attrs={"size": 6}),
        ),
        field_name(parameter.name, f"c{index}", "any_of"): forms.MultipleChoiceField(
            label=f"{title} : et au moins l'une de celles-ci",
            required=False,
            choices=publics,
            widget=forms.SelectMultiple(attrs={"size": 6}),
        ),
        field_name(parameter.name, f"c{index}", "age_min"): forms.IntegerField(
            label=f"{title} : âge minimum (ans)", required=False, min_value=0
        ),
        field_name(parameter.name, f"c{index}", "age_max"): forms.IntegerField(
            label=f"{title} : âge maximum (ans)", required=False, min_value=0
        ),
    }


def _conditions(parameter: Parameter, data: dict) -> list[dict]:
    found = data.get(parameter.conditions_key)
    return found if isinstance(found, list) else []


def _initial(leaf: Leaf, value):
    if value is None:
        return None
    if leaf.kind == DATE and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    if leaf.kind == DECIMAL:
        return Decimal(str(value))
    if leaf.kind == TEXT_CODES:
        return ", ".join(value) if isinstance(value, list) else value
    return value


def parameter_fields(parameters: dict) -> dict[str, forms.Field]:
    """The editor's fields for a rule set whose parameters are `parameters`, filled with them
    (one blank condition more for each list of publics, to add one)."""
    fields: dict[str, forms.Field] = {}
    for parameter in PARAMETERS:
        data = parameters.get(parameter.name)
        data = data if isinstance(data, dict) else {}
        fields[field_name(parameter.name, APPLIES)] = forms.BooleanField(
            label=f"{parameter.label} : s'applique à ce dispositif",
            required=False,
            initial=parameter.name in parameters,
        )
        for leaf in parameter.leaves:
            field = _leaf_field(leaf)
            field.initial = _initial(leaf, data.get(leaf.key))
            fields[field_name(parameter.name, leaf.key)] = field
        if parameter.conditions_key:
            conditions = _conditions(parameter, data)
            for index in range(len(conditions) + 1):
                current = conditions[index] if index < len(conditions) else {}
                for name, field in _condition_fields(parameter, index).items():
                    field.initial = current.get(name.rsplit("__", 1)[1])
                    fields[name] = field
        fields[field_name(parameter.name, SOURCE)] = forms.CharField(
            label=f"{parameter.label} : source (texte et article)",
            required=False,
            max_length=500,
            initial=data.get(SOURCE, ""),
            widget=forms.TextInput(attrs={"size": 90}),
        )
    return fields


def parameter_fieldsets(fields: dict[str, forms.Field]) -> list[tuple[str, dict]]:
    """One fieldset per parameter, titled with its French label."""
    return [
        (
            f"Paramètre : {parameter.label}",
            {"fields": [name for name in fields if name.split("__")[0] == parameter.name]},
        )
        for parameter in PARAMETERS
    ]


def _stored(leaf: Leaf, value):
    if value in (None, "", []):
        return None
    if leaf.kind == DECIMAL:
        return f"{value.normalize():f}"
    if leaf.kind == DATE:
        return value.isoformat()
    if leaf.kind == CODES:
        return sorted(value)
    if leaf.kind == TEXT_CODES:
        return [code.strip() for code in value.split(",") if code.strip()]
    return value


def _stored_conditions(parameter: Parameter, cleaned: dict) -> list[dict]:
    conditions = []
    index = 0
    while field_name(parameter.name, f"c{index}", "all_of") in cleaned:
        condition = {}
        for key in CONDITION_KEYS:
            value = cleaned.get(field_name(parameter.name, f"c{index}", key))
            if value not in (None, "", []):
                condition[key] = sorted(value) if isinstance(value, list) else value
        if condition:
            conditions.append(condition)
        index += 1
    return conditions


def parameters_from(cleaned: dict, previous: dict) -> dict:
    """The rule set's JSON rebuilt from the editor's values (the `extra` values, which the
    editor does not show, are kept as they were)."""
    parameters: dict = {}
    for parameter in PARAMETERS:
        if not cleaned.get(field_name(parameter.name, APPLIES)):
            continue
        data: dict = {}
        for leaf in parameter.leaves:
            value = _stored(leaf, cleaned.get(field_name(parameter.name, leaf.key)))
            if leaf.kind == BOOL:
                data[leaf.key] = bool(value)
            elif value is not None:
                data[leaf.key] = value
        if parameter.conditions_key:
            data[parameter.conditions_key] = _stored_conditions(parameter, cleaned)
        data[SOURCE] = cleaned.get(field_name(parameter.name, SOURCE), "").strip()
        parameters[parameter.name] = data
    if previous.get("extra"):
        parameters["extra"] = previous["extra"]
    return parameters


class RuleSetEditorMixin:
    """For the rule set's ModelForm: rebuild `parameters` from the fields and validate them;
    an error names the parameter by its French label, under its source field."""

    def clean(self):
        cleaned = super().clean()
        previous = self.instance.parameters or {}
        parameters = parameters_from(cleaned, previous)
        for parameter in PARAMETERS:
            applies = cleaned.get(field_name(parameter.name, APPLIES))
            if applies and not parameters[parameter.name][SOURCE]:
                self.add_error(
                    field_name(parameter.name, SOURCE),
                    f"« {parameter.label} » : indiquez la source (texte et article) de ce "
                    "paramètre.",
                )
        try:
            parse_parameters(parameters)
        except ParameterError as error:
            self.add_error(None, _french(str(error)))
        self.instance.parameters = parameters
        return cleaned


def _french(message: str) -> str:
    """« « deposit.counting » : … » → « « Dépôt du dossier à l'AKTO › décompte du délai » : … »."""
    for parameter in PARAMETERS:
        for leaf in parameter.leaves:
            message = message.replace(
                f"« {parameter.name}.{leaf.key} »", f"« {parameter.label} › {leaf.label} »"
            )
        message = message.replace(f"« {parameter.name}", f"« {parameter.label}")
    return message


def _shown(leaf: Leaf, value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if leaf.kind == BOOL:
        return "oui" if value else "non"
    if leaf.kind in (CHOICE, CODES):
        values = value if isinstance(value, list) else [value]
        return ", ".join(leaf.choices.get(v, v) for v in values)
    if leaf.kind == DATE:
        initial = _initial(leaf, value)
        return f"{initial:%d/%m/%Y}" if initial else str(value)
    if leaf.kind == TEXT_CODES:
        return ", ".join(value) if isinstance(value, list) else str(value)
    text = str(value).replace(".", ",")
    return f"{text} {leaf.unit}".strip() if leaf.unit else text


def _condition_shown(condition: dict) -> str:
    parts = [PUBLIC_LABELS.get(c, c) for c in condition.get("all_of", [])]
    if condition.get("any_of"):
        parts.append("l'un de : " + ", ".join(PUBLIC_LABELS.get(c, c) for c in condition["any_of"]))
    text = " et ".join(parts) or "tout salarié"
    low, high = condition.get("age_min"), condition.get("age_max")
    if low is not None or high is not None:
        text += f" ({low if low is not None else '…'} à {high if high is not None else '…'} ans)"
    return text


def parameters_summary(parameters: dict) -> list[tuple[str, str, str]]:
    """(label, values, source) of each parameter the rule set holds, in French."""
    rows = []
    for parameter in PARAMETERS:
        data = parameters.get(parameter.name)
        if not isinstance(data, dict):
            continue
        values = [f"{leaf.label} : {_shown(leaf, data.get(leaf.key))}" for leaf in parameter.leaves]
        if parameter.conditions_key:
            conditions = _conditions(parameter, data)
            values += [f"{parameter.conditions_label} : {_condition_shown(c)}" for c in conditions]
        rows.append((parameter.label, " ; ".join(values), data.get(SOURCE, "—")))
    return rows
