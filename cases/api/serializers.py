"""Input and output shapes of the API. Validation of types and identifiers lives here;
writes go through `cases.services`.

Every field carries a French description: the model's help text, or else its label.
"""

import datetime as dt
import functools
import re
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import get_language
from drf_spectacular.drainage import set_override
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.relations import MANY_RELATION_KWARGS
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import nir, siret

from accords.choices import AccessRoute
from accords.models import Accord, Certification, CertificationListEntry, RegisterFiche
from cases import selectors
from cases.api.bounds import BoundedListMixin
from cases.choices import (
    Dispositif,
    DocumentKind,
    DocumentStatus,
    DossierEventKind,
    DossierState,
    FundingLineKind,
    RegisterStatus,
)
from cases.exceptions import DossierError
from cases.models import (
    Agency,
    ClientCompany,
    Document,
    Dossier,
    DossierEvent,
    Mission,
    TrainingProvider,
    User,
    Worker,
)
from cases.models.workers import HEALTH_FIELDS
from cases.permissions import (
    may_see_health_data,
    may_see_nir,
)
from cases.sensitive import mask_nir
from cases.uploads import document_file_check
from cases.validators import NIR_INVALID, validate_certification_code
from cases.workflow.steps import STEP_FIELDS, STEPS

EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
# A certification code as `cases.validators.validate_certification_code` takes it.
CERTIFICATION_CODE_SCHEMA = {
    "type": "string",
    "pattern": r"^(?:RNCP[0-9]{3,6}|CLEA|CLEA_NUMERIQUE)$",
}
# The same range in the schema: a date of a year from 1900 to 2100.
DATE_PATTERN = r"^(?:19[0-9]{2}|20[0-9]{2}|2100)-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$"


def _decimal_string_pattern(
    max_digits: int, places: int, *, signed: bool, nonzero: bool, maximum=None
) -> str:
    """The decimal strings a field takes: digits without leading zeros, at most `places` after
    the point, and no more than `maximum` when it is a whole number (9999, 2000).

    `nonzero` (a field whose minimum is above 0): zero in any spelling is not offered.
    """
    whole = max_digits - places
    frac = rf"(?:\.[0-9]{{1,{places}}})?"
    if maximum is not None and maximum == int(maximum) and 1 <= maximum < 10**whole:
        top = str(int(maximum))
        size = len(top)
        upper = [rf"[1-9][0-9]{{0,{size - 2}}}{frac}"] if size > 1 else []
        for i, digit in enumerate(top):  # same length, smaller at position i
            low = 1 if i == 0 else 0
            if int(digit) > low:
                rest = rf"[0-9]{{{size - i - 1}}}" if size - i - 1 else ""
                upper.append(f"{top[:i]}[{low}-{int(digit) - 1}]{rest}{frac}")
        upper.append(rf"{top}(?:\.0{{1,{places}}})?")
    else:
        upper = [rf"[1-9][0-9]{{0,{whole - 1}}}{frac}"]
    if nonzero:  # below one, with a non-zero decimal somewhere
        below_one = "|".join(
            rf"0{{{zeros}}}[1-9][0-9]{{0,{places - 1 - zeros}}}" for zeros in range(places)
        )
        small = rf"0?\.(?:{below_one})"
    else:
        small = rf"0{frac}|\.[0-9]{{1,{places}}}"
    sign = "-?" if signed else ""
    return rf"^{sign}(?:{'|'.join(upper)}|{small})$"


