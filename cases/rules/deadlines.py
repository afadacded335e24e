"""The deadlines a plan creates, each with its due date and its safe business day (DOMAIN.md §3).

The counting rule is a parameter of the rule set: calendar days or *jours ouvrables* counted
from the day after the start, or "on the training start" (due that very day).
"""

import datetime as dt
from dataclasses import asdict, dataclass

from accords.params import Deposit, RuleParameters
from cases.rules import dates
from cases.rules.plan import Plan

LABELS = {
    "akto_deposit": "Dépôt du dossier à l'AKTO",
    "akto_decision": "Décision de l'AKTO",
    "fund_reservation": "Réservation des fonds accordée",
    "mission_obligation": "Obligation de missions",
}
SILENCE_LABELS = {"accepted": "silence vaut acceptation", "refused": "silence vaut refus"}


@dataclass(frozen=True)
class Deadline:
    kind: str
    due: dt.date
    safe_date: dt.date
    label: str
    source: str
    silence: str | None = None

    def as_dict(self) -> dict:
        data = asdict(self)
        data["due"], data["safe_date"] = self.due.isoformat(), self.safe_date.isoformat()
        return data


def _deadline(kind: str, due: dt.date, source: str, departement, silence=None) -> Deadline:
    label = LABELS[kind] + (f" ({SILENCE_LABELS[silence]})" if silence else "")
    return Deadline(
        kind=kind,
        due=due,
        safe_date=dates.safe_business_day(due, departement),
        label=label,
        source=source,
        silence=silence,
    )


def deposit_due(plan: Plan, rule: Deposit, departement: str | None = None) -> dt.date:
    """The last day to deposit with AKTO, by the rule set's counting rule."""
    if rule.counting == "on_training_start":
        return plan.training_start or plan.contract_start
    if rule.counting == "working":
        return dates.add_working_days(plan.contract_start, rule.days, departement)
    return dates.add_calendar_days(plan.contract_start, rule.days)


def mission_window_end(plan: Plan, params: RuleParameters) -> dt.date | None:
    """The day the mission obligation is assessed: contract end, or N months after training."""
    if params.mission_after_training and plan.training_end:
        return dates.add_months(plan.training_end, params.mission_after_training.window_months)
    if params.mission_in_contract:
        return plan.contract_end
    return None


def plan_deadlines(
    plan: Plan,
    params: RuleParameters,
    *,
    departement: str | None = None,
    deposit_date: dt.date | None = None,
) -> list[Deadline]:
    """Every deadline of the plan, in the order a case worker meets them."""
    found: list[Deadline] = []
    if params.fund_reservation and params.fund_reservation.required:
        due = plan.contract_start - dates.ONE_DAY
        found.append(
            _deadline("fund_reservation", due, params.fund_reservation.source, departement)
        )
    if params.deposit:
        due = deposit_due(plan, params.deposit, departement)
        found.append(_deadline("akto_deposit", due, params.deposit.source, departement))
        if params.decision:
            base = deposit_date or due
            found.append(
                _deadline(
                    "akto_decision",
                    dates.add_calendar_days(base, params.decision.days),
                    params.decision.source,
                    departement,
                    params.decision.silence,
                )
            )
    window_end = mission_window_end(plan, params)
    if window_end:
        source = (params.mission_after_training or params.mission_in_contract).source
        found.append(_deadline("mission_obligation", window_end, source, departement))
    return found
