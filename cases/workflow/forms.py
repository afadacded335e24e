"""The data each transition needs (deposit date, AKTO reference, decision, reason…).

Each form is a ModelForm on the dossier: validating it applies its fields to the dossier the
service has locked. The admin shows the same forms; the API feeds them the request body.
"""

from django import forms
from django.utils import timezone

from cases.models import Dossier


class TransitionForm(forms.ModelForm):
    """Base form: an optional comment, and the listed model fields made required."""

    comment_required = False
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
        for name in self._meta.fields or []:
            self.fields[name].required = True
        if self.comment_required:
            self.fields["comment"].required = True
            self.fields["comment"].help_text = "Obligatoire pour cette étape."

    def clean_comment(self) -> str:
        return self.cleaned_data.get("comment", "").strip()

    def not_in_future(self, name: str):
        value = self.cleaned_data.get(name)
        if value and value > timezone.localdate():
            raise forms.ValidationError("Cette date ne peut pas être dans le futur.")
        return value

    def event_data(self) -> dict:
        """What the event records of the data entered (JSON-ready)."""
        return {
            name: str(value) if value is not None else None
            for name, value in self.cleaned_data.items()
            if name not in ("comment", "expected_state")
        }


class CommentForm(TransitionForm):
    """For steps that need nothing but an optional comment."""


class GiveOpinionForm(TransitionForm):
    class Meta(TransitionForm.Meta):
        fields = ["opinion_date"]

    def clean_opinion_date(self):
        return self.not_in_future("opinion_date")


class RequestFundsForm(TransitionForm):
    class Meta(TransitionForm.Meta):
        fields = ["funds_requested_on"]

    def clean_funds_requested_on(self):
        return self.not_in_future("funds_requested_on")


class ReserveFundsForm(TransitionForm):
    class Meta(TransitionForm.Meta):
        fields = ["reserved_amount", "funds_reference", "funds_reserved_on"]

    def clean_funds_reserved_on(self):
        value = self.not_in_future("funds_reserved_on")
        requested = self.instance.funds_requested_on
        if value and requested and value < requested:
            raise forms.ValidationError(
                "La réservation ne peut pas précéder la demande (%(date)s).",
                params={"date": f"{requested:%d/%m/%Y}"},
            )
        return value


class SubmitForm(TransitionForm):
    class Meta(TransitionForm.Meta):
        fields = ["deposit_date", "akto_reference"]

    def clean_deposit_date(self):
        return self.not_in_future("deposit_date")

    def clean_akto_reference(self) -> str:
        return self.cleaned_data["akto_reference"].strip()


class DecisionForm(TransitionForm):
    class Meta(TransitionForm.Meta):
        fields = ["akto_decision_date"]

    def clean_akto_decision_date(self):
        value = self.not_in_future("akto_decision_date")
        deposit = self.instance.deposit_date
        if value and deposit and value < deposit:
            raise forms.ValidationError(
                "La décision ne peut pas précéder le dépôt (%(date)s).",
                params={"date": f"{deposit:%d/%m/%Y}"},
            )
        return value


class RefusalForm(DecisionForm):
    comment_required = True


class ReimbursementForm(TransitionForm):
    class Meta(TransitionForm.Meta):
        fields = ["reimbursement_requested_on"]

    def clean_reimbursement_requested_on(self):
        return self.not_in_future("reimbursement_requested_on")


class CancelForm(TransitionForm):
    comment_required = True

    class Meta(TransitionForm.Meta):
        fields = ["cancellation_reason"]