class StrictDecimalField(serializers.DecimalField):
    """A decimal as its schema says: a JSON number, or a string of digits ("150.5").

    Served as a string ("150.50"), as before. DRF alone would also take " 150", "1.5e2" or
    "" (as null), which the schema did not state; its documented string pattern now said
    "-" or "" were numbers. The schema gives the bounds and the step of a number; a string
    matches the pattern exactly or is refused.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        signed = self.min_value is None or self.min_value < 0
        self.string_pattern = _decimal_string_pattern(
            self.max_digits,
            self.decimal_places,
            signed=signed,
            nonzero=self.min_value is not None and self.min_value > 0,
            maximum=self.max_value,
        )
        number = {"type": "number", "multipleOf": float(Decimal(1).scaleb(-self.decimal_places))}
        if self.min_value is not None:
            number["minimum"] = float(self.min_value)
        # Without bounds, the digits bound it (OpenAPI 3.0: exclusive bounds are flags).
        limit = float(Decimal(10) ** (self.max_digits - self.decimal_places))
        if self.max_value is not None:
            number["maximum"] = float(self.max_value)
        else:
            number |= {"maximum": limit, "exclusiveMaximum": True}
        if self.min_value is None:
            number |= {"minimum": -limit, "exclusiveMinimum": True}
        set_override(
            self,
            "field",
            {"oneOf": [number, {"type": "string", "pattern": self.string_pattern}]},
        )

    def validate_empty_values(self, data):
        if isinstance(data, str) and not data.strip():
            self.fail("invalid")
        return super().validate_empty_values(data)

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        if isinstance(data, str) and not re.fullmatch(self.string_pattern, data):
            self.fail("invalid")
        if isinstance(data, float) and abs(data - round(data, self.decimal_places)) < 1e-9:
            # A JSON number that is a multiple of the step, but for binary floating point
            # (0.30000000000000004): the value the client wrote.
            data = f"{data:.{self.decimal_places}f}"
        return super().to_internal_value(data)


class DescribedSerializerMixin:
    """Give every field a French description: its help text, or else its label.

    Every writable date also gets the 1900–2100 range: a year 1 or 9999 is a typing error
    that would otherwise reach the deadline arithmetic. Model decimals are
    `StrictDecimalField`s: they take what their schema states, nothing else.
    """

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DecimalField: StrictDecimalField,
    }

    def get_fields(self):
        fields = super().get_fields()
        model = getattr(getattr(self, "Meta", None), "model", None)
        for name, field in fields.items():
            if (
                isinstance(field, serializers.DateField)
                and not field.read_only
                and not hasattr(self, f"validate_{name}")  # those call _check_date_range
            ):
                field.validators.append(_check_date_range)
            if not field.read_only and validate_certification_code in getattr(
                field, "validators", ()
            ):
                set_override(field, "field", CERTIFICATION_CODE_SCHEMA)
            if isinstance(field, serializers.DateField) and not field.read_only:
                set_override(
                    field, "field", {"type": "string", "format": "date", "pattern": DATE_PATTERN}
                )
            if name == "id" and not field.help_text:
                field.help_text = "Identifiant."
            elif not field.help_text:
                field.help_text = str(field.label or capfirst(name.replace("_", " ")))
            # DRF drops `allow_blank` from read-only fields: keep the schema honest about "".
            if model and field.read_only and isinstance(field, serializers.ChoiceField):
                model_field = next(
                    (f for f in model._meta.get_fields() if f.name == (field.source or name)), None
                )
                field.allow_blank = bool(getattr(model_field, "blank", False))
        return fields


def _user(serializer) -> User | None:
    request = serializer.context.get("request")
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


class ScopedChoicesMixin:
    """Every writable relation offers only the records the request's user may use: the
    choices come from `cases.selectors.choices_for`, per request (the services check the
    same again, for callers that bypass a serializer)."""

    def get_fields(self):
        fields = super().get_fields()
        user = _user(self)
        if user is None:  # the schema, built without a request
            return fields
        for field in fields.values():
            relation = getattr(field, "child_relation", field)
            if field.read_only or not isinstance(relation, serializers.RelatedField):
                continue
            relation.queryset = selectors.choices_for(relation.queryset.model, user=user)
        return fields


def _check_date_range(value: dt.date | None) -> dt.date | None:
    if value is not None and value < EARLIEST_DATE:
        raise serializers.ValidationError("Cette date est trop ancienne (avant 1900).")
    if value is not None and value > LATEST_DATE:
        raise serializers.ValidationError("Cette date est trop lointaine (après 2100).")
    return value


# What the API takes: 14 digits, spaces and dots between them ignored, with a valid key. The
# schema names the format (`format: siret`, `format: nir`) rather than a pattern: the keys
# (Luhn, modulo 97) cannot be said in JSON Schema, and a pattern would only describe the shape.
SIRET_PATTERN = r"^[ .]*(?:[0-9][ .]*){14}$"
# A NIR: 15 characters with its key, Corsica's 2A/2B as department, spaces and dots ignored
# (`format: nir`: the key is checked by the API).
NIR_PATTERN = r"^[ .]*(?:[0-9][ .]*){5}(?:(?:[0-9][ .]*){2}|2[ .]*[ABab][ .]*)(?:[0-9][ .]*){8}$"


# The training provider's activity declaration number: 11 digits, or none (stated as a pattern).
NDA_NUMBER_VALIDATOR = RegexValidator(
    r"^[0-9]{11}$", "Le numéro de déclaration d'activité compte 11 chiffres."
)


class DuplicateRecord(DossierError):
    """A record that already exists under this identifier: a 409, as any conflict."""

    code = "duplicate"


@extend_schema_field({"type": "string", "format": "siret", "minLength": 1})
class SiretField(serializers.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)


@extend_schema_field({"type": "string", "format": "nir", "minLength": 1})
class NirField(serializers.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)


def _duplicate_siret_check(serializer, model, attrs, message: str):
    siret_value = attrs.get("siret")
    others = model.objects.filter(siret=siret_value)
    if serializer.instance is not None:
        others = others.exclude(pk=serializer.instance.pk)
    if siret_value and others.exists():
        raise DuplicateRecord(message, errors={"siret": [message]})


class SiretMixin:
    def validate_siret(self, value: str) -> str:
        if not re.fullmatch(SIRET_PATTERN, value):
            raise serializers.ValidationError(
                f"« {value} » n'est pas un numéro SIRET valide (14 chiffres, clé de contrôle)."
            )
        compact = siret.compact(value)
        try:
            siret.validate(compact)
        except StdnumError as exc:
            raise serializers.ValidationError(
                f"« {value} » n'est pas un numéro SIRET valide (14 chiffres, clé de contrôle)."
            ) from exc
        return compact


class AgencySerializer(DescribedSerializerMixin, serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "name", "siret", "kind", "company_name", "region", "departement"]
        read_only_fields = fields


# What the company register said (cases.services.registers): read-only, filled by the lookup.
REGISTER_FIELDS = [
    "address",
    "naf_code",
    "idcc_list",
    "establishment_closed",
    "closed_on",
    "register_status",
    "register_checked_at",
    "register_error",
    "register_differences",
]
PROVIDER_REGISTER_FIELDS = ["nda_numbers", "qualiopi"]


class RegisterLookupSerializer(DescribedSerializerMixin, serializers.Serializer):
    """The answer to « fill from SIRET »: the lookup is queued, here is where it stands."""

    id = serializers.IntegerField(help_text="Identifiant de la fiche.")
    siret = serializers.CharField(help_text="SIRET recherché.")
    register_status = serializers.ChoiceField(
        choices=RegisterStatus.choices,
        help_text="« queued » : recherche en file d'attente ; le résultat arrive sur la fiche.",
    )
    register_checked_at = serializers.DateTimeField(
        allow_null=True, help_text="Dernière vérification réussie dans le registre."
    )
    register_error = serializers.CharField(
        allow_blank=True, help_text="Dernière erreur de la recherche (vide : aucune)."
    )


class RegisterFactsFields(serializers.Serializer):
    idcc_list = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Conventions collectives (IDCC) de l'établissement, selon le registre.",
    )
    register_differences = serializers.DictField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Champ saisi → valeur du registre, quand elles diffèrent (rien n'est écrasé).",
    )


class ClientCompanySerializer(
    DescribedSerializerMixin, SiretMixin, RegisterFactsFields, serializers.ModelSerializer
):
    siret = SiretField(help_text="SIRET à 14 chiffres (clé de contrôle vérifiée).")

    class Meta:
        model = ClientCompany
        fields = ["id", "name", "siret", "city", *REGISTER_FIELDS, "created", "updated"]
        read_only_fields = [*REGISTER_FIELDS, "created", "updated"]

    def validate(self, attrs):
        _duplicate_siret_check(
            self, ClientCompany, attrs, "Une entreprise utilisatrice avec ce SIRET existe déjà."
        )
        return attrs


class TrainingProviderSerializer(
    DescribedSerializerMixin, SiretMixin, RegisterFactsFields, serializers.ModelSerializer
):
    nda_numbers = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Numéros de déclaration d'activité de l'établissement, selon le registre.",
    )

    siret = SiretField(help_text="SIRET à 14 chiffres (clé de contrôle vérifiée).")

    class Meta:
        model = TrainingProvider
        fields = [
            "id",
            "name",
            "siret",
            "nda_number",
            "city",
            *REGISTER_FIELDS,
            *PROVIDER_REGISTER_FIELDS,
            "created",
            "updated",
        ]
        read_only_fields = [
            *REGISTER_FIELDS,
            *PROVIDER_REGISTER_FIELDS,
            "created",
            "updated",
        ]
        extra_kwargs = {"nda_number": {"validators": [NDA_NUMBER_VALIDATOR]}}

    def validate(self, attrs):
        _duplicate_siret_check(
            self, TrainingProvider, attrs, "Un organisme de formation avec ce SIRET existe déjà."
        )
        return attrs


class WorkerSerializer(ScopedChoicesMixin, DescribedSerializerMixin, serializers.ModelSerializer):
    """A worker. The health fields (AT/MP, aptitude) appear only for the roles allowed."""

    nir = NirField(
        required=False,
        allow_blank=True,
        help_text="NIR (numéro de sécurité sociale, 15 caractères avec la clé ; "
        "les espaces et les points sont ignorés).",
    )
    confirm_duplicate = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="À la création : vrai pour créer le salarié bien qu'un salarié de même NIR, "
        "ou de mêmes nom, prénom et date de naissance, soit déjà enregistré (réponse 409 "
        "`duplicate_worker` sinon). Ignoré en modification.",
    )

    class Meta:
        model = Worker
        fields = [
            "id",
            "agency",
            "last_name",
            "first_name",
            "birth_date",
            "nir",
            "employment",
            "highest_level",
            "job_seeker_since",
            "rsa",
            "ass",
            "aah",
            "disability",
            "basic_skills_gap",
            "refugee",
            "no_experience_low_qualification",
            "no_work_1y",
            "etti_followed",
            "career_change",
            "former_cui",
            "mission_locale",
            "no_secondary_diploma",
            "partial_activity",
            "business_creation",
            "top_athlete",
            *HEALTH_FIELDS,
            "other_agencies_branch_hours",
            "other_agencies_hours_declared_on",
            "confirm_duplicate",
            "created",
            "updated",
        ]
        read_only_fields = ["created", "updated"]

    def get_fields(self):
        fields = super().get_fields()
        user = _user(self)
        if user is not None and not may_see_health_data(user):
            for name in HEALTH_FIELDS:
                fields.pop(name, None)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["agency"].read_only = True
        return fields

    def to_internal_value(self, data):
        """Health data sent by a role that may not see it is refused, not silently dropped."""
        user = _user(self)
        sent = set(data) & set(HEALTH_FIELDS) if hasattr(data, "keys") else set()
        if user is not None and sent and not may_see_health_data(user):
            raise exceptions.PermissionDenied(
                "Votre rôle ne permet pas de saisir des données de santé."
            )
        return super().to_internal_value(data)

    def to_representation(self, instance):
        """The NIR in full on one worker's page for the roles that need it, masked otherwise
        (and always in lists: a list is for finding someone, not for reading their number)."""
        data = super().to_representation(instance)
        user = _user(self)
        in_list = isinstance(self.parent, serializers.ListSerializer)
        if "nir" in data and (user is None or in_list or not may_see_nir(user)):
            data["nir"] = mask_nir(instance.nir)
        return data

    def validate_nir(self, value: str) -> str:
        if not value:
            return ""
        if not re.fullmatch(NIR_PATTERN, value):
            raise serializers.ValidationError(
                "Le NIR saisi n'est pas valide (15 caractères, clé de contrôle)."
            )
        compact = nir.compact(value)
        try:
            nir.validate(compact)
        except StdnumError as exc:
            raise serializers.ValidationError(NIR_INVALID) from exc
        return compact

    def validate_birth_date(self, value: dt.date) -> dt.date:
        if value > dt.date.today():
            raise serializers.ValidationError("La date de naissance est dans le futur.")
        return _check_date_range(value)

    def validate_job_seeker_since(self, value):
        return _check_date_range(value)

    def validate_at_mp_date(self, value):
        return _check_date_range(value)

    def validate(self, attrs):
        birth = attrs.get("birth_date", getattr(self.instance, "birth_date", None))
        since = attrs.get("job_seeker_since")
        if birth and since and since < birth:
            raise serializers.ValidationError(
                {"job_seeker_since": ["L'inscription précède la date de naissance."]}
            )
        return attrs


class NextDeadlineSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="Type d'échéance (akto_deposit, fund_reservation…).")
    label = serializers.CharField(help_text="Libellé de l'échéance.")
    due = serializers.DateField(help_text="Date limite.")
    safe_date = serializers.DateField(
        help_text="Jour ouvré sûr : dernier jour ouvré à la date limite ou avant."
    )
    status = serializers.CharField(help_text="open (à faire) ou breached (dépassée).")


class ChoiceLabelField(serializers.CharField):
    """The label of a choice field's value, read from a table built once per language.

    `get_FOO_display` rebuilds its choices dictionary on every call (a tenth of a list page's
    time); the labels of a `TextChoices` never change while the process runs.
    """

    def __init__(self, choices: type[models.TextChoices], **kwargs):
        self.choices_class = choices
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return _choice_labels(self.choices_class, get_language())[value]


@functools.cache
def _choice_labels(choices: type[models.TextChoices], language: str | None) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


class PrefetchedManyRelatedField(BoundedListMixin, serializers.ManyRelatedField):
    """A to-many relation read from the list `Prefetch(to_attr="prefetched_<name>")` left on
    the instance, when there is one (a page of a list), else from the database.

    Django's own prefetch cache builds a queryset per instance (a third of a list page's
    time); a `to_attr` list costs nothing to read. On input, API_MAX_LIST_ITEMS ids at most.
    """

    def get_attribute(self, instance):
        prefetched = getattr(instance, f"prefetched_{self.source}", None)
        return prefetched if prefetched is not None else super().get_attribute(instance)


class PrefetchedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    @classmethod
    def many_init(cls, *args, **kwargs):
        list_kwargs = {"child_relation": cls(*args, **kwargs)}
        list_kwargs.update((k, v) for k, v in kwargs.items() if k in MANY_RELATION_KWARGS)
        return PrefetchedManyRelatedField(**list_kwargs)


class DossierSerializer(ScopedChoicesMixin, DescribedSerializerMixin, serializers.ModelSerializer):
    """A dossier. `state` moves only through the transitions (`/transitions/{name}/`)."""

    serializer_related_field = PrefetchedPrimaryKeyRelatedField

    dispositif_label = ChoiceLabelField(
        Dispositif, source="dispositif", help_text="Libellé du dispositif."
    )
    state_label = ChoiceLabelField(
        DossierState, source="state", help_text="Libellé de l'état du dossier."
    )
    next_deadline = serializers.SerializerMethodField(
        help_text="Prochaine échéance à faire (ouverte ou dépassée), null s'il n'y en a pas."
    )

    class Meta:
        model = Dossier
        fields = [
            "id",
            "dispositif",
            "dispositif_label",
            "state",
            "state_label",
            "agency",
            "worker",
            "case_worker",
            "certification_code",
            "certification_title",
            "training_provider",
            "client_companies",
            "afest",
            "contract_start",
            "contract_end",
            "training_start",
            "training_end",
            "planned_training_hours",
            "planned_contract_hours",
            "funding_programme",
            "training_cost",
            "agency_tutor",
            "eu_tutor",
            "opinion_date",
            "funds_requested_on",
            "funds_reserved_on",
            "funds_reference",
            "reserved_amount",
            "deposit_date",
            "akto_reference",
            "akto_decision_date",
            "training_started_on",
            "training_ended_on",
            "reimbursement_requested_on",
            "claimed_hours",
            "claimed_amount",
            "cancellation_reason",
            "notes",
            "next_deadline",
            "created",
            "updated",
        ]
        # Set by the transitions, never by a plain edit.
        read_only_fields = ["state", *STEP_FIELDS, "created", "updated"]
        extra_kwargs = {
            "state": {"help_text": "État du dossier ; modifié uniquement par les étapes."},
            "planned_contract_hours": {
                "help_text": "Heures de contrat prévues. Vide : la durée légale hebdomadaire "
                "du jeu de règles en vigueur, par semaine calendaire du contrat."
            },
            "client_companies": {"required": False},
        }

    @extend_schema_field(NextDeadlineSerializer(allow_null=True))
    def get_next_deadline(self, dossier) -> dict | None:
        pending = getattr(dossier, "pending_deadlines", None)
        if pending is None:  # not prefetched (a single dossier): read it
            pending = selectors.pending_deadlines(dossier)
        if not pending:
            return None
        # The fields of NextDeadlineSerializer, built directly: a serializer per row of a page
        # costs more than the page's queries.
        deadline = pending[0]
        return {
            "kind": deadline.kind,
            "label": deadline.label,
            "due": deadline.due.isoformat(),
            "safe_date": deadline.safe_date.isoformat(),
            "status": deadline.status,
        }

    def validate_training_start(self, value):
        return _check_date_range(value)

    def validate_training_end(self, value):
        return _check_date_range(value)

    def validate_contract_start(self, value):
        return _check_date_range(value)

    def validate_contract_end(self, value):
        return _check_date_range(value)


class ObligationSerializer(serializers.Serializer):
    """A mission obligation's progress (cases.rules.obligations)."""

    kind = serializers.ChoiceField(
        choices=["mission_in_contract", "mission_after_training"],
        help_text="mission_in_contract (CIPI : missions pendant le contrat) ou "
        "mission_after_training (CDPI, CAR : missions après la formation).",
    )
    label = serializers.CharField(help_text="Libellé de l'obligation.")
    rule = serializers.CharField(help_text="La règle, avec les nombres du jeu de règles.")
    source = serializers.CharField(help_text="Texte et article qui fondent l'obligation.")
    window_start = serializers.DateField(help_text="Premier jour de la période (AAAA-MM-JJ).")
    window_end = serializers.DateField(
        help_text="Dernier jour de la période, inclus (AAAA-MM-JJ) : date de l'échéance."
    )
    hours_done = serializers.DecimalField(
        max_digits=9,
        decimal_places=2,
        help_text="Heures de missions dans la période ; une mission à cheval sur une limite "
        "compte au prorata de ses jours calendaires dans la période.",
    )
    hours_needed = serializers.DecimalField(
        max_digits=9, decimal_places=2, help_text="Heures demandées par le jeu de règles."
    )
    days_left = serializers.IntegerField(
        help_text="Jours calendaires jusqu'à la fin de la période ; 0 le dernier jour et après."
    )
    verdict = serializers.ChoiceField(
        choices=["met", "open", "unmet", "waived", "cancelled"],
        help_text="met (respectée), open (période en cours, pas encore respectée), unmet "
        "(période close sans les heures demandées), waived (levée par un responsable "
        "d'agence, avec son motif dans les échéances) ou cancelled (annulée avec le dossier).",
    )
    verdict_label = serializers.CharField(help_text="Le verdict en français.")
    prorated = serializers.BooleanField(
        help_text="Vrai si une mission à cheval sur une limite de la période est comptée au "
        "prorata."
    )
    window_basis = serializers.ChoiceField(
        choices=["contract", "actual_end", "planned_end"],
        help_text="Ce dont part la période : contract (le contrat), actual_end (la fin réelle "
        "de la formation) ou planned_end (la fin prévue, tant que la fin réelle n'est pas "
        "enregistrée : période provisoire).",
    )
    window_basis_label = serializers.CharField(
        help_text="Ce dont part la période, en français (dit si elle est provisoire)."
    )


