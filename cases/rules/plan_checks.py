"""Run the rules engine on a dossier: build its plan, find its rule set, add step findings.

The engine (cases.rules) is pure; this module reads the database for it.
"""

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import Sum
from django.utils import timezone

from accords.choices import dispositif_short
from accords.params import RuleParameters
from cases.models import Dossier, Mission
from cases.rules import deadlines as rule_deadlines
from cases.rules import obligations
from cases.rules.engine import check_plan, french_number
from cases.rules.findings import Finding
from cases.rules.funding import FundingEstimate, estimate, rate_unknown_finding
from cases.rules.in_force import (
    certification_listing,
    dossier_rate_days,
    rate_by_date_basis,
    register_lookup,
    rule_set_in_force,
    rules_answer,
)
from cases.rules.organisation_flags import organisation_findings
from cases.rules.plan import Plan, WorkerSituation
from cases.workflow.steps import STEPS, Check

TUTOR_FIELDS = {"agency": "agency_tutor", "eu": "eu_tutor"}
TUTOR_LABELS = {"agency": "tuteur en agence", "eu": "tuteur en entreprise utilisatrice"}
# Where a plan finding points on the dossier form (worker findings point at the worker).
DOSSIER_FIELDS = {
    "plan.contract_end": "contract_end",
    "plan.contract_hours": "planned_contract_hours",
    "plan.training_hours": "planned_training_hours",
    "plan.training_end": "training_end",
    "plan.certification": "certification_code",
    "plan.mission_hours": "missions",
}


def _sum(queryset) -> Decimal:
    return queryset.aggregate(total=Sum("hours"))["total"] or Decimal("0")


def branch_hours_12m(dossier: Dossier, params: RuleParameters | None) -> Decimal:
    """Branch seniority: the missions recorded in the rule set's window before the start (its
    `seniority.months`), plus the hours declared in other agencies. Without a seniority rule
    no window is read: only the declared hours count (no rule looks at them)."""
    declared = dossier.worker.other_agencies_branch_hours
    if params is None or params.seniority is None:
        return declared
    start = dossier.contract_start
    since = start - relativedelta(months=params.seniority.months)
    missions = Mission.objects.filter(worker=dossier.worker, start__gte=since, start__lt=start)
    return _sum(missions) + declared


def dossier_plan(dossier: Dossier, params: RuleParameters | None = None) -> Plan:
    """The dossier's plan; `params` (the rule set in force) sets the seniority window."""
    worker = dossier.worker
    situation = WorkerSituation(
        birth_date=worker.birth_date,
        employment=worker.employment,
        highest_level=worker.highest_level or None,
        publics=frozenset(worker.public_codes(on=dossier.contract_start)),
        branch_hours_12m=branch_hours_12m(dossier, params),
    )
    return Plan(
        dispositif=dossier.dispositif,
        worker=situation,
        contract_start=dossier.contract_start,
        contract_end=dossier.contract_end,
        training_start=dossier.training_start,
        training_end=dossier.training_end,
        training_ended_on=dossier.training_ended_on,
        training_hours=dossier.planned_training_hours,
        contract_hours=dossier.planned_contract_hours,
        certification=dossier.certification_code or None,
    )


def rule_set_missing(dossier: Dossier) -> Finding:
    return Finding(
        code="rule_set_missing",
        severity="error",
        message=f"Aucun jeu de règles {dispositif_short(dossier.dispositif)} n'est en vigueur au "
        f"{dossier.contract_start:%d/%m/%Y} : le dossier ne peut pas être vérifié. Corrigez le "
        "début du contrat ou demandez à un administrateur d'enregistrer le jeu de règles "
        "(menu « Jeux de règles »).",
        source="Référentiel des jeux de règles",
    )


def plan_findings(dossier: Dossier, params: RuleParameters) -> list[Finding]:
    plan = dossier_plan(dossier, params)
    listing = certification_listing(params, plan.certification)
    register = register_lookup(params, plan.certification)
    return [
        replace(finding, field=DOSSIER_FIELDS.get(finding.field, "worker"))
        for finding in check_plan(plan, params, listing=listing, register=register)
    ]


def dossier_funding(dossier: Dossier) -> FundingEstimate:
    """The plan's estimate at the rate of its programme, picked by the rate's date basis."""
    rate = rate_by_date_basis(
        dossier.dispositif,
        dossier.funding_programme,
        dossier_rate_days(dossier.contract_start, dossier.funds_reserved_on),
    )
    return estimate(dossier.planned_training_hours, rate, dossier.training_cost)


def dossier_deadlines(
    dossier: Dossier, params: RuleParameters, *, decision_before_deposit: bool = True
) -> list[rule_deadlines.Deadline]:
    """The plan's deadlines, with the dossier's agency (public holidays) and deposit date."""
    return rule_deadlines.plan_deadlines(
        dossier_plan(dossier),
        params,
        departement=dossier.agency.departement,
        deposit_date=dossier.deposit_date,
        decision_before_deposit=decision_before_deposit,
    )


def tutor_findings(dossier: Dossier, params: RuleParameters) -> list[Finding]:
    if params.tutors is None:
        return []
    return [
        Finding(
            code="tutor_missing",
            severity="error",
            message=f"Le {TUTOR_LABELS[tutor]} n'est pas désigné : renseignez le champ "
            f"« {Dossier._meta.get_field(TUTOR_FIELDS[tutor]).verbose_name} » du dossier.",
            source=params.tutors.source,
            field=TUTOR_FIELDS[tutor],
        )
        for tutor in sorted(params.tutors.values)
        if not getattr(dossier, TUTOR_FIELDS[tutor])
    ]


