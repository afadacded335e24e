"""POST /api/v1/rules/check: the simulator. Checks a plan against the rules; writes nothing."""

import re
from decimal import Decimal

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accords.choices import dispositif_short
from cases.api.bounds import BoundedListMixin
from cases.api.schema import ErrorSerializer
from cases.api.serializers import CERTIFICATION_CODE_SCHEMA, DescribedSerializerMixin
from cases.choices import Dispositif, Employment, PublicCode
from cases.rules.deadlines import plan_deadlines
from cases.rules.engine import check_plan
from cases.rules.findings import Finding
from cases.rules.funding import estimate, rate_unknown_finding
from cases.rules.in_force import (
    certification_listing,
    rate_in_force,
    register_lookup,
    rule_set_in_force,
    rules_answer,
)
from cases.rules.plan import Plan, WorkerSituation
from cases.validators import validate_certification_code

# Schema descriptions: static text, so no figure — each finding's message prints the figures
# of the rule set in force, and names its source (tests/rules/test_params_read.py).
FINDING_CODES = {
    "public_not_eligible": "le salarié n'appartient à aucun des publics du dispositif",
    "age_out_of_range": "âge au début du contrat hors des bornes du jeu de règles (CAI : sauf "
    "publics dispensés de l'âge maximum)",
    "employment_not_eligible": "contrat de travail non éligible (Pro-A : CDII ou CDI ; CAR : CTT ou CDII)",
    "seniority_insufficient": "CDPI : heures dans la branche sous le minimum du jeu de règles, "
    "sur sa période d'ancienneté",
    "qualification_too_high": "Pro-A : certification déjà détenue d'un niveau égal ou supérieur "
    "au plafond du jeu de règles",
    "certification_not_listed": "Pro-A : ni CléA ni certification de la liste de branche",
    "certification_excluded": "Pro-A : certification exclue de l'extension (mention (1))",
    "contract_duration_out_of_range": "durée du contrat en mois hors des bornes du jeu de règles",
    "contract_hours_out_of_range": "CIPI : durée totale du contrat hors des bornes du jeu de "
    "règles",
    "contract_hours_unknown": "heures de contrat absentes et durée légale hebdomadaire absente "
    "du jeu de règles : les règles qui les lisent ne peuvent pas être vérifiées",
    "training_hours_out_of_range": "CIPI, CDPI : heures de formation hors des bornes du jeu de "
    "règles",
    "training_hours_below_minimum": "CPI, Pro-A : heures de formation sous le minimum du jeu de "
    "règles",
    "training_ratio_out_of_range": "part de la formation dans le contrat hors des bornes du jeu "
    "de règles",
    "training_duration_too_long": "CAR : formation plus longue que le maximum du jeu de règles",
    "mission_hours_below_minimum": "CIPI : heures de missions prévues dans le contrat sous le "
    "minimum du jeu de règles",
    "certification_unknown": "registre RNCP chargé : le code visé n'y figure pas "
    "(CPI : avertissement ; CAI, Pro-A : erreur)",
    "certification_inactive": "registre RNCP : fiche non enregistrée à la date de début du "
    "contrat ; le message nomme la fiche qui la remplace",
    "certification_route_closed": "registre RNCP : la certification ne s'obtient pas par la "
    "voie du contrat (professionnalisation : CPI, Pro-A ; apprentissage : CAI)",
    "rate_unknown": "aucun taux de financement publié : aucun montant calculé (avertissement)",
    "rule_set_missing": "aucun jeu de règles en vigueur à la date de début du contrat",
}
DEADLINE_KINDS = {
    "fpett_opinion": "avis favorable du FPE.TT avant la demande à l'AKTO (CAR)",
    "fund_reservation": "réservation des fonds accordée avant le début du contrat (CIPI, CDPI)",
    "akto_deposit": "dépôt à l'AKTO dans le délai du jeu de règles en vigueur, compté comme il "
    "le dit (jours calendaires ou ouvrables après le début du contrat, ou au plus tard au "
    "début de la formation)",
    "akto_decision": "décision de l'AKTO dans le délai du jeu de règles en vigueur (son silence "
    "vaut acceptation ou refus, comme il le dit), comptée ici depuis le dernier jour de "
    "dépôt ; un dossier la compte depuis son dépôt",
    "mission_obligation": "fin de la période où l'obligation de missions est appréciée "
    "(CIPI : le contrat ; CDPI, CAR : les mois du jeu de règles suivant la fin de la "
    "formation, réelle une fois enregistrée, sinon prévue)",
    "reimbursement_request": "demande de remboursement à l'AKTO après la formation, quand le "
    "jeu de règles en fixe le délai",
}


