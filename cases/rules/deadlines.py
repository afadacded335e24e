"""The deadlines a plan creates, each with its due date and its safe business day (DOMAIN.md §3).

The one computation of them: the simulator (`POST /api/v1/rules/check`), the creation preview
and the dossier's stored deadlines (`cases.deadlines.expected_deadlines`) all read
`plan_deadlines`.

The mission obligation and the reimbursement request count from the actual training end once
the dossier records it (`Plan.training_ended_on`), else from the planned end.

The counting rule is a parameter of the rule set: calendar days or *jours ouvrables* counted
from the day after the start, or "on the training start" (due that very day).
"""

import datetime as dt
from dataclasses import asdict, dataclass

from accords.params import Deposit, RuleParameters
from cases.rules import dates
from cases.rules.obligations import plan_obligation_rules
from cases.rules.plan import Plan

LABELS = {
    "fpett_opinion": "Avis favorable du FPE.TT",
    "fund_reservation": "Réservation des fonds accordée",
    "akto_deposit": "Dépôt du dossier à l'AKTO",
    "akto_decision": "Décision de l'AKTO",
    "mission_obligation": "Obligation de missions",
    "reimbursement_request": "Demande de remboursement à l'AKTO",
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


def plan_deadlines(
    plan: Plan,
    params: RuleParameters,
    *,
    departement: str | None = None,
    deposit_date: dt.date | None = None,
    decision_before_deposit: bool = True,
) -> list[Deadline]:
    """Every deadline of the plan, in the order a case worker meets them.

    The AKTO decision counts from the deposit. Until the deposit date is known, a plan
    (simulator, preview) shows it counted from the last day to deposit; a dossier does not
    carry it yet (`decision_before_deposit=False`): its silence means nothing before a deposit.
    """
    found: list[Deadline] = []
    deposit = deposit_due(plan, params.deposit, departement) if params.deposit else None
    if params.opinion and params.opinion.required:
        # 003 fiche CAR: the favourable opinion comes before the request to AKTO.
        due = deposit or plan.contract_start
        found.append(_deadline("fpett_opinion", due, params.opinion.source, departement))
    if params.fund_reservation and params.fund_reservation.required:
        due = plan.contract_start - dates.ONE_DAY
        found.append(
            _deadline("fund_reservation", due, params.fund_reservation.source, departement)
        )
    if params.deposit:
        found.append(_deadline("akto_deposit", deposit, params.deposit.source, departement))
        if params.decision and (deposit_date or decision_before_deposit):
            found.append(
                _deadline(
                    "akto_decision",
                    dates.add_calendar_days(deposit_date or deposit, params.decision.days),
                    params.decision.source,
                    departement,
                    params.decision.silence,
                )
            )
    obligations = plan_obligation_rules(plan, params)
    if obligations:
        last = max(obligations, key=lambda o: o.window_end)
        found.append(_deadline("mission_obligation", last.window_end, last.source, departement))
    ended = plan.training_ended_on or plan.training_end
    if params.reimbursement and ended:
        # 003 (CIPI, CDPI, CAR): after the training — its actual end once recorded, like the
        # mission obligation's window; the delay is a parameter.
        due = dates.add_calendar_days(ended, params.reimbursement.days_after_training)
        found.append(
            _deadline("reimbursement_request", due, params.reimbursement.source, departement)
        )
    return found