class LedgerLineSerializer(serializers.Serializer):
    """One line of a dossier's funding ledger (lines are added, never edited)."""

    id = serializers.IntegerField(help_text="Identifiant de la ligne.")
    kind = serializers.ChoiceField(
        choices=FundingLineKind.choices,
        help_text="estimated (estimation du moteur de règles), reserved (réservation AKTO), "
        "claimed (remboursement demandé) ou paid (paiement reçu).",
    )
    kind_label = serializers.CharField(help_text="La nature de la ligne, en français.")
    on = serializers.DateField(help_text="Date du fait (AAAA-MM-JJ).")
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="Montant (€).")
    hours = serializers.DecimalField(
        max_digits=7, decimal_places=2, allow_null=True, help_text="Heures (estimation, demande)."
    )
    hourly_rate = serializers.DecimalField(
        max_digits=7, decimal_places=2, allow_null=True, help_text="Forfait horaire (€/h)."
    )
    reference = serializers.CharField(help_text="Référence AKTO (réservation, paiement).")
    source = serializers.CharField(help_text="D'où vient la ligne (taux, étape, paiement).")
    document = serializers.IntegerField(
        allow_null=True, help_text="Pièce jointe (facture de la demande de remboursement)."
    )
    recorded_by = serializers.CharField(help_text="Qui a enregistré la ligne.")


