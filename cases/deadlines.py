"""Keep each dossier's deadlines in step with its dates, missions, state and rule set."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from cases.choices import DeadlineKind, DeadlineStatus, DossierState
from cases.models import Deadline, Dossier, Mission
from cases.rules import dates
from cases.rules.in_force import rule_set_in_force
from cases.rules.plan_checks import dossier_deadlines
from cases.signals import deadline_opened


@dataclass(frozen=True)
class ExpectedDeadline:
    kind: str
    due: dt.date
    safe_date: dt.date
    label: str
    source: str
    silence: str = ""
    rule_set_id: int | None = None


def expected_deadlines(dossier: Dossier) -> list[ExpectedDeadline]:
    """The deadlines the rule set in force on the contract start gives this dossier: the
    plan's (`cases.rules.deadlines.plan_deadlines`), the AKTO decision once deposited."""

    rule_set = rule_set_in_force(dossier.dispositif, dossier.contract_start)
    if rule_set is None:
        return []
    return [
        ExpectedDeadline(
            kind=item.kind,
            due=item.due,
            safe_date=item.safe_date,
            label=item.label,
            source=item.source,
            silence=item.silence or "",
            rule_set_id=rule_set.pk,
        )
        for item in dossier_deadlines(dossier, rule_set.params, decision_before_deposit=False)
    ]


def mission_hours(dossier: Dossier, start: dt.date, end: dt.date) -> Decimal:
    """Hours of the dossier's missions that start within [start, end]."""
    total = Mission.objects.filter(
        dossier_id=dossier.pk, start__gte=start, start__lte=end
    ).aggregate(total=Sum("hours"))["total"]
    return total or Decimal("0")


def mission_obligation_met(dossier: Dossier, params) -> bool:
    """CIPI: missions inside the contract; CDPI, CAR: a share of the training hours after it."""

    if params.mission_after_training and dossier.training_end:
        rule = params.mission_after_training
        window_end = dates.add_months(dossier.training_end, rule.window_months)
        needed = dossier.planned_training_hours * rule.numerator / rule.denominator
        after = dossier.training_end + dt.timedelta(days=1)
        return mission_hours(dossier, after, window_end) >= needed
    if params.mission_in_contract and params.mission_in_contract.min is not None:
        done = mission_hours(dossier, dossier.contract_start, dossier.contract_end)
        return done >= params.mission_in_contract.min
    return False


def is_met(dossier: Dossier, kind: str, params=None) -> bool:
    """Whether the dossier already did what the deadline asks."""
    if kind == DeadlineKind.AKTO_DEPOSIT:
        return dossier.deposit_date is not None
    if kind == DeadlineKind.AKTO_DECISION:
        return dossier.akto_decision_date is not None or bool(dossier.deemed_decision)
    if kind == DeadlineKind.FUND_RESERVATION:
        return dossier.funds_reserved_on is not None
    if kind == DeadlineKind.FPETT_OPINION:
        return dossier.opinion_date is not None
    if kind == DeadlineKind.REIMBURSEMENT_REQUEST:
        return dossier.reimbursement_requested_on is not None
    if kind == DeadlineKind.MISSION_OBLIGATION:
        return params is not None and mission_obligation_met(dossier, params)
    return False


def _params(dossier: Dossier):

    rule_set = rule_set_in_force(dossier.dispositif, dossier.contract_start)
    return rule_set.params if rule_set else None


def _close_reason(dossier: Dossier) -> str | None:
    if dossier.state == DossierState.CANCELLED:
        return "Dossier annulé."
    if dossier.state == DossierState.CLOSED:
        return "Dossier clôturé."
    return None


@transaction.atomic
def deadlines_sync(dossier: Dossier, *, now: dt.datetime | None = None) -> list[Deadline]:
    """Create, update, meet or retire the dossier's deadlines. Idempotent.

    A new open deadline is announced (`cases.signals.deadline_opened`): the notifications app
    tells its case worker at once (the « created » reminder).
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    existing = {d.kind: d for d in Deadline.objects.select_for_update().filter(dossier=dossier)}
    closing = _close_reason(dossier)
    expected = {} if closing else {e.kind: e for e in expected_deadlines(dossier)}
    params = _params(dossier) if DeadlineKind.MISSION_OBLIGATION in expected else None
    for kind, deadline in existing.items():
        if kind not in expected and deadline.status == DeadlineStatus.OPEN:
            deadline.status = DeadlineStatus.WAIVED
            deadline.waived_at = now
            deadline.waiver_reason = closing or "Échéance devenue sans objet."
            deadline.save()
    for kind, item in expected.items():
        deadline = existing.get(kind)
        created = deadline is None
        if created:
            deadline = Deadline(dossier=dossier, kind=kind)
        deadline.due, deadline.safe_date = item.due, item.safe_date
        deadline.label, deadline.source, deadline.silence = item.label, item.source, item.silence
        deadline.rule_set_id = item.rule_set_id
        if deadline.status in (DeadlineStatus.OPEN, DeadlineStatus.BREACHED) and is_met(
            dossier, kind, params
        ):
            deadline.status, deadline.met_at = DeadlineStatus.MET, now
        elif deadline.status == DeadlineStatus.BREACHED and deadline.due >= today:
            deadline.status, deadline.breached_at = DeadlineStatus.OPEN, None  # dates corrected
            deadline.escalation_level = 0
        deadline.save()
        existing[kind] = deadline
        if created and deadline.status == DeadlineStatus.OPEN:
            deadline_opened.send(sender=Deadline, deadline=deadline, dossier=dossier)
    return list(existing.values())
