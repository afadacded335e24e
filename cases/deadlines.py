"""Keep each dossier's deadlines in step with its dates, missions, state and rule set."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from cases.choices import DeadlineKind, DeadlineStatus, DossierState
from cases.models import Deadline, Dossier
from cases.rules.in_force import rule_set_in_force
from cases.rules.obligations import MET, dossier_obligations
from cases.rules.plan_checks import dossier_deadlines
from cases.signals import deadline_opened, deadlines_changed
from cases.workflow.steps import steps_meeting


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


def mission_obligation_met(dossier: Dossier, params, *, today: dt.date | None = None) -> bool:
    """Every mission obligation of the dossier met (cases.rules.obligations)."""
    found = dossier_obligations(dossier, params, today=today)
    return bool(found) and all(o.verdict == MET for o in found)


# The dossier field that dates the fact meeting each kind of deadline. The mission obligation
# has none: only hours worked inside its window count, so once met it was met in time.
FACT_FIELDS = {
    DeadlineKind.AKTO_DEPOSIT: "deposit_date",
    DeadlineKind.AKTO_DECISION: "akto_decision_date",
    DeadlineKind.FUND_RESERVATION: "funds_reserved_on",
    DeadlineKind.FPETT_OPINION: "opinion_date",
    DeadlineKind.REIMBURSEMENT_REQUEST: "reimbursement_requested_on",
}


def fact_date(dossier: Dossier, kind: str) -> dt.date | None:
    """The date of the fact that meets a deadline of `kind`, when the dossier records one."""
    field = FACT_FIELDS.get(kind)
    return getattr(dossier, field) if field else None


def met_status(dossier: Dossier, deadline: Deadline) -> str:
    """MET when the fact is dated on or before the due date, MET_LATE after it.

    A met mission obligation is on time (its hours are inside its window), and so is an AKTO
    decision its silence gave on the due date. A fact with no date is late only if the
    deadline had been breached before being met.
    """
    if deadline.kind == DeadlineKind.MISSION_OBLIGATION:
        return DeadlineStatus.MET
    if deadline.kind == DeadlineKind.AKTO_DECISION and dossier.deemed_decision:
        return DeadlineStatus.MET
    on = fact_date(dossier, deadline.kind)
    late = deadline.breached_at is not None if on is None else on > deadline.due
    return DeadlineStatus.MET_LATE if late else DeadlineStatus.MET


def is_met(dossier: Dossier, kind: str, params=None) -> bool:
    """Whether the dossier already did what the deadline asks.

    A deadline is met once a step that meets it (its declaration's `meets`) has recorded the
    date of its event; AKTO's decision may also be deemed from its silence, and the mission
    obligation is met by the missions themselves.
    """
    if kind == DeadlineKind.MISSION_OBLIGATION:
        return params is not None and mission_obligation_met(dossier, params)
    if kind == DeadlineKind.AKTO_DECISION and dossier.deemed_decision:
        return True
    return any(getattr(dossier, step.on) is not None for step in steps_meeting(kind))


def _params(dossier: Dossier):

    rule_set = rule_set_in_force(dossier.dispositif, dossier.contract_start)
    return rule_set.params if rule_set else None


def _cancel_reason(dossier: Dossier) -> str | None:
    """Why a dossier's pending deadlines are dropped: only its cancellation drops them all.

    Closing never changes a deadline (the close step waits until every obligation is met or
    waived by an agency manager); a cancelled dossier's pending deadlines are « Annulée »,
    never « Levée »: only an agency manager lifts a deadline, with a reason
    (`cases.waivers.deadline_waive`).
    """
    return "Dossier annulé." if dossier.state == DossierState.CANCELLED else None


PENDING = (DeadlineStatus.OPEN, DeadlineStatus.BREACHED)
MET_STATUSES = (DeadlineStatus.MET, DeadlineStatus.MET_LATE)


def _follow_the_facts(deadline: Deadline, dossier: Dossier, params, now, today) -> None:
    """Move the deadline's status to what the dossier's facts say (dates may be corrected)."""
    if deadline.status in PENDING and is_met(dossier, deadline.kind, params):
        deadline.status, deadline.met_at = met_status(dossier, deadline), now
    elif deadline.status in MET_STATUSES:
        if is_met(dossier, deadline.kind, params):
            deadline.status = met_status(dossier, deadline)  # its date corrected
        elif deadline.kind == DeadlineKind.MISSION_OBLIGATION:
            # Missions deleted or moved: the obligation is due again (the sweep breaches it).
            deadline.status, deadline.met_at = DeadlineStatus.OPEN, None
    elif deadline.status == DeadlineStatus.BREACHED and deadline.due >= today:
        deadline.status, deadline.breached_at = DeadlineStatus.OPEN, None  # dates corrected
        deadline.escalation_level = 0


@transaction.atomic
def deadlines_sync(dossier: Dossier, *, now: dt.datetime | None = None) -> list[Deadline]:
    """Create, update, meet or retire the dossier's deadlines. Idempotent.

    A new open deadline is announced (`cases.signals.deadline_opened`): the notifications app
    tells its case worker at once (the « created » reminder).
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    existing = {d.kind: d for d in Deadline.objects.select_for_update().filter(dossier=dossier)}
    cancelled = _cancel_reason(dossier)
    expected = {} if cancelled else {e.kind: e for e in expected_deadlines(dossier)}
    params = _params(dossier) if DeadlineKind.MISSION_OBLIGATION in expected else None
    for kind, deadline in existing.items():
        if kind not in expected and deadline.status in PENDING:
            # Nobody waived it: it is « Annulée », with why (never counted as « Levée »).
            deadline.status = DeadlineStatus.CANCELLED
            deadline.waiver_reason = cancelled or "Échéance devenue sans objet."
            deadline.save()
    for kind, item in expected.items():
        deadline = existing.get(kind)
        created = deadline is None
        if created:
            deadline = Deadline(dossier=dossier, kind=kind)
        deadline.due, deadline.safe_date = item.due, item.safe_date
        deadline.label, deadline.source, deadline.silence = item.label, item.source, item.silence
        deadline.rule_set_id = item.rule_set_id
        _follow_the_facts(deadline, dossier, params, now, today)
        deadline.save()
        existing[kind] = deadline
        if created and deadline.status == DeadlineStatus.OPEN:
            deadline_opened.send(sender=Deadline, deadline=deadline, dossier=dossier)
    deadlines_changed.send(sender=Deadline, deadline_ids=[d.pk for d in existing.values()])
    return list(existing.values())
