"""Keep each dossier's deadlines in step with its dates, missions, state and rule set."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from cases.choices import DossierState
from cases.models import Dossier, Mission
from notifications.choices import DeadlineKind, DeadlineStatus, NotificationLevel
from notifications.models import Deadline
from notifications.services.notices import deadline_message, notify, responsible_users


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
    """The deadlines the rule set in force on the contract start gives this dossier."""
    from accords.rule_selectors import rule_set_in_force
    from cases.rules.plan_checks import dossier_deadlines

    rule_set = rule_set_in_force(dossier.dispositif, dossier.contract_start)
    if rule_set is None:
        return []
    params = rule_set.params
    found = list(dossier_deadlines(dossier, params))
    if (opinion := opinion_deadline(dossier, params)) is not None:
        found.append(opinion)
    if (reimbursement := reimbursement_deadline(dossier, params)) is not None:
        found.append(reimbursement)
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
        for item in found
        if item.kind != DeadlineKind.AKTO_DECISION or dossier.deposit_date
    ]


def opinion_deadline(dossier: Dossier, params):
    """CAR: the favourable FPE.TT opinion is due before the request to AKTO (003, fiche CAR)."""
    from cases.rules import dates
    from cases.rules.deadlines import deposit_due
    from cases.rules.plan_checks import dossier_plan

    if not (params.opinion and params.opinion.required):
        return None
    plan = dossier_plan(dossier)
    departement = dossier.agency.departement
    due = deposit_due(plan, params.deposit, departement) if params.deposit else plan.contract_start
    return ExpectedDeadline(
        kind=DeadlineKind.FPETT_OPINION,
        due=due,
        safe_date=dates.safe_business_day(due, departement),
        label="Avis favorable du FPE.TT",
        source=params.opinion.source,
    )


def reimbursement_deadline(dossier: Dossier, params):
    """The reimbursement request, when the rule set gives its delay (003 names no figure)."""
    from cases.rules import dates

    rule = params.reimbursement
    if rule is None or not dossier.training_end:
        return None
    due = dates.add_calendar_days(dossier.training_end, rule.days_after_training)
    departement = dossier.agency.departement
    return ExpectedDeadline(
        kind=DeadlineKind.REIMBURSEMENT_REQUEST,
        due=due,
        safe_date=dates.safe_business_day(due, departement),
        label="Demande de remboursement à l'AKTO",
        source=rule.source,
    )


def mission_hours(dossier: Dossier, start: dt.date, end: dt.date) -> Decimal:
    """Hours of the dossier's missions that start within [start, end]."""
    total = Mission.objects.filter(
        dossier_id=dossier.pk, start__gte=start, start__lte=end
    ).aggregate(total=Sum("hours"))["total"]
    return total or Decimal("0")


def mission_obligation_met(dossier: Dossier, params) -> bool:
    """CIPI: missions inside the contract; CDPI, CAR: a share of the training hours after it."""
    from cases.rules import dates

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
    from accords.rule_selectors import rule_set_in_force

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

    A new open deadline tells its case worker at once (the « created » reminder).
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
            notify(
                responsible_users(dossier),
                dossier=dossier,
                deadline=deadline,
                kind="created",
                level=NotificationLevel.INFO,
                message=deadline_message(deadline, "Nouvelle échéance"),
            )
    return list(existing.values())