class LedgerSerializer(serializers.Serializer):
    """A dossier's funding ledger: totals, what is still due or unused, lines and findings."""

    estimated = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        allow_null=True,
        help_text="Dernière estimation enregistrée (€) ; null si aucune.",
    )
    reserved = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="Réservé (€).")
    claimed = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="Demandé (€).")
    paid = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="Payé (€).")
    still_due = serializers.DecimalField(
        max_digits=12, decimal_places=2, help_text="Reste dû : demandé moins payé (€)."
    )
    unused = serializers.DecimalField(
        max_digits=12, decimal_places=2, help_text="Non utilisé : réservé moins demandé (€)."
    )
    lines = LedgerLineSerializer(many=True, help_text="Les lignes, de la plus ancienne.")
    findings = serializers.ListField(
        child=serializers.DictField(),
        help_text="Constats : demande au-delà de la réservation, paiement au-delà de la demande.",
    )


class PaymentInputSerializer(DescribedSerializerMixin, serializers.Serializer):
    """A payment received from AKTO (a claim may be paid in several parts)."""

    amount = StrictDecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text="Montant reçu (€), au centime près.",
    )
    on = serializers.DateField(
        help_text="Date du paiement (AAAA-MM-JJ) ; ni future, ni "
        "antérieure à la demande de remboursement."
    )
    reference = serializers.CharField(
        max_length=50, help_text="Référence du paiement (avis de paiement de l'AKTO)."
    )
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=5000, help_text="Commentaire (facultatif)."
    )


