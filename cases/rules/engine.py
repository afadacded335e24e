"""Check a plan against a rule set's parameters; return findings (DOMAIN.md §7).

Each check reads one parameter and returns a list (empty when the parameter does not apply
or is met). The certification listing comes from the caller, who looked it up in the accord's
list: the engine never touches the database.
"""

from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum

from accords.choices import Employment, PublicCode
from accords.params import PublicCondition, Publics, RuleParameters
from cases.choices import CertificationLevel
from cases.rules.dates import lasts_at_least_months, lasts_at_most_months
from cases.rules.findings import Finding
from cases.rules.plan import Plan
from cases.rules.register import RegisterLookup, check_register


class Listing(StrEnum):
    """Where the target certification stands in the accord's list."""

    SOCLE = "socle"
    LISTED = "listed"
    EXCLUDED = "excluded"
    NOT_LISTED = "not_listed"
    LIST_UNAVAILABLE = "list_unavailable"


def _error(code: str, message: str, source: str, field: str | None = None) -> list[Finding]:
    return [Finding(code=code, severity="error", message=message, source=source, field=field)]


def french_number(value: Decimal) -> str:
    """149.99 → « 149,99 »; 1800.00 → « 1800 »."""
    return f"{value.normalize():f}".replace(".", ",")


def _hours(value: Decimal) -> str:
    return f"{french_number(value)} h"


def _percent(value: Decimal) -> str:
    return f"{french_number(value * 100)} %"


# The form fields a finding sends the reader to (their labels in the admin's forms).
FIELD = {
    "birth_date": "« date de naissance » (fiche du salarié)",
    "employment": "« contrat de travail » (fiche du salarié)",
    "highest_level": "« plus haut niveau de certification » (fiche du salarié)",
    "branch_hours": "« heures déclarées dans la branche (autres agences, période d'ancienneté) » "
    "(fiche du salarié)",
    "publics": "la situation du salarié (fiche du salarié : RSA, inscription à France Travail, "
    "handicap…)",
    "certification": "« certification visée (code) »",
    "contract_end": "« fin du contrat »",
    "contract_hours": "« heures de contrat prévues »",
    "training_hours": "« heures de formation prévues »",
    "training_dates": "« début de la formation » et « fin de la formation »",
    "missions": "les missions du dossier",
}


def public_label(code: str) -> str:
    return str(PublicCode(code).label) if code in PublicCode.values else code


def _labels(codes) -> str:
    return ", ".join(sorted(public_label(code) for code in codes))


def condition_text(condition: PublicCondition) -> str:
    """« Demandeur d'emploi inscrit à France Travail, de 26 ans ou plus »."""
    parts = [public_label(code) for code in sorted(condition.all_of)]
    if condition.any_of:
        parts.append("l'un de : " + _labels(condition.any_of))
    text = " et ".join(parts) or "tout salarié"
    if condition.age_min is not None and condition.age_max is not None:
        text += f", de {condition.age_min} à {condition.age_max} ans"
    elif condition.age_min is not None:
        text += f", de {condition.age_min} ans ou plus"
    elif condition.age_max is not None:
        text += f", de {condition.age_max} ans au plus"
    return text


def publics_text(publics: Publics) -> str:
    """The eligible publics, numbered: « (1) … ; (2) … »."""
    return " ; ".join(
        f"({index}) {condition_text(c)}" for index, c in enumerate(publics.conditions, start=1)
    )


def check_age(plan: Plan, p: RuleParameters, listing: Listing | None) -> list[Finding]:
    rule = p.age
    if rule is None:
        return []
    age = plan.age
    if rule.min is not None and age < rule.min:
        return _error(
            "age_out_of_range",
            f"Le salarié aura {age} ans au début du contrat : l'âge minimum est {rule.min} ans. "
            f"Vérifiez {FIELD['birth_date']} et le début du contrat, ou choisissez un autre "
            "dispositif.",
            rule.source,
            "worker.birth_date",
        )
    exempt = bool(rule.exemptions & plan.worker.publics)
    if rule.max is not None and age > rule.max and not exempt:
        return _error(
            "age_out_of_range",
            f"Le salarié aura {age} ans au début du contrat : l'âge maximum est {rule.max} ans"
            + (
                f", sauf pour ces publics : {_labels(rule.exemptions)}. S'il en relève, "
                f"indiquez-le dans {FIELD['publics']} ; sinon vérifiez {FIELD['birth_date']}."
                if rule.exemptions
                else f". Vérifiez {FIELD['birth_date']} ou choisissez un autre dispositif."
            ),
            rule.source,
            "worker.birth_date",
        )
    return []


