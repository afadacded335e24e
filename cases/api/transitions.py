"""Describe the transitions a user may run now, with the fields each one expects."""

from django import forms

from cases.models import Dossier
from cases.workflow import transitions


def _field_type(field: forms.Field) -> str:
    if isinstance(field, forms.FileField):
        return "file"
    if isinstance(field, forms.ChoiceField):
        return "choice"
    if isinstance(field, forms.DateField):
        return "date"
    if isinstance(field, forms.DecimalField):
        return "decimal"
    return "string"


def describe_transitions(dossier: Dossier, user) -> list[dict]:
    """Name, label and expected fields of each transition `user` may run on `dossier`."""
    described = []
    for available in transitions.available_transitions(dossier, user):
        form = transitions.form_class(available.name)(instance=dossier)
        fields = [
            {
                "name": name,
                "label": str(field.label),
                "type": _field_type(field),
                "required": field.required,
                "choices": [
                    {"value": str(value), "label": str(label)}
                    for value, label in getattr(field, "choices", [])
                    if value != ""
                ],
            }
            for name, field in form.fields.items()
        ]
        described.append({"name": available.name, "label": available.label, "fields": fields})
    return described