class DossierDetailSerializer(DossierSerializer):
    """A dossier with what the list leaves out: its mission obligations' progress."""

    obligations = serializers.SerializerMethodField(
        help_text="Obligations de missions du dossier (CIPI, CDPI, CAR) et leur avancement ; "
        "liste vide pour les autres dispositifs."
    )

    stop_reason = serializers.SerializerMethodField(
        help_text="Pourquoi le dossier a été annulé : motif et commentaire de l'étape qui l'a "
        "arrêté (ex. « Avis FPE.TT défavorable : … ») ; vide si le dossier n'est pas annulé."
    )

    class Meta(DossierSerializer.Meta):
        fields = [*DossierSerializer.Meta.fields, "obligations", "stop_reason"]

    def get_stop_reason(self, dossier) -> str:
        return selectors.dossier_stop_reason(dossier)

    @extend_schema_field(ObligationSerializer(many=True))
    def get_obligations(self, dossier) -> list[dict]:
        return [found.as_dict() for found in selectors.dossier_obligations_settled(dossier)]


class DossierUpdateSerializer(DossierSerializer):
    """A dossier edit: the dispositif, the agency and the worker are fixed at creation."""

    class Meta(DossierSerializer.Meta):
        read_only_fields = [
            *DossierSerializer.Meta.read_only_fields,
            "dispositif",
            "agency",
            "worker",
        ]