def _bullets(items: dict) -> str:
    return "\n".join(f"- `{code}` : {text}" for code, text in items.items())


DESCRIPTION = (
    "Vérifie un projet de contrat (situation du salarié, dispositif, dates, heures, "
    "certification) contre le jeu de règles en vigueur à la date de début du contrat. "
    "Rien n'est enregistré. `eligible` vaut vrai quand aucune constatation de gravité "
    "`error` ne concerne le salarié ou le projet.\n\n"
    "Codes des constatations :\n" + _bullets(FINDING_CODES) + "\n\n"
    "Codes de public :\n" + _bullets(dict(PublicCode.choices)) + "\n\n"
    "Échéances :\n" + _bullets(DEADLINE_KINDS) + "\n\n"
    "Une saisie incorrecte renvoie 400 avec un message en français par champ."
)
REQUIRED = {"required": "Ce champ est obligatoire.", "null": "Ce champ ne peut pas être vide."}
HOURS_PATTERN = r"^(?:\d{1,5}(?:\.\d{0,2})?|\.\d{1,2})$"


class StrictCharField(serializers.CharField):
    """A string, as documented: DRF alone would turn a number or a boolean into one."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field({"oneOf": [CERTIFICATION_CODE_SCHEMA, {"type": "string", "maxLength": 0}]})
class CertificationCodeField(StrictCharField):
    """A certification code, or "" (null also: the field says so)."""


class LevelField(serializers.ChoiceField):
    """An integer level, as documented: DRF alone would also take "3" or 3.0."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


@extend_schema_field(
    {
        "oneOf": [
            {"type": "number", "minimum": 0, "maximum": 99999.99, "multipleOf": 0.01},
            {"type": "string", "pattern": HOURS_PATTERN},
        ]
    }
)
class HoursField(serializers.DecimalField):
    """Hours as a JSON number or a decimal string ("150.5"), at most 2 decimals, never negative.

    A string must match the documented pattern exactly: DRF alone would also take " 150",
    "1.5e2" or "" (as null), which the schema does not promise.
    """

    def validate_empty_values(self, data):
        # DRF reads a blank string as null; the schema documents only null for that.
        if isinstance(data, str) and not data.strip():
            self.fail("invalid")
        return super().validate_empty_values(data)

    def to_internal_value(self, data):
        # A negative string goes on to min_value's message rather than "invalid".
        if isinstance(data, str) and not re.fullmatch(HOURS_PATTERN, data.removeprefix("-")):
            self.fail("invalid")
        return super().to_internal_value(data)


class BoundedListField(BoundedListMixin, serializers.ListField):
    pass


