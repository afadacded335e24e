"""The data each step asks (deposit date, AKTO reference, decision, reason…).

One form per step, made from its declaration (cases.workflow.steps): a ModelForm on the dossier
with the step's fields, all required, an optional comment (required where the step says so),
no date in the future, and the step's date-order rules (`NotBefore`). A fact the step asks
once (`asks_once`) is asked only while the dossier lacks it. Validating it applies its fields to the
dossier the service has locked. The admin shows the same forms; the API feeds them the request
body.

A step that waits for documents (the `DocumentRequirement` rows of the dossier's dispositif
and of the step, AFEST-aware) asks for them in the same form: one file field per required
kind, named after the kind, required while the dossier lacks that kind, optional (a
replacement) once it has it. Each file passes the upload checks (`cases.uploads`); the service
attaches the files in the step's transaction.
"""

import datetime as dt

from django import forms
from django.utils import timezone

from cases.models import Dossier
from cases.uploads import document_file_check
from cases.workflow.checks import provided_kinds, requirements_for
from cases.workflow.steps import STEPS, Step

REPLACEMENT_HELP = "Déjà reçue : joignez un fichier seulement pour la remplacer."


class DocumentFileField(forms.FileField):
    """A document the step needs, checked as every upload is (size, type, content)."""

    def __init__(self, *, kind: str, **kwargs):
        self.kind = kind
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            document_file_check(upload)
        return upload


class TransitionForm(forms.ModelForm):
    """Base form: an optional comment, and the step's model fields made required."""

    step: Step
    expected_state = forms.CharField(widget=forms.HiddenInput, required=False)
    comment = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    class Meta:
        model = Dossier
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The state the user saw: the service refuses the step if the dossier moved since.
        self.fields["expected_state"].initial = self.instance.state
        for name in self.step.asks_once:
            if getattr(self.instance, name) is not None:
                del self.fields[name]  # already recorded: neither asked nor touched
        for name in self._meta.fields or []:
            if name in self.fields:
                self.fields[name].required = True
        if self.step.comment_required:
            self.fields["comment"].required = True
            self.fields["comment"].help_text = "Obligatoire pour cette étape."
        self._add_document_fields()

    def _add_document_fields(self) -> None:
        """One file field per document kind the step requires of this dossier."""
        if self.instance.pk is None:
            return
        requirements = list(requirements_for(self.instance, [self.step.name]))
        provided = provided_kinds(self.instance) if requirements else set()
        for requirement in requirements:
            if requirement.kind in self.fields:
                continue
            missing = requirement.kind not in provided
            label = requirement.get_kind_display()
            self.fields[requirement.kind] = DocumentFileField(
                kind=requirement.kind,
                label=label,
                required=missing,
                error_messages={
                    "required": f"Pièce manquante pour cette étape : {label}. Joignez le fichier."
                },
                help_text=(
                    f"Pièce requise pour cette étape (source : {requirement.source})."
                    if missing
                    else REPLACEMENT_HELP
                ),
            )

    @property
    def document_fields(self) -> list[str]:
        """The names (document kinds) of the step's file fields."""
        return [name for name, f in self.fields.items() if isinstance(f, DocumentFileField)]

    def documents(self) -> dict[str, object]:
        """The files entered, by document kind (after validation)."""
        return {
            name: self.cleaned_data[name]
            for name in self.document_fields
            if self.cleaned_data.get(name)
        }

    def clean_comment(self) -> str:
        return self.cleaned_data.get("comment", "").strip()

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        for name in self._meta.fields or []:
            value = cleaned.get(name)
            if isinstance(value, dt.date) and value > today:
                self.add_error(name, "Cette date ne peut pas être dans le futur.")
        for rule in self.step.not_before:
            value = cleaned.get(rule.field, getattr(self.instance, rule.field))
            earlier = cleaned.get(rule.earlier) or getattr(self.instance, rule.earlier)
            asked = rule.field if rule.field in self.fields else rule.earlier
            if value and earlier and value < earlier and asked in self.fields:
                self.add_error(
                    asked,
                    forms.ValidationError(
                        f"{rule.message} (%(date)s).", params={"date": f"{earlier:%d/%m/%Y}"}
                    ),
                )
        return cleaned

    def event_data(self) -> dict:
        """What the event records of the data entered (JSON-ready)."""
        data = {
            name: str(value) if value is not None else None
            for name, value in self.cleaned_data.items()
            if name not in ("comment", "expected_state", *self.document_fields)
        }
        if attached := sorted(self.documents()):
            data["documents"] = attached
        return data


def _step_form(step: Step) -> type[TransitionForm]:
    meta = type("Meta", (TransitionForm.Meta,), {"fields": list(step.asked)})
    name = "".join(part.capitalize() for part in step.name.split("_")) + "Form"
    return type(name, (TransitionForm,), {"Meta": meta, "step": step, "__module__": __name__})


# The form of each step, by step name.
STEP_FORMS: dict[str, type[TransitionForm]] = {name: _step_form(s) for name, s in STEPS.items()}
