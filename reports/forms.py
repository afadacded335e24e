"""The admin reporting page's form: which report, which period, which scope."""

from django import forms
from django.core.exceptions import ValidationError

from cases.choices import Dispositif
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
    agency = forms.IntegerField(label="Agence (identifiant)", required=False)
    region = forms.CharField(label="Région", required=False)
    company = forms.CharField(label="Entreprise", required=False)
    dispositif = forms.ChoiceField(
        label="Dispositif", required=False, choices=[("", "Tous"), *Dispositif.choices]
    )

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
                query[name] = data[name]
        return query
