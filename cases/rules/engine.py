"""Check a plan against a rule set's parameters; return findings (DOMAIN.md §7).

Each check reads one parameter and returns a list (empty when the parameter does not apply
or is met). The certification listing comes from the caller, who looked it up in the accord's
list: the engine never touches the database.
"""

from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum

from accords.params import RuleParameters
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


def check_age(plan: Plan, p: RuleParameters, listing: Listing | None) -> list[Finding]:
    rule = p.age
    if rule is None:
        return []
    age = plan.age
    if rule.min is not None and age < rule.min:
        return _error(
            "age_out_of_range",
            f"Le salarié aura {age} ans au début du contrat : l'âge minimum est {rule.min} ans.",
            rule.source,
            "worker.birth_date",
        )
    exempt = bool(rule.exemptions & plan.worker.publics)
    if rule.max is not None and age > rule.max and not exempt:
        return _error(
            "age_out_of_range",
            f"Le salarié aura {age} ans au début du contrat : l'âge maximum est {rule.max} ans "
            "(sauf dérogation : handicap, création d'entreprise, sportif de haut niveau).",
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
        "Le salarié n'appartient à aucun des publics éligibles à ce dispositif.",
        rule.source,
        "worker.publics",
    )


def check_employment(plan: Plan, p: RuleParameters, listing: Listing | None) -> list[Finding]:
    rule = p.employment
    if rule is None or plan.worker.employment in rule.values:
        return []
    allowed = " ou ".join(sorted(rule.values))
    return _error(
        "employment_not_eligible",
        f"Contrat de travail {plan.worker.employment} : ce dispositif demande un {allowed}.",
        rule.source,
        "worker.employment",
    )


def check_seniority(plan: Plan, p: RuleParameters, listing: Listing | None) -> list[Finding]:
    rule = p.seniority
    if rule is None or plan.worker.branch_hours_12m >= rule.min_hours:
        return []
    if rule.exempt.match(plan.worker.publics, plan.age):
        return []
    return _error(
        "seniority_insufficient",
        f"Ancienneté dans la branche : {_hours(plan.worker.branch_hours_12m)} sur les "
        f"{rule.months} derniers mois, il en faut au moins {_hours(rule.min_hours)} "
        "(ou appartenir à un public dispensé d'ancienneté).",
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
        f"Le salarié détient déjà une certification de niveau {level} : la Pro-A est réservée "
        f"aux salariés sans certification de niveau {rule.below} (licence) ou plus.",
        rule.source,
        "worker.highest_level",
    )


def check_certification(plan: Plan, p: RuleParameters, listing: Listing | None) -> list[Finding]:
    rule = p.certification
    if rule is None or listing in (Listing.SOCLE, Listing.LISTED):
        return []
    code = plan.certification or "aucune"
    if listing == Listing.EXCLUDED:
        return _error(
            "certification_excluded",
            f"La certification {code} figure dans la liste de branche mais est exclue de "
            "l'extension (arrêté du 29 avril 2021) : elle n'est pas éligible.",
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
        "certification RNCP de la liste de branche.",
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
        f"Durée du contrat hors limites : {bounds}.",
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
    hours = plan.effective_contract_hours
    if rule is None or _within(hours, rule.min, rule.max):
        return []
    return _error(
        "contract_hours_out_of_range",
        f"Durée totale du contrat : {_hours(hours)}, elle doit être comprise entre "
        f"{_hours(rule.min)} et {_hours(rule.max)}.",
        rule.source,
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
            f"Formation de {_hours(hours)} : il en faut au moins {_hours(rule.min)}.",
            rule.source,
            "plan.training_hours",
        )
    return _error(
        "training_hours_out_of_range",
        f"Formation de {_hours(hours)} : elle doit être comprise entre {_hours(rule.min)} "
        f"et {_hours(rule.max)}.",
        rule.source,
        "plan.training_hours",
    )


def check_training_ratio(plan: Plan, p: RuleParameters, listing: Listing | None) -> list[Finding]:
    rule = p.training_ratio
    if rule is None:
        return []
    contract_hours = plan.effective_contract_hours
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
        f"({_hours(plan.training_hours)} sur {_hours(contract_hours)}) : il faut {bounds}.",
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
        f"La formation dure plus de {rule.max} mois.",
        rule.source,
        "plan.training_end",
    )


def check_mission_in_contract(
    plan: Plan, p: RuleParameters, listing: Listing | None
) -> list[Finding]:
    rule = p.mission_in_contract
    hours = plan.effective_mission_hours
    if rule is None or rule.min is None or hours >= rule.min:
        return []
    return _error(
        "mission_hours_below_minimum",
        f"Missions prévues dans le contrat : {_hours(hours)}, il en faut au moins "
        f"{_hours(rule.min)}.",
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