class DossierEventSerializer(DescribedSerializerMixin, serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField(help_text="Nom de l'auteur de l'événement.")
    kind_label = ChoiceLabelField(
        DossierEventKind, source="kind", help_text="Libellé du type d'événement."
    )

    class Meta:
        model = DossierEvent
        fields = [
            "id",
            "created",
            "kind",
            "kind_label",
            "transition",
            "from_state",
            "to_state",
            "comment",
            "data",
            "actor",
            "actor_name",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "kind": {
                "help_text": "Type : "
                + ", ".join(f"{value} ({label})" for value, label in DossierEventKind.choices)
                + "."
            },
            "transition": {"help_text": "Nom de l'étape, pour un événement de type transition."},
            "data": {"help_text": "Données saisies lors de l'événement."},
            "actor": {"help_text": "Identifiant de l'auteur."},
        }

    def get_actor_name(self, event) -> str:
        return str(event.actor) if event.actor else ""


class TransitionFieldChoiceSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="Valeur à envoyer.")
    label = serializers.CharField(help_text="Libellé.")


class TransitionFieldSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="Nom du champ dans le corps de la requête.")
    label = serializers.CharField(help_text="Libellé du champ.")
    type = serializers.ChoiceField(
        choices=["date", "decimal", "string", "choice", "file"],
        help_text="Type attendu (`file` : une pièce, envoyée en multipart/form-data).",
    )
    required = serializers.BooleanField(help_text="Le champ est-il obligatoire ?")
    choices = TransitionFieldChoiceSerializer(
        many=True, help_text="Valeurs possibles (champs à choix)."
    )


class AvailableTransitionSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="Nom de l'étape, à utiliser dans l'URL.")
    label = serializers.CharField(help_text="Libellé de l'étape.")
    fields = TransitionFieldSerializer(many=True, help_text="Champs à envoyer pour l'étape.")


def _step_field_help(name: str) -> str:
    """The field's label, and the steps that ask it (cases.workflow.steps)."""
    label = capfirst(str(Dossier._meta.get_field(name).verbose_name))
    asking = ", ".join(s.name for s in STEPS.values() if name in s.asked)
    return f"{label} (étape : {asking})."


class TransitionInputSerializer(DescribedSerializerMixin, serializers.ModelSerializer):
    """The data of a step; each step uses only its own fields (see GET /transitions/).

    Its fields are those the steps declare (cases.workflow.steps), typed as the dossier's
    model fields; which are required depends on the step, whose form checks them. Its dates
    get the API's 1900–2100 range from the mixin, before any step adds a delay.
    """

    expected_state = serializers.ChoiceField(
        choices=DossierState.choices,
        required=False,
        help_text="État que vous avez vu : si le dossier a changé d'état depuis, l'étape est "
        "refusée (409) au lieu d'être appliquée à un autre état.",
    )
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=5000,
        help_text="Commentaire (obligatoire pour : "
        + ", ".join(step.name for step in STEPS.values() if step.comment_required)
        + ").",
    )

    class Meta:
        model = Dossier
        fields = ["expected_state", "comment", *STEP_FIELDS]
        extra_kwargs = {
            name: {"required": False, "help_text": _step_field_help(name)} for name in STEP_FIELDS
        }

    def form_data(self) -> dict[str, str]:
        """The validated values as the strings the transition forms parse."""
        return {
            name: value.isoformat() if isinstance(value, dt.date) else str(value)
            for name, value in self.validated_data.items()
            if name not in ("expected_state", *DocumentKind.values) and value is not None
        }

    def files(self) -> dict:
        """The documents sent with the step, by kind (multipart/form-data only)."""
        return {
            kind: self.validated_data[kind]
            for kind in DocumentKind.values
            if self.validated_data.get(kind)
        }


class TransitionUploadSerializer(TransitionInputSerializer):
    """The data of a step with the documents it asks, as multipart/form-data.

    One optional file field per document kind (`cerfa`, `programme`…): the step's form
    requires those the dossier lacks among the documents the step needs (GET /transitions/
    lists them, type `file`). Each file passes the upload checks of POST /documents/.
    """

    def get_fields(self):
        fields = super().get_fields()
        for kind, label in DocumentKind.choices:
            fields[kind] = serializers.FileField(
                required=False,
                allow_empty_file=False,
                help_text=f"{label} : fichier de la pièce (si l'étape la demande).",
            )
        return fields


