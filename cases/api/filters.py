"""Query-string filters of the list endpoints (django-filter)."""

import re

from django import forms
from django.db.models import Q
from django_filters import rest_framework as filters
from drf_spectacular.drainage import set_override

from accords.models import Certification, RegisterFiche
from cases.choices import Dispositif, DocumentKind, DocumentStatus, DossierState, Employment
from cases.models import Document, Dossier, Mission, Worker

MAX_ID = 2**63 - 1
EMPTY_MESSAGE = "Ce paramètre ne peut pas être vide : retirez-le ou donnez-lui une valeur."


class RejectEmptyMixin:
    """A query parameter given with no value is an error, not an absent filter."""

    def clean(self, value):
        if value == "":
            raise forms.ValidationError(EMPTY_MESSAGE, code="empty")
        return super().clean(value)


class StrictIntegerField(RejectEmptyMixin, forms.IntegerField):
    pass


class StrictDateField(RejectEmptyMixin, forms.DateField):
    pass


class StrictChoiceField(RejectEmptyMixin, forms.ChoiceField):
    pass


class DateFilter(filters.DateFilter):
    field_class = StrictDateField


class ChoiceFilter(filters.ChoiceFilter):
    field_class = StrictChoiceField


class IdFilter(filters.NumberFilter):
    """An identifier: a whole number (a decimal or an out-of-range number is a 400)."""

    field_class = StrictIntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
        # The schema states what the filter takes: a whole number within its bounds (without
        # this, drf-spectacular documents any number, and `?accord=0` broke the contract).
        set_override(
            self,
            "field",
            {
                "type": "integer",
                "minimum": self.extra["min_value"],
                "maximum": self.extra["max_value"],
            },
        )


class DossierFilter(filters.FilterSet):
    """Dossier filters. The « échéance avant » filter comes with the deadlines ticket."""

    dispositif = filters.MultipleChoiceFilter(
        choices=Dispositif.choices,
        help_text="Dispositif (répétable : ?dispositif=CPI&dispositif=CAR).",
    )
    state = filters.MultipleChoiceFilter(
        choices=DossierState.choices, help_text="État du dossier (répétable)."
    )
    agency = IdFilter(field_name="agency_id", help_text="Identifiant de l'agence.")
    worker = IdFilter(field_name="worker_id", help_text="Identifiant du salarié.")
    case_worker = IdFilter(
        field_name="case_worker_id", help_text="Identifiant du ou de la chargé(e) de dossiers."
    )
    contract_start_after = DateFilter(
        field_name="contract_start", lookup_expr="gte", help_text="Contrat commençant le ou après."
    )
    contract_start_before = DateFilter(
        field_name="contract_start", lookup_expr="lte", help_text="Contrat commençant le ou avant."
    )
    contract_end_after = DateFilter(
        field_name="contract_end", lookup_expr="gte", help_text="Contrat finissant le ou après."
    )
    contract_end_before = DateFilter(
        field_name="contract_end", lookup_expr="lte", help_text="Contrat finissant le ou avant."
    )
    training_start_after = DateFilter(
        field_name="training_start",
        lookup_expr="gte",
        help_text="Formation commençant le ou après.",
    )
    training_start_before = DateFilter(
        field_name="training_start",
        lookup_expr="lte",
        help_text="Formation commençant le ou avant.",
    )
    certification_code = filters.CharFilter(help_text="Code de la certification visée.")

    class Meta:
        model = Dossier
        fields = []


class WorkerFilter(filters.FilterSet):
    agency = IdFilter(field_name="agency_id", help_text="Identifiant de l'agence.")
    employment = ChoiceFilter(choices=Employment.choices, help_text="Contrat de travail.")

    class Meta:
        model = Worker
        fields = []


class MissionFilter(filters.FilterSet):
    worker = IdFilter(field_name="worker_id", help_text="Identifiant du salarié.")
    dossier = IdFilter(field_name="dossier_id", help_text="Identifiant du dossier.")
    client_company = IdFilter(
        field_name="client_company_id", help_text="Identifiant de l'entreprise utilisatrice."
    )
    start_after = DateFilter(
        field_name="start", lookup_expr="gte", help_text="Mission commençant le ou après."
    )
    start_before = DateFilter(
        field_name="start", lookup_expr="lte", help_text="Mission commençant le ou avant."
    )

    class Meta:
        model = Mission
        fields = []


class DocumentFilter(filters.FilterSet):
    dossier = IdFilter(field_name="dossier_id", help_text="Identifiant du dossier.")
    kind = ChoiceFilter(choices=DocumentKind.choices, help_text="Type de pièce.")
    status = ChoiceFilter(choices=DocumentStatus.choices, help_text="Statut de la pièce.")

    class Meta:
        model = Document
        fields = []


class StrictCharField(RejectEmptyMixin, forms.CharField):
    pass


class StrictBooleanField(forms.Field):
    """« true » or « false », nothing else (django-filter's own reads anything as « any »)."""

    VALUES = {"true": True, "false": False}

    def to_python(self, value):
        if value in (None, ""):
            if value == "":
                raise forms.ValidationError(EMPTY_MESSAGE, code="empty")
            return None
        if value not in self.VALUES:
            raise forms.ValidationError(
                f"« {value} » : true ou false est attendu.", code="invalid_boolean"
            )
        return self.VALUES[value]


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs):
        # The raw text reaches the field: django-filter's BooleanWidget turns « null » into None.
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)


class StrictCharFilter(filters.CharFilter):
    """Text, never empty (an empty value is a 400, not an absent filter), as the schema says."""

    field_class = StrictCharField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        schema = {"type": "string", "minLength": 1}
        if "max_length" in self.extra:
            schema["maxLength"] = self.extra["max_length"]
        set_override(self, "field", schema)


REGISTER_CODE = re.compile(r"^(RNCP)?\s*(\d+)$", re.IGNORECASE)


class RegisterFicheFilter(filters.FilterSet):
    q = StrictCharFilter(
        method="search",
        max_length=100,
        help_text="Code (RNCP34860, 34860 : début du numéro) ou mots de l'intitulé.",
    )
    active = StrictBooleanFilter(help_text="true : fiches actives seulement ; false : inactives.")

    class Meta:
        model = RegisterFiche
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        code = REGISTER_CODE.match(value)
        if code:
            return queryset.filter(code__startswith=f"RNCP{code[2]}")
        words = Q()
        for word in value.split():
            words &= Q(title__icontains=word)
        return queryset.filter(words | Q(code__iexact=value))


class CertificationFilter(filters.FilterSet):
    code = filters.CharFilter(help_text="Code exact (ex. RNCP34860, CLEA).")
    level = IdFilter(
        field_name="level",
        min_value=0,
        max_value=8,
        help_text="Niveau de certification (3 à 8).",
    )
    accord = IdFilter(
        field_name="entries__accord_id",
        distinct=True,
        help_text="Identifiant de l'accord dont la liste contient la certification.",
    )

    class Meta:
        model = Certification
        fields = []