# DescribedSerializerMixin: every date between 1900 and 2100, as everywhere in the API (the
# deadlines add months and days to them: 9999-12-31 overflowed into a 500).
class WorkerInput(DescribedSerializerMixin, serializers.Serializer):
    birth_date = serializers.DateField(
        error_messages=REQUIRED,
        help_text="Date de naissance du salarié (AAAA-MM-JJ) : âge au début du contrat.",
    )
    employment = serializers.ChoiceField(
        choices=Employment.choices,
        help_text="Contrat de travail du salarié avec l'agence : CTT (contrat de travail "
        "temporaire), CDII (CDI intérimaire) ou CDI (salarié permanent).",
        error_messages={
            **REQUIRED,
            "invalid_choice": "« {input} » : contrat inconnu (CTT, CDII, CDI).",
        },
    )
    highest_level = LevelField(
        choices=[0, 3, 4, 5, 6, 7, 8],
        allow_null=True,
        required=False,
        default=None,
        help_text="Niveau de la plus haute certification détenue (3 à 8) ; null ou 0 si aucune.",
        error_messages={"invalid_choice": "« {input} » : niveau attendu de 3 à 8, ou null."},
    )
    publics = BoundedListField(
        child=serializers.ChoiceField(
            choices=PublicCode.choices,
            error_messages={"invalid_choice": "« {input} » : code de public inconnu."},
        ),
        required=False,
        default=list,
        help_text="Publics auxquels le salarié appartient (codes listés dans la description "
        "de l'opération) ; liste vide si aucun.",
    )
    branch_hours_12m = HoursField(
        max_digits=7,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
        allow_null=True,
        default=None,
        error_messages={"min_value": "Les heures ne peuvent pas être négatives."},
        help_text="Heures travaillées dans la branche du travail temporaire sur la période "
        "d'ancienneté du jeu de règles en vigueur (CDPI : au moins son minimum) ; nombre ou "
        "chaîne décimale, null vaut 0.",
    )


def _hours_field(help_text: str, required: bool = False) -> serializers.DecimalField:
    return HoursField(
        help_text=help_text,
        max_digits=7,
        decimal_places=2,
        min_value=Decimal("0"),
        required=required,
        allow_null=not required,
        default=serializers.empty if required else None,
        error_messages={**REQUIRED, "min_value": "Les heures ne peuvent pas être négatives."},
    )


class PlanInput(DescribedSerializerMixin, serializers.Serializer):
    contract_start = serializers.DateField(
        error_messages=REQUIRED,
        help_text="Début du contrat (AAAA-MM-JJ) : choisit le jeu de règles et le taux en "
        "vigueur, point de départ des échéances.",
    )
    contract_end = serializers.DateField(
        error_messages=REQUIRED,
        help_text="Fin du contrat (AAAA-MM-JJ), au plus tôt le jour du début.",
    )
    training_start = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Début de la formation (AAAA-MM-JJ) ; null si pas encore connu "
        "(à renseigner avec la fin).",
    )
    training_end = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Fin de la formation (AAAA-MM-JJ), au plus tôt le jour du début ; null si "
        "pas encore connue (à renseigner avec le début).",
    )
    training_hours = _hours_field(
        "Heures de formation prévues, en heures (nombre ou chaîne décimale, 2 décimales "
        "au plus) : base du financement estimé.",
        required=True,
    )
    contract_hours = _hours_field(
        "Durée totale du contrat en heures (CIPI : dans les bornes du jeu de règles) ; null : "
        "la durée légale hebdomadaire du jeu de règles par semaine calendaire du contrat."
    )
    mission_hours = _hours_field(
        "Heures de missions prévues dans le contrat (CIPI : au moins le minimum du jeu de "
        "règles) ; null si inconnues."
    )
    certification = CertificationCodeField(
        required=False,
        allow_null=True,
        allow_blank=True,
        default=None,
        help_text="Certification visée : « RNCP » suivi de chiffres (ex. RNCP34860), CLEA ou "
        "CLEA_NUMERIQUE ; null ou vide si aucune.",
    )

    def validate_certification(self, value: str | None) -> str | None:
        if not value:
            return None
        try:
            validate_certification_code(value)
        except Exception as exc:  # Django's ValidationError, reported in DRF's shape
            raise serializers.ValidationError(
                f"« {value} » n'est pas un code de certification valide : « RNCP » suivi de "
                "chiffres (ex. RNCP34860), CLEA ou CLEA_NUMERIQUE."
            ) from exc
        return value

    def validate(self, data: dict) -> dict:
        errors = {}
        if data["contract_end"] < data["contract_start"]:
            errors["contract_end"] = "La fin du contrat précède son début."
        start, end = data.get("training_start"), data.get("training_end")
        if (start is None) != (end is None):
            errors["training_end"] = "Renseignez à la fois le début et la fin de la formation."
        elif start and end < start:
            errors["training_end"] = "La fin de la formation précède son début."
        if errors:
            raise serializers.ValidationError(errors)
        return data


