"""What the rules say about a plan being typed in the add form (read-only, never saved)."""

from dataclasses import dataclass, field

from cases.models import Dossier
from cases.rules.findings import Finding
from cases.rules.funding import FundingEstimate, rate_unknown_finding
from cases.rules.in_force import rule_set_in_force
from cases.rules.plan_checks import (
    dossier_deadlines,
    dossier_funding,
    plan_findings,
    rule_set_missing,
)

# What the plan needs before the rules can say anything.
PLAN_FIELDS = (
    "dispositif",
    "agency",
    "worker",
    "contract_start",
    "contract_end",
    "planned_training_hours",
)


@dataclass
class PlanPreview:
    findings: list[Finding] = field(default_factory=list)
    funding: FundingEstimate | None = None
    deadlines: list = field(default_factory=list)
    rule_set: object = None

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.blocking]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.blocking]


def plan_preview(dossier: Dossier) -> PlanPreview:
    """Findings, funding estimate and deadlines of an unsaved dossier's plan."""
    rule_set = rule_set_in_force(dossier.dispositif, dossier.contract_start)
    funding = dossier_funding(dossier)
    if rule_set is None:
        return PlanPreview([rule_set_missing(dossier)], funding)
    findings = plan_findings(dossier, rule_set.params)
    if funding.rate_unknown:
        findings.append(rate_unknown_finding(dossier.dispositif))
    return PlanPreview(findings, funding, dossier_deadlines(dossier, rule_set.params), rule_set)