def opinion_findings(dossier: Dossier, params: RuleParameters) -> list[Finding]:
    if not (params.opinion and params.opinion.required) or dossier.opinion_date:
        return []
    return [
        Finding(
            code="opinion_missing",
            severity="error",
            message="L'avis favorable du pôle reconversion FPE.TT n'est pas enregistré : "
            f"demandez-le, puis enregistrez-le par l'étape « {STEPS['give_opinion'].label} » "
            "(date de l'avis).",
            source=params.opinion.source,
            field="opinion_date",
        )
    ]


def reservation_findings(dossier: Dossier, params: RuleParameters) -> list[Finding]:
    rule = params.fund_reservation
    if not (rule and rule.required):
        return []
    reserved_on = dossier.funds_reserved_on
    if reserved_on and reserved_on < dossier.contract_start:
        return []
    late = reserved_on is not None
    return [
        Finding(
            code="funds_not_reserved",
            severity="warning" if late else "error",
            message=(
                f"Les fonds ont été réservés le {reserved_on:%d/%m/%Y}, après le début du contrat."
                if late
                else "Le contrat ne peut pas démarrer sans réservation de fonds accordée par "
                f"l'AKTO : demandez-la, puis enregistrez-la par l'étape "
                f"« {STEPS['reserve_funds'].label} » (date de réservation)."
            ),
            source=rule.source,
            field="funds_reserved_on",
        )
    ]


def deposit_findings(dossier: Dossier, params: RuleParameters, today: dt.date) -> list[Finding]:
    if params.deposit is None:
        return []
    due = rule_deadlines.deposit_due(
        dossier_plan(dossier), params.deposit, dossier.agency.departement
    )
    deposited = dossier.deposit_date or today
    if deposited <= due:
        return []
    return [
        Finding(
            code="deposit_overdue",
            severity="warning",
            message=f"Le dépôt à l'AKTO devait être fait au plus tard le {due:%d/%m/%Y} : "
            "déposez-le sur l'espace AKTO sans attendre et enregistrez l'étape "
            f"« {STEPS['submit'].label} » avec sa date.",
            source=params.deposit.source,
            field="deposit_date",
        )
    ]


# The finding an obligation left unmet at the close of its window raises (DOMAIN.md §7).
UNMET_CODES = {
    obligations.IN_CONTRACT: "mission_hours_below_minimum",
    obligations.AFTER_TRAINING: "post_training_missions_insufficient",
}


def obligation_findings(dossier: Dossier, params: RuleParameters, today: dt.date) -> list[Finding]:
    """A warning for each mission obligation whose window closed below the hours needed."""
    return [
        Finding(
            code=UNMET_CODES[found.kind],
            severity="warning",
            message=f"{found.label} : {french_number(found.hours_done)} h au "
            f"{found.window_end:%d/%m/%Y}, il en fallait au moins "
            f"{french_number(found.hours_needed)} h ({found.rule}). Vérifiez que toutes les "
            "missions de la période sont enregistrées avec leurs heures.",
            source=found.source,
            field="missions",
        )
        for found in obligations.dossier_obligations(dossier, params, today=today)
        if found.verdict == obligations.UNMET
    ]


def step_findings(
    dossier: Dossier, params: RuleParameters, transition: str, today: dt.date
) -> list[Finding]:
    """Findings about the steps taken so far, for the step about to run (its `checks`)."""
    checks = STEPS[transition].checks
    found: list[Finding] = []
    if Check.FILING in checks:
        found += tutor_findings(dossier, params)
        if dossier_funding(dossier).rate_unknown:
            found.append(rate_unknown_finding(dossier.dispositif))
    if Check.OPINION in checks:
        found += opinion_findings(dossier, params)
    if Check.RESERVATION in checks:
        found += reservation_findings(dossier, params)
    if Check.DEPOSIT_DELAY in checks:
        found += deposit_findings(dossier, params, today)
    if Check.POST_TRAINING in checks:
        found += obligation_findings(dossier, params, today)
    if Check.FILING in checks:  # the provider and companies filed with AKTO or FPE.TT
        found += organisation_findings(dossier)
    return found


def rules_findings(
    dossier: Dossier, transition: str, today: dt.date | None = None
) -> list[Finding]:
    """Plan and step findings of `transition`, under the rule set in force on the start date.

    The plan rules are checked for the steps that declare it (the agency's own steps up to
    the start): recording what FPE.TT or AKTO decided is never blocked by them, and they are
    settled once the contract has started.
    """
    plan_checked = Check.PLAN in STEPS[transition].checks
    rule_set = rule_set_in_force(dossier.dispositif, dossier.contract_start)
    if rule_set is None:
        return [rule_set_missing(dossier)] if plan_checked else []
    params = rule_set.params
    today = today or timezone.localdate()
    found = plan_findings(dossier, params) if plan_checked else []
    return found + step_findings(dossier, params, transition, today)


def dossier_rules_report(dossier: Dossier) -> dict:
    """The simulator's answer for a dossier's plan: eligibility, funding, deadlines (read-only)."""
    rule_set = rule_set_in_force(dossier.dispositif, dossier.contract_start)
    funding = dossier_funding(dossier)
    if rule_set is None:
        return rules_answer(None, [rule_set_missing(dossier)], funding, [])
    params = rule_set.params
    findings = plan_findings(dossier, params)
    if funding.rate_unknown:
        findings.append(rate_unknown_finding(dossier.dispositif))
    return rules_answer(rule_set, findings, funding, dossier_deadlines(dossier, params))