class RulesCheckInput(serializers.Serializer):
    dispositif = serializers.ChoiceField(
        choices=Dispositif.choices,
        error_messages={**REQUIRED, "invalid_choice": "« {input} » : dispositif inconnu."},
        help_text="Dispositif simulé.",
    )
    worker = WorkerInput(help_text="Situation du salarié.")
    plan = PlanInput(help_text="Projet de contrat : dates, heures et certification.")
    departement = StrictCharField(
        required=False,
        default="",
        allow_blank=True,
        max_length=3,
        help_text="Département de l'agence (jours fériés : Alsace-Moselle, outre-mer).",
    )


RulesCheckOutput = inline_serializer(
    "RulesCheckAnswer",
    {
        "eligible": serializers.BooleanField(
            help_text="Vrai quand aucune constatation de gravité « error » n'est relevée."
        ),
        "rule_set": inline_serializer(
            "RulesCheckRuleSet",
            {
                "id": serializers.IntegerField(help_text="Identifiant du jeu de règles."),
                "dispositif": serializers.CharField(
                    help_text="Code du dispositif (CPI, CAI, CIPI, CDPI, CAR, PRO_A_INTERIM, "
                    "PRO_A_PERMANENT)."
                ),
                "valid_from": serializers.DateField(
                    help_text="Premier jour d'application (AAAA-MM-JJ)."
                ),
                "valid_to": serializers.DateField(
                    allow_null=True,
                    help_text="Dernier jour d'application (AAAA-MM-JJ) ; null s'il est "
                    "toujours en vigueur.",
                ),
                "source": serializers.CharField(
                    help_text="Accord ou texte d'où viennent les règles."
                ),
            },
            allow_null=True,
            help_text="Jeu de règles appliqué, celui en vigueur au début du contrat ; null "
            "s'il n'y en a aucun (constatation rule_set_missing).",
        ),
        "findings": inline_serializer(
            "RulesCheckFinding",
            {
                "code": serializers.CharField(
                    help_text="Code stable de la constatation (liste dans la description "
                    "de l'opération)."
                ),
                "severity": serializers.ChoiceField(
                    choices=["error", "warning"],
                    help_text="« error » rend le projet inéligible, « warning » le signale "
                    "seulement.",
                ),
                "message": serializers.CharField(help_text="Message en français."),
                "source": serializers.CharField(
                    help_text="Texte et article qui fondent la constatation."
                ),
            },
            many=True,
            help_text="Constatations relevées sur le projet ; liste vide si aucune.",
        ),
        "funding": serializers.JSONField(
            help_text="Financement estimé : {hourly_rate (€/h), hours, amount (€), source} en "
            "chaînes décimales, ou {rate_unknown: true} si aucun taux n'est publié."
        ),
        "deadlines": inline_serializer(
            "RulesCheckDeadline",
            {
                "kind": serializers.CharField(
                    help_text="Type d'échéance (" + ", ".join(DEADLINE_KINDS) + ")."
                ),
                "due": serializers.DateField(
                    help_text="Date limite légale ou conventionnelle (AAAA-MM-JJ)."
                ),
                "safe_date": serializers.DateField(
                    help_text="Date sûre pour agir (AAAA-MM-JJ) : dernier jour ouvré au plus "
                    "tard à la date limite (jours fériés du département)."
                ),
                "label": serializers.CharField(help_text="Libellé de l'échéance en français."),
                "source": serializers.CharField(
                    help_text="Texte et article qui fixent l'échéance."
                ),
                "silence": serializers.CharField(
                    allow_null=True,
                    help_text="Effet du silence de l'AKTO à l'échéance : accepted (vaut "
                    "acceptation) ou refused (vaut refus) ; null si sans objet.",
                ),
            },
            many=True,
            help_text="Échéances calculées pour le projet.",
        ),
    },
)
EXAMPLE_REQUEST = {
    "dispositif": "CPI",
    "worker": {
        "birth_date": "2001-05-14",
        "employment": "CTT",
        "highest_level": 3,
        "publics": ["RSA", "JOB_SEEKER"],
        "branch_hours_12m": 200,
    },
    "plan": {
        "contract_start": "2026-03-02",
        "contract_end": "2027-03-01",
        "training_start": "2026-03-02",
        "training_end": "2027-02-15",
        "training_hours": 300,
        "contract_hours": None,
        "mission_hours": None,
        "certification": "RNCP34860",
    },
}