class MissionSerializer(ScopedChoicesMixin, DescribedSerializerMixin, serializers.ModelSerializer):
    class Meta:
        model = Mission
        fields = [
            "id",
            "worker",
            "dossier",
            "client_company",
            "start",
            "end",
            "hours",
            "contract_number",
        ]
        # The contract number's uniqueness (per worker in the database, per agency in the
        # model) is checked by `validate` as a conflict (409), not by DRF's 400 validator.
        validators: list = []

    def validate_start(self, value):
        return _check_date_range(value)

    def validate_end(self, value):
        return _check_date_range(value)

    def validate(self, attrs):
        def current(name):
            return attrs.get(name, getattr(self.instance, name, None))

        start, end = current("start"), current("end")
        errors = {}
        if start and end and end < start:
            errors["end"] = ["La fin de la mission précède son début."]
        dossier, worker = current("dossier"), current("worker")
        if dossier and worker and dossier.worker_id != worker.pk:
            errors["dossier"] = ["Ce dossier concerne un autre salarié."]
        if errors:
            raise serializers.ValidationError(errors)
        self._contract_number_free(worker, current("contract_number"))
        return attrs

    def _contract_number_free(self, worker, number) -> None:
        """A mission contract number names one mission in the agency: taken, it is a 409."""
        if not (worker and number):
            return
        taken = Mission.objects.filter(worker__agency_id=worker.agency_id, contract_number=number)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            message = (
                f"Le n° de contrat « {number} » est déjà celui d'une autre mission de l'agence : "
                "modifiez cette mission-là, ou donnez un autre numéro."
            )
            raise DuplicateRecord(message, errors={"contract_number": [message]})


class DocumentSerializer(DescribedSerializerMixin, serializers.ModelSerializer):
    file_name = serializers.SerializerMethodField(help_text="Nom du fichier déposé, s'il y en a.")
    download_url = serializers.SerializerMethodField(
        help_text="Adresse de téléchargement (contrôle des droits à chaque appel)."
    )

    class Meta:
        model = Document
        fields = [
            "id",
            "dossier",
            "kind",
            "status",
            "received_on",
            "note",
            "file_name",
            "download_url",
            "uploaded_by",
            "created",
            "updated",
        ]
        read_only_fields = fields

    def get_file_name(self, document) -> str:
        return Path(document.file.name).name if document.file else ""

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_download_url(self, document) -> str | None:
        if not document.file:
            return None
        return reverse("api:document-download", kwargs={"pk": document.pk})


class DocumentUploadSerializer(
    ScopedChoicesMixin, DescribedSerializerMixin, serializers.ModelSerializer
):
    """Multipart upload: the file is checked for type (extension and content) and size."""

    file = serializers.FileField(
        help_text="Fichier (PDF, JPEG, PNG, DOCX, XLSX ou ODT ; 10 Mo au plus).",
    )

    class Meta:
        model = Document
        fields = ["dossier", "kind", "file", "note"]

    def validate_file(self, upload):
        try:
            document_file_check(upload)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error
        return upload


class DocumentUpdateSerializer(DescribedSerializerMixin, serializers.ModelSerializer):
    status = serializers.ChoiceField(
        choices=DocumentStatus.choices,
        required=False,
        help_text="Statut : expected, received, validated ou rejected.",
    )

    class Meta:
        model = Document
        fields = ["status", "received_on", "note"]

    def validate_received_on(self, value):
        return _check_date_range(value)


class CertificationListEntrySerializer(DescribedSerializerMixin, serializers.ModelSerializer):
    class Meta:
        model = CertificationListEntry
        fields = ["accord", "sector", "sub_sector", "job", "title_as_listed"]
        fields += ["excluded_from_extension"]
        read_only_fields = fields


class CertificationSerializer(DescribedSerializerMixin, serializers.ModelSerializer):
    entries = CertificationListEntrySerializer(
        many=True,
        read_only=True,
        help_text="Listes d'accords où figure la certification (ex. annexe Pro-A).",
    )

    class Meta:
        model = Certification
        fields = ["id", "code", "title", "level", "entries"]
        read_only_fields = fields


class RegisterFicheSerializer(DescribedSerializerMixin, serializers.ModelSerializer):
    routes = serializers.ListField(
        child=serializers.ChoiceField(choices=AccessRoute.choices),
        read_only=True,
        help_text="Voies d'accès : " + ", ".join(AccessRoute.values) + ".",
    )
    successors = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Fiches qui remplacent celle-ci (Ancienne_Nouvelle_Certification).",
    )

    class Meta:
        model = RegisterFiche
        fields = ["code", "title", "level", "active", "effect_date", "end_date", "routes"]
        fields += ["successors", "in_latest_export"]
        read_only_fields = fields


class AccordSerializer(DescribedSerializerMixin, serializers.ModelSerializer):
    class Meta:
        model = Accord
        fields = [
            "id",
            "kind",
            "title",
            "idcc",
            "brochure",
            "nor",
            "signature_date",
            "extension_order_date",
            "jorf_date",
            "in_force_from",
            "in_force_until",
            "scope",
            "status",
            "employer_signatories",
            "union_signatories",
            "source_file",
        ]
        read_only_fields = fields