def _under_minimum_age(plan: Plan, p: RuleParameters) -> bool:
    """Under the minimum age, the age finding says it all: no publics finding on top."""
    return bool(p.age and p.age.min is not None and plan.age < p.age.min)


def check_publics(plan: Plan, p: RuleParameters, listing: Listing | None) -> list[Finding]:
    rule = p.publics
    if rule is None or rule.match(plan.worker.publics, plan.age) or _under_minimum_age(plan, p):
        return []
    return _error(
        "public_not_eligible",
        "Le salarié n'appartient à aucun des publics éligibles à ce dispositif : "
        f"{publics_text(rule)}. Complétez {FIELD['publics']} s'il relève de l'un d'eux, ou "
        "choisissez un autre dispositif.",
        rule.source,
        "worker.publics",
    )


def check_employment(plan: Plan, p: RuleParameters, listing: Listing | None) -> list[Finding]:
    rule = p.employment
    if rule is None or plan.worker.employment in rule.values:
        return []
    allowed = " ou ".join(sorted(_employment_label(code) for code in rule.values))
    return _error(
        "employment_not_eligible",
        f"Contrat de travail : {_employment_label(plan.worker.employment)} ; ce dispositif "
        f"demande : {allowed}. Corrigez {FIELD['employment']} ou choisissez un autre dispositif.",
        rule.source,
        "worker.employment",
    )


def _employment_label(code: str) -> str:
    return str(Employment(code).label) if code in Employment.values else code


def check_seniority(plan: Plan, p: RuleParameters, listing: Listing | None) -> list[Finding]:
    rule = p.seniority
    if rule is None or plan.worker.branch_hours_12m >= rule.min_hours:
        return []
    if rule.exempt.match(plan.worker.publics, plan.age):
        return []
    return _error(
        "seniority_insufficient",
        f"Ancienneté dans la branche : {_hours(plan.worker.branch_hours_12m)} sur les "
        f"{rule.months} derniers mois, il en faut au moins {_hours(rule.min_hours)}. "
        f"Si d'autres agences l'ont employé, renseignez {FIELD['branch_hours']} ; les missions "
        "enregistrées comptent d'elles-mêmes"
        + (
            f". Dispensés d'ancienneté : {publics_text(rule.exempt)} ; indiquez-le dans "
            f"{FIELD['publics']} s'il en relève."
            if rule.exempt.conditions
            else "."
        ),
        rule.exempt.source,
        "worker.branch_hours_12m",
    )


def check_max_level(plan: Plan, p: RuleParameters, listing: Listing | None) -> list[Finding]:
    rule = p.max_level
    level = plan.worker.highest_level
    if rule is None or level is None or level < rule.below:
        return []
    return _error(
        "qualification_too_high",
        f"Le salarié détient déjà une certification de niveau {level} : ce dispositif est "
        f"réservé aux salariés sans certification de niveau {rule.below} ou plus "
        f"({_level_label(rule.below)}). Vérifiez {FIELD['highest_level']}.",
        rule.source,
        "worker.highest_level",
    )


def _level_label(level: int) -> str:
    return str(CertificationLevel(level).label) if level in CertificationLevel.values else ""


def check_certification(plan: Plan, p: RuleParameters, listing: Listing | None) -> list[Finding]:
    rule = p.certification
    if rule is None or listing in (Listing.SOCLE, Listing.LISTED):
        return []
    code = plan.certification or "aucune"
    if listing == Listing.EXCLUDED:
        return _error(
            "certification_excluded",
            f"La certification {code} figure dans la liste de branche mais est exclue de "
            "l'extension (arrêté du 29 avril 2021) : elle n'est pas éligible. Choisissez une "
            f"autre certification de la liste dans {FIELD['certification']}.",
            rule.source,
            "plan.certification",
        )
    if listing == Listing.LIST_UNAVAILABLE:
        return [
            Finding(
                code="certification_not_listed",
                severity="warning",
                message=f"La liste de certifications de l'accord n'est pas chargée : vérifiez "
                f"que {code} y figure.",
                source=rule.source,
                field="plan.certification",
            )
        ]
    return _error(
        "certification_not_listed",
        f"Certification visée : {code}. Elle doit être CléA, CléA numérique ou une "
        "certification RNCP de la liste de branche : saisissez dans "
        f"{FIELD['certification']} CLEA, CLEA_NUMERIQUE ou un code RNCP de la liste "
        "(ex. RNCP34860).",
        rule.source,
        "plan.certification",
    )


