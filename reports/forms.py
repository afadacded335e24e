"""The admin reporting page's form: which report, which period, which scope."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.choices import Dispositif
from cases.models import Agency
from reports import periods, scope, services


class ReportForm(forms.Form):
    kind = forms.ChoiceField(
        label="Rapport",
        choices=[
            (services.CPNE, "Suivi CPNE"),
            (services.MISSION_JEUNES, "Mission jeunes (semestre)"),
        ],
        initial=services.CPNE,
    )
    period = forms.CharField(
        label="Période",
        required=False,
        help_text="AAAA, AAAA-H1, AAAA-H2 ou AAAA-Q1 … Q4 (Mission jeunes : un semestre).",
    )
    date_from = forms.DateField(
        label="ou du", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="au",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Des mois entiers : du premier jour d'un mois au dernier jour d'un mois.",
    )
    scope = forms.ChoiceField(
        label="Périmètre", choices=list(scope.SCOPES.items()), initial=scope.ALL
    )
    agency = forms.ModelChoiceField(
        label="Agence",
        required=False,
        queryset=Agency.objects.none(),
        empty_label="— choisir une agence —",
        error_messages={
            "invalid_choice": "Cette agence n'est pas dans votre périmètre. Choisissez l'une "
            "de vos agences dans la liste."
        },
        help_text="Avec le périmètre « Une agence ».",
    )
    region = forms.CharField(label="Région", required=False)
    company = forms.CharField(label="Entreprise", required=False)
    dispositif = forms.ChoiceField(
        label="Dispositif", required=False, choices=[("", "Tous"), *Dispositif.choices]
    )

    def __init__(self, *args, user=None, **kwargs):
        """The period defaults to the last whole half-year (what both reports accept); the
        agency is chosen by name among those the reader may report on."""
        super().__init__(*args, **kwargs)
        self.fields["period"].initial = default_period_code()
        if user is not None:
            self.fields["agency"].queryset = scope.agency_choices(user)

    def clean(self):
        data = super().clean()
        try:
            if data.get("kind") == services.MISSION_JEUNES:
                data["report_period"] = periods.parse_half(data.get("period") or "")
            elif data.get("period"):
                data["report_period"] = periods.parse_code(data["period"])
            elif data.get("date_from") and data.get("date_to"):
                data["report_period"] = periods.parse_range(
                    data["date_from"].isoformat(), data["date_to"].isoformat()
                )
            else:
                raise ValidationError("Précisez la période (code) ou les deux dates.")
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None
        return data

    def api_query(self) -> dict:
        """The same request for the API's download links."""
        data = self.cleaned_data
        query = {"scope": data["scope"]}
        period = data["report_period"]
        if data["kind"] == services.MISSION_JEUNES:
            query["half"] = period.code
        else:
            query.update({"from": period.start.isoformat(), "to": period.end.isoformat()})
            if data.get("dispositif"):
                query["dispositif"] = data["dispositif"]
        for name in ("agency", "region", "company"):
            if data.get(name):
                query[name] = data[name].pk if name == "agency" else data[name]
        return query


def default_period_code(today=None) -> str:
    """The last whole half-year before today (« 2026-H1 » in November 2026)."""
    return periods.previous_half(today or timezone.localdate()).code
