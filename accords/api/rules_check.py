"""POST /api/v1/rules/check: the simulator. Checks a plan against the rules; writes nothing."""

from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accords.rule_selectors import (
    certification_listing,
    rate_in_force,
    rule_set_in_force,
    rules_answer,
)
from cases.choices import Dispositif, Employment, PublicCode
from cases.findings import Finding
from cases.rules.deadlines import plan_deadlines
from cases.rules.engine import check_plan
from cases.rules.funding import estimate, rate_unknown_finding
from cases.rules.plan import Plan, WorkerSituation
from cases.validators import validate_certification_code

FINDING_CODES = {
    "public_not_eligible": "le salarié n'appartient à aucun des publics du dispositif",
    "age_out_of_range": "moins de 16 ans ; CAI : plus de 29 ans sans dérogation",
    "employment_not_eligible": "contrat de travail non éligible (Pro-A : CDII ou CDI ; CAR : CTT ou CDII)",
    "seniority_insufficient": "CDPI : moins de 150 h dans la branche sur 12 mois",
    "qualification_too_high": "Pro-A : certification de niveau 6 ou plus déjà détenue",
    "certification_not_listed": "Pro-A : ni CléA ni certification de la liste de branche",
    "certification_excluded": "Pro-A : certification exclue de l'extension (mention (1))",
    "contract_duration_out_of_range": "durée du contrat en mois hors limites",
    "contract_hours_out_of_range": "CIPI : durée totale hors 140–315 h",
    "training_hours_out_of_range": "CIPI 70–245 h, CDPI 140–525 h",
    "training_hours_below_minimum": "CPI, Pro-A : moins de 150 h de formation",
    "training_ratio_out_of_range": "part de la formation hors limites (15–25 %, CAI ≥ 25 %)",
    "training_duration_too_long": "CAR : formation de plus de 9 mois",
    "mission_hours_below_minimum": "CIPI : moins de 70 h de missions dans le contrat",
    "rate_unknown": "aucun taux de financement publié : aucun montant calculé (avertissement)",
    "rule_set_missing": "aucun jeu de règles en vigueur à la date de début du contrat",
}
DEADLINE_KINDS = {
    "akto_deposit": "dépôt à l'AKTO (CPI, CAI, Pro-A : 5 jours ; CAR : au début de la formation)",
    "akto_decision": "décision de l'AKTO (20 jours ; silence vaut acceptation ou refus)",
    "fund_reservation": "réservation des fonds accordée avant le début du contrat (CIPI, CDPI)",
    "mission_obligation": "fin de la période où l'obligation de missions est appréciée",
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


class WorkerInput(serializers.Serializer):
    birth_date = serializers.DateField(error_messages=REQUIRED)
    employment = serializers.ChoiceField(
        choices=Employment.choices,
        error_messages={
            **REQUIRED,
            "invalid_choice": "« {input} » : contrat inconnu (CTT, CDII, CDI).",
        },
    )
    highest_level = serializers.ChoiceField(
        choices=[0, 3, 4, 5, 6, 7, 8],
        allow_null=True,
        required=False,
        default=None,
        help_text="Niveau de la plus haute certification détenue (3 à 8) ; null ou 0 si aucune.",
        error_messages={"invalid_choice": "« {input} » : niveau attendu de 3 à 8, ou null."},
    )
    publics = serializers.ListField(
        child=serializers.ChoiceField(
            choices=PublicCode.choices,
            error_messages={"invalid_choice": "« {input} » : code de public inconnu."},
        ),
        required=False,
        default=list,
    )
    branch_hours_12m = serializers.DecimalField(
        max_digits=7,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
        allow_null=True,
        default=None,
        error_messages={"min_value": "Les heures ne peuvent pas être négatives."},
    )


def _hours_field(required: bool = False) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=7,
        decimal_places=2,
        min_value=Decimal("0"),
        required=required,
        allow_null=not required,
        default=serializers.empty if required else None,
        error_messages={**REQUIRED, "min_value": "Les heures ne peuvent pas être négatives."},
    )


class PlanInput(serializers.Serializer):
    contract_start = serializers.DateField(error_messages=REQUIRED)
    contract_end = serializers.DateField(error_messages=REQUIRED)
    training_start = serializers.DateField(required=False, allow_null=True, default=None)
    training_end = serializers.DateField(required=False, allow_null=True, default=None)
    training_hours = _hours_field(required=True)
    contract_hours = _hours_field()
    mission_hours = _hours_field()
    certification = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, default=None
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
    )
    worker = WorkerInput()
    plan = PlanInput()
    departement = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        max_length=3,
        help_text="Département de l'agence (jours fériés : Alsace-Moselle, outre-mer).",
    )


RulesCheckOutput = inline_serializer(
    "RulesCheckAnswer",
    {
        "eligible": serializers.BooleanField(),
        "rule_set": inline_serializer(
            "RulesCheckRuleSet",
            {
                "id": serializers.IntegerField(),
                "dispositif": serializers.CharField(),
                "valid_from": serializers.DateField(),
                "valid_to": serializers.DateField(allow_null=True),
                "source": serializers.CharField(),
            },
            allow_null=True,
        ),
        "findings": inline_serializer(
            "RulesCheckFinding",
            {
                "code": serializers.CharField(),
                "severity": serializers.ChoiceField(choices=["error", "warning"]),
                "message": serializers.CharField(),
                "source": serializers.CharField(),
            },
            many=True,
        ),
        "funding": serializers.JSONField(
            help_text="{hourly_rate, hours, amount, source} en chaînes décimales, "
            "ou {rate_unknown: true}."
        ),
        "deadlines": inline_serializer(
            "RulesCheckDeadline",
            {
                "kind": serializers.CharField(),
                "due": serializers.DateField(),
                "safe_date": serializers.DateField(),
                "label": serializers.CharField(),
                "source": serializers.CharField(),
                "silence": serializers.CharField(allow_null=True),
            },
            many=True,
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
            message=f"Aucun jeu de règles {plan.dispositif} n'est en vigueur au "
            f"{plan.contract_start:%d/%m/%Y}.",
            source="Référentiel des jeux de règles",
        )
        return rules_answer(None, [missing], estimate(plan.training_hours, None), [])
    params = rule_set.params
    findings = check_plan(plan, params, listing=certification_listing(params, plan.certification))
    funding = estimate(plan.training_hours, rate_in_force(plan.dispositif, plan.contract_start))
    if funding.rate_unknown:
        findings.append(rate_unknown_finding(plan.dispositif))
    deadlines = plan_deadlines(plan, params, departement=data["departement"])
    return rules_answer(rule_set, findings, funding, deadlines)


class RulesCheckView(APIView):
    """Simulator: any authenticated user may check a plan; nothing is written."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="rules_check",
        summary="Simuler l'éligibilité d'un projet de contrat",
        description=DESCRIPTION,
        request=RulesCheckInput,
        responses={
            200: RulesCheckOutput,
            400: OpenApiResponse(
                response=OpenApiTypes.OBJECT,
                description="Saisie incorrecte : un message en français par champ, ex. "
                '{"plan": {"contract_end": ["La fin du contrat précède son début."]}}.',
            ),
        },
        examples=[OpenApiExample("CPI", value=EXAMPLE_REQUEST, request_only=True)],
        tags=["règles"],
    )
    def post(self, request):
        serializer = RulesCheckInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(simulate(serializer.validated_data))
