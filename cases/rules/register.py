"""Check the target certification against the RNCP register, when one is loaded.

Pure: the caller looks the fiche up (`in_force.register_lookup`) and hands over a
`RegisterLookup`. Only RNCP codes are checked (CléA and CléA numérique are not RNCP fiches).
No register loaded, no finding: the product does not guess what it has not read.
The route each dispositif uses and the weight of each finding come from the rule set's
`register` parameter (fixtures/rule_sets.json, with its source).
"""

import datetime as dt
from dataclasses import dataclass

from accords.params import RuleParameters
from cases.rules.findings import Finding
from cases.rules.plan import Plan

REGISTER = "registre RNCP (France Compétences)"
ROUTE_LABELS = {
    "professionalisation": "en contrat de professionnalisation",
    "apprenticeship": "en contrat d'apprentissage",
}


@dataclass(frozen=True)
class RegisterFacts:
    """What the register says of one fiche."""

    code: str
    title: str
    active: bool
    effect_date: dt.date | None
    end_date: dt.date | None
    routes: frozenset[str]
    successors: tuple[str, ...] = ()

    def in_force_on(self, day: dt.date, export_date: dt.date) -> bool:
        """Registered on `day`: the effect and end dates are both included. The export's
        ACTIVE/INACTIVE flag is the register's state on the export date: an inactive fiche
        is not in force on or after that date, whatever its dates say."""
        starts = self.effect_date is None or self.effect_date <= day
        ends = self.end_date is None or day <= self.end_date
        return starts and ends and (self.active or day < export_date)


@dataclass(frozen=True)
class RegisterLookup:
    """The loaded export's date, and the fiche of the plan's code (None: not in the register)."""

    export_date: dt.date
    fiche: RegisterFacts | None


def _finding(code: str, severity: str, message: str, source: str) -> list[Finding]:
    return [
        Finding(
            code=code,
            severity=severity,
            message=message,
            source=f"{source} ; {REGISTER}",
            field="plan.certification",
        )
    ]


def _successors(fiche: RegisterFacts) -> str:
    if not fiche.successors:
        return ""
    return " Fiche qui la remplace : " + ", ".join(fiche.successors) + "."


def check_register(
    plan: Plan, params: RuleParameters, register: RegisterLookup | None
) -> list[Finding]:
    rule = params.register
    code = plan.certification or ""
    if rule is None or register is None or not code.startswith("RNCP"):
        return []
    export = f"export du {register.export_date:%d/%m/%Y}"
    fiche = register.fiche
    if fiche is None:
        return _finding(
            "certification_unknown",
            rule.unknown,
            f"La certification {code} ne figure pas au registre RNCP ({export}) : vérifiez "
            "le code.",
            rule.source,
        )
    start = plan.contract_start
    if not fiche.in_force_on(start, register.export_date):
        return _finding(
            "certification_inactive",
            rule.inactive,
            f"La certification {code} ({fiche.title}) n'est pas enregistrée au RNCP le "
            f"{start:%d/%m/%Y}, date de début du contrat ({_window(fiche)})." + _successors(fiche),
            rule.source,
        )
    if rule.route not in fiche.routes:
        return _finding(
            "certification_route_closed",
            rule.route_closed,
            f"Selon le registre RNCP ({export}), la certification {code} ne s'obtient pas "
            f"{ROUTE_LABELS[rule.route]}.",
            rule.source,
        )
    return []


def _window(fiche: RegisterFacts) -> str:
    parts = []
    if fiche.effect_date:
        parts.append(f"à partir du {fiche.effect_date:%d/%m/%Y}")
    if fiche.end_date:
        parts.append(f"jusqu'au {fiche.end_date:%d/%m/%Y}")
    dates = "enregistrée " + " ".join(parts) if parts else "sans dates d'enregistrement"
    return dates if fiche.active else f"{dates}, fiche inactive au registre"