def build_plan(data: dict) -> Plan:
    worker, plan = data["worker"], data["plan"]
    situation = WorkerSituation(
        birth_date=worker["birth_date"],
        employment=worker["employment"],
        highest_level=worker["highest_level"] or None,
        publics=frozenset(worker["publics"]),
        branch_hours_12m=worker["branch_hours_12m"] or Decimal("0"),
    )
    return Plan(dispositif=data["dispositif"], worker=situation, **plan)


def simulate(data: dict) -> dict:
    """The simulator's answer for validated input (reads rules and rates; writes nothing)."""
    plan = build_plan(data)
    rule_set = rule_set_in_force(plan.dispositif, plan.contract_start)
    if rule_set is None:
        missing = Finding(
            code="rule_set_missing",
            severity="error",
            message=f"Aucun jeu de règles {dispositif_short(plan.dispositif)} n'est en vigueur "
            f"au {plan.contract_start:%d/%m/%Y} : corrigez contract_start ou demandez à un "
            "administrateur d'enregistrer le jeu de règles.",
            source="Référentiel des jeux de règles",
        )
        return rules_answer(None, [missing], estimate(plan.training_hours, None), [])
    params = rule_set.params
    findings = check_plan(
        plan,
        params,
        listing=certification_listing(params, plan.certification),
        register=register_lookup(params, plan.certification),
    )
    funding = estimate(plan.training_hours, rate_in_force(plan.dispositif, plan.contract_start))
    if funding.rate_unknown:
        findings.append(rate_unknown_finding(plan.dispositif))
    deadlines = plan_deadlines(plan, params, departement=data["departement"])
    return rules_answer(rule_set, findings, funding, deadlines)


class RulesCheckView(APIView):
    """Simulator: whoever reads the rule sets (every role) may check a plan; nothing is written."""

    permission_model = "accords.ruleset"
    permission_actions = {"post": "view"}

    @extend_schema(
        operation_id="rules_check",
        summary="Simuler l'éligibilité d'un projet de contrat",
        description=DESCRIPTION,
        request=RulesCheckInput,
        responses={
            200: RulesCheckOutput,
            400: OpenApiResponse(
                response=ErrorSerializer,
                description="Saisie incorrecte : un message en français par champ, champs "
                'imbriqués notés avec un point, ex. {"detail": "…", "code": "invalid", '
                '"errors": {"plan.contract_end": ["La fin du contrat précède son début."]}}.',
            ),
            # Neither role nor object lookup here: a 403 only comes from a session call
            # without its CSRF token, a 404 only from an unknown `?format=`.
            403: OpenApiResponse(
                response=ErrorSerializer,
                description="Appel par session sans jeton CSRF valide.",
            ),
            404: OpenApiResponse(
                response=ErrorSerializer,
                description="Format demandé par le paramètre `format` inconnu.",
            ),
        },
        examples=[OpenApiExample("CPI", value=EXAMPLE_REQUEST, request_only=True)],
        tags=["règles"],
    )
    def post(self, request):
        serializer = RulesCheckInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(simulate(serializer.validated_data))
