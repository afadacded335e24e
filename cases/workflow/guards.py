"""The calendar guards of the steps (their declared `guards`) and the facts a dossier lacks.

A guard that does not hold is a blocking finding: the admin greys the step with its message,
the API lists it among the dossier's findings, the service refuses the step with it. Each
names its source: the rule-set parameter's citation when the rule set in force holds it, the
text the declaration cites, or the product's own rule.
"""

import datetime as dt

from django.utils import timezone

from accords.params import RuleParameters
from cases.choices import DeadlineKind, DeadlineStatus
from cases.models import Deadline, Dossier
from cases.rules import obligations
from cases.rules.engine import french_number
from cases.rules.findings import Finding
from cases.rules.in_force import rule_set_in_force
from cases.workflow.steps import Guard, GuardKind, Step, facts_recorded, steps_from

STEPS_SOURCE = "Cycle de vie d'un dossier (DOMAIN.md §3)"


def _source(guard: Guard, params: RuleParameters | None) -> str:
    param = getattr(params, guard.param, None) if (params and guard.param) else None
    return getattr(param, "source", None) or guard.source


def _reached(dossier: Dossier, guard: Guard, params, today: dt.date) -> list[Finding]:
    date = getattr(dossier, guard.field) or (
        getattr(dossier, guard.fallback) if guard.fallback else None
    )
    if date is None or date <= today:  # a date the step asks is checked once typed
        return []
    return [
        Finding(
            code=guard.code,
            severity="error",
            message=guard.message.format(date=f"{date:%d/%m/%Y}"),
            source=_source(guard, params),
            field=guard.field,
        )
    ]


def waived_obligation(dossier: Dossier) -> Deadline | None:
    """The mission-obligation deadline an agency manager waived (with its author), if any."""
    return (
        Deadline.objects.filter(
            dossier=dossier,
            kind=DeadlineKind.MISSION_OBLIGATION,
            status=DeadlineStatus.WAIVED,
            waived_by__isnull=False,
        )
        .select_related("waived_by")
        .first()
    )


def _settled(dossier: Dossier, guard: Guard, params, today: dt.date) -> list[Finding]:
    """Every mission obligation met; else, a manager's waiver is the only way past it."""
    if params is None:
        return []
    pending = [
        found
        for found in obligations.dossier_obligations(dossier, params, today=today)
        if found.verdict != obligations.MET
    ]
    if not pending or waived_obligation(dossier) is not None:
        return []
    found_list = []
    for found in pending:
        state = (
            f"la période court jusqu'au {found.window_end:%d/%m/%Y} "
            f"({found.days_left} jour(s) restant(s))"
            if found.verdict == obligations.OPEN
            else f"la période s'est close le {found.window_end:%d/%m/%Y}"
        )
        found_list.append(
            Finding(
                code=guard.code,
                severity="error",
                message=f"{found.label} : {french_number(found.hours_done)} h sur "
                f"{french_number(found.hours_needed)} h, {state}. Le dossier ne peut pas être "
                "clôturé tant que l'obligation n'est pas respectée : enregistrez les missions "
                "effectuées, ou demandez à votre responsable d'agence de lever l'obligation "
                "(motif obligatoire).",
                source=found.source or guard.source,
                field="missions",
            )
        )
    return found_list


EVALUATE = {GuardKind.REACHED: _reached, GuardKind.SETTLED: _settled}


def guard_findings(
    dossier: Dossier,
    step: Step,
    *,
    params: RuleParameters | None = None,
    today: dt.date | None = None,
) -> list[Finding]:
    """The blocking findings of `step`'s calendar guards on `dossier` today."""
    if not step.guards:
        return []
    today = today or timezone.localdate()
    if params is None:
        rule_set = rule_set_in_force(dossier.dispositif, dossier.contract_start)
        params = rule_set.params if rule_set else None
    found: list[Finding] = []
    for guard in step.guards:
        found += EVALUATE[guard.kind](dossier, guard, params, today)
    return found


def _asked_by(dossier: Dossier, name: str) -> Step | None:
    """The next step of the dossier's path that asks fact `name`, if any."""
    return next((s for s in steps_from(dossier.dispositif, dossier.state) if name in s.asked), None)


def missing_facts(dossier: Dossier) -> list[Finding]:
    """A warning for each date the dossier's path should have recorded but lacks.

    Dossiers kept from before a step recorded its date (the data migration fills what the
    history says and invents nothing): the case worker sees what is missing, and the next step
    that asks it.
    """
    found = []
    for name in sorted(facts_recorded(dossier.dispositif, dossier.state)):
        if getattr(dossier, name, None) is not None:
            continue
        label = str(Dossier._meta.get_field(name).verbose_name)
        asking = _asked_by(dossier, name)
        then = (
            f"elle sera demandée à l'étape « {asking.label} »."
            if asking
            else "aucune étape ne la demandera plus : notez-la dans le dossier."
        )
        found.append(
            Finding(
                code="fact_missing",
                severity="warning",
                message=f"Date à renseigner : {label} (non enregistrée pour ce dossier, "
                f"antérieur à cette saisie) ; {then}",
                source=STEPS_SOURCE,
                field=name,
            )
        )
    return found