def allowed_max_months(plan: Plan, p: RuleParameters) -> int | None:
    """The contract's maximum in months, extended for priority publics where the rule says so."""
    base = p.contract_months.max if p.contract_months else None
    ext = p.extended_months
    if ext and ext.publics.match(plan.worker.publics, plan.age):
        return max(base or 0, ext.max)
    return base


def check_contract_months(plan: Plan, p: RuleParameters, listing: Listing | None) -> list[Finding]:
    rule = p.contract_months
    if rule is None:
        return []
    start, end = plan.contract_start, plan.contract_end
    high = allowed_max_months(plan, p)
    too_short = rule.min is not None and not lasts_at_least_months(start, end, rule.min)
    too_long = high is not None and not lasts_at_most_months(start, end, high)
    if not (too_short or too_long):
        return []
    bounds = _month_bounds(rule.min, high)
    source = p.extended_months.publics.source if too_long and high != rule.max else rule.source
    return _error(
        "contract_duration_out_of_range",
        f"Durée du contrat hors limites : {bounds}. Corrigez {FIELD['contract_end']} (ou le "
        "début du contrat).",
        source,
        "plan.contract_end",
    )


def _month_bounds(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"de {low} à {high} mois"
    if low is not None:
        return f"au moins {low} mois"
    return f"au plus {high} mois"


def check_contract_hours(plan: Plan, p: RuleParameters, listing: Listing | None) -> list[Finding]:
    rule = p.contract_hours
    hours = plan.effective_contract_hours(p.weekly_hours)
    if rule is None or hours is None or _within(hours, rule.min, rule.max):
        return []
    return _error(
        "contract_hours_out_of_range",
        f"Durée totale du contrat : {_hours(hours)}, elle doit être comprise entre "
        f"{_hours(rule.min)} et {_hours(rule.max)}. Corrigez {FIELD['contract_hours']}"
        f"{_weekly_default(p)}.",
        rule.source,
        "plan.contract_hours",
    )


def _weekly_default(p: RuleParameters) -> str:
    """What an empty « heures de contrat prévues » means, with the rule set's figure."""
    if p.weekly_hours is None:
        return ""
    return f" (vide : {_hours(p.weekly_hours.hours)} par semaine de contrat)"


def _needs_contract_hours(plan: Plan, p: RuleParameters) -> bool:
    """Whether a rule of the rule set reads the plan's contract hours."""
    in_contract = p.mission_in_contract is not None and p.mission_in_contract.min is not None
    return (
        p.training_ratio is not None
        or p.contract_hours is not None
        or (in_contract and plan.mission_hours is None)
    )


def check_weekly_hours(plan: Plan, p: RuleParameters, listing: Listing | None) -> list[Finding]:
    """A rule reads the contract hours, the plan gives none and the rule set does not give the
    legal weekly working time to count them from: say so instead of checking silently less."""
    if plan.contract_hours is not None or p.weekly_hours is not None:
        return []
    if not _needs_contract_hours(plan, p):
        return []
    return _error(
        "contract_hours_unknown",
        f"Les heures de contrat ne sont pas renseignées et le jeu de règles ne donne pas la "
        f"durée légale hebdomadaire pour les compter : renseignez {FIELD['contract_hours']}, "
        "ou demandez à un administrateur de compléter le jeu de règles (menu « Jeux de "
        "règles », « Durée légale hebdomadaire du travail »).",
        "Jeu de règles en vigueur (paramètre « Durée légale hebdomadaire du travail » absent)",
        "plan.contract_hours",
    )


def _within(value: Decimal, low: Decimal | None, high: Decimal | None) -> bool:
    return (low is None or value >= low) and (high is None or value <= high)


def check_training_hours(plan: Plan, p: RuleParameters, listing: Listing | None) -> list[Finding]:
    rule = p.training_hours
    hours = plan.training_hours
    if rule is None or _within(hours, rule.min, rule.max):
        return []
    if rule.max is None:
        return _error(
            "training_hours_below_minimum",
            f"Formation de {_hours(hours)} : il en faut au moins {_hours(rule.min)}. "
            f"Corrigez {FIELD['training_hours']}.",
            rule.source,
            "plan.training_hours",
        )
    return _error(
        "training_hours_out_of_range",
        f"Formation de {_hours(hours)} : elle doit être comprise entre {_hours(rule.min)} "
        f"et {_hours(rule.max)}. Corrigez {FIELD['training_hours']}.",
        rule.source,
        "plan.training_hours",
    )


def check_training_ratio(plan: Plan, p: RuleParameters, listing: Listing | None) -> list[Finding]:
    rule = p.training_ratio
    if rule is None:
        return []
    contract_hours = plan.effective_contract_hours(p.weekly_hours)
    if contract_hours is None:
        return []  # check_weekly_hours says what is missing
    high = rule.max
    if rule.extended_max is not None and plan.certification in rule.extended_certifications:
        high = rule.extended_max
    # Compare products, not a rounded ratio: 25 % exactly must pass.
    too_low = rule.min is not None and plan.training_hours < rule.min * contract_hours
    too_high = high is not None and plan.training_hours > high * contract_hours
    if not (too_low or too_high):
        return []
    ratio = plan.training_hours / contract_hours if contract_hours else Decimal("0")
    shown = _percent(ratio.quantize(Decimal("0.0001")))
    if high is None:
        bounds = f"au moins {_percent(rule.min)}"
    elif rule.min is None:
        bounds = f"au plus {_percent(high)}"
    else:
        bounds = f"entre {_percent(rule.min)} et {_percent(high)}"
    return _error(
        "training_ratio_out_of_range",
        f"La formation représente {shown} de la durée du contrat "
        f"({_hours(plan.training_hours)} sur {_hours(contract_hours)}) : il faut {bounds}. "
        f"Corrigez {FIELD['training_hours']} ou {FIELD['contract_hours']}.",
        rule.source,
        "plan.training_hours",
    )


def check_training_months(plan: Plan, p: RuleParameters, listing: Listing | None) -> list[Finding]:
    rule = p.training_months
    if rule is None or rule.max is None or plan.training_start is None:
        return []
    if plan.training_end is None:
        return []
    if lasts_at_most_months(plan.training_start, plan.training_end, rule.max):
        return []
    return _error(
        "training_duration_too_long",
        f"La formation dure plus de {rule.max} mois. Corrigez {FIELD['training_dates']}.",
        rule.source,
        "plan.training_end",
    )


def check_mission_in_contract(
    plan: Plan, p: RuleParameters, listing: Listing | None
) -> list[Finding]:
    rule = p.mission_in_contract
    hours = plan.effective_mission_hours(p.weekly_hours)
    if rule is None or rule.min is None or hours is None or hours >= rule.min:
        return []
    return _error(
        "mission_hours_below_minimum",
        f"Missions prévues dans le contrat : {_hours(hours)}, il en faut au moins "
        f"{_hours(rule.min)}. Ajoutez ou complétez {FIELD['missions']} (heures de chaque "
        "mission).",
        rule.source,
        "plan.mission_hours",
    )


CHECKS: tuple[Callable[[Plan, RuleParameters, Listing | None], list[Finding]], ...] = (
    check_age,
    check_publics,
    check_employment,
    check_seniority,
    check_max_level,
    check_certification,
    check_contract_months,
    check_weekly_hours,
    check_contract_hours,
    check_training_hours,
    check_training_ratio,
    check_training_months,
    check_mission_in_contract,
)


def check_plan(
    plan: Plan,
    params: RuleParameters,
    *,
    listing: Listing | None = None,
    register: RegisterLookup | None = None,
) -> list[Finding]:
    """Every finding about the worker and the plan (not about steps not yet taken).

    `register`: what the loaded RNCP register says of the target (None: none loaded).
    """
    found = [finding for check in CHECKS for finding in check(plan, params, listing)]
    return found + check_register(plan, params, register)


def is_eligible(findings: list[Finding]) -> bool:
    return not any(finding.blocking for finding in findings)
