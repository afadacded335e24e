"""The deadline sweep: reminders, breaches, escalations and AKTO's silence.

It reads only what is due soon or overdue, through the (status, safe_date) and (status, due)
indexes, so its cost follows the number of deadlines at hand, not the number of dossiers.
"""

import datetime as dt
import logging
from dataclasses import asdict, dataclass

from django.db import transaction
from django.utils import timezone

from cases.choices import DossierState
from cases.models import Dossier, DossierEvent
from notifications.choices import DeadlineKind, DeadlineStatus, NotificationLevel
from notifications.models import Deadline, Notification, ReminderOffset
from notifications.services.notices import (
    ManagersByAgency,
    deadline_message,
    dossier_label,
    notify,
    responsible_users,
)

logger = logging.getLogger(__name__)

SILENCE_WORDS = {"accepted": "réputé accepté", "refused": "réputé refusé"}


@dataclass
class SweepSummary:
    checked: int = 0
    reminders_created: int = 0
    escalations: int = 0
    breached: int = 0
    deemed_decisions: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def reminder_offsets() -> tuple[list[ReminderOffset], ReminderOffset | None]:
    """The reminders before the deadline (most days first) and the overdue one."""
    offsets = list(ReminderOffset.objects.order_by("-days_before"))
    before = [o for o in offsets if o.days_before >= 0]
    overdue = next((o for o in offsets if o.days_before < 0), None)
    return before, overdue


def current_offset(deadline: Deadline, today: dt.date, before: list[ReminderOffset]):
    """The most pressing reminder whose day has come (older missed ones are not sent late)."""
    due_offsets = [
        o for o in before if deadline.safe_date - dt.timedelta(days=o.days_before) <= today
    ]
    return min(due_offsets, key=lambda o: o.days_before, default=None)


def sweep(*, now: dt.datetime | None = None) -> SweepSummary:
    now = now or timezone.now()
    today = timezone.localdate(now)
    summary = SweepSummary()
    before, overdue = reminder_offsets()
    _remind(today, before, summary)
    _breach(now, today, overdue, summary)
    logger.info("deadline sweep on %s: %s", today, summary.as_dict())
    return summary


def _remind(today: dt.date, before: list[ReminderOffset], summary: SweepSummary) -> None:
    if not before:
        return
    horizon = today + dt.timedelta(days=max(o.days_before for o in before))
    due_soon = list(
        Deadline.objects.filter(status=DeadlineStatus.OPEN, safe_date__lte=horizon, due__gte=today)
        .exclude(kind=DeadlineKind.AKTO_DECISION)  # AKTO's deadline, not the agency's
        .select_related("dossier__worker", "dossier__case_worker", "dossier__agency")
    )
    # What was already sent, in one query: a repeated sweep then writes nothing.
    sent = set(
        Notification.objects.filter(deadline__in=[d.pk for d in due_soon]).values_list(
            "deadline_id", "kind", "recipient_id"
        )
    )
    managers = ManagersByAgency()
    for deadline in due_soon:
        summary.checked += 1
        offset = current_offset(deadline, today, before)
        if offset is None:
            continue
        dossier = deadline.dossier
        recipients = responsible_users(dossier, managers)
        fresh = [u for u in recipients if (deadline.pk, offset.key, u.pk) not in sent]
        summary.reminders_created += notify(
            fresh,
            dossier=dossier,
            deadline=deadline,
            kind=offset.key,
            level=offset.level,
            message=deadline_message(deadline, offset.label),
        )
        if offset.escalate:
            kind = f"{offset.key}-escalation"
            fresh = [u for u in managers(dossier) if (deadline.pk, kind, u.pk) not in sent]
            summary.escalations += notify(
                fresh,
                dossier=dossier,
                deadline=deadline,
                kind=kind,
                level=offset.level,
                message=deadline_message(deadline, f"{offset.label} (pour information)"),
            )


def _breach(now, today, overdue: ReminderOffset | None, summary: SweepSummary) -> None:
    past_due = Deadline.objects.filter(status=DeadlineStatus.OPEN, due__lt=today).select_related(
        "dossier__worker", "dossier__case_worker", "dossier__agency"
    )
    managers = ManagersByAgency()
    for deadline in past_due.iterator(chunk_size=500):
        summary.checked += 1
        if deadline.kind == DeadlineKind.AKTO_DECISION:
            summary.deemed_decisions += _deem_decision(deadline, now)
            continue
        with transaction.atomic():
            won = Deadline.objects.filter(pk=deadline.pk, status=DeadlineStatus.OPEN).update(
                status=DeadlineStatus.BREACHED, breached_at=now, escalation_level=1
            )
            if not won:  # another worker got there first
                continue
            summary.breached += 1
            dossier = deadline.dossier
            level = overdue.level if overdue else NotificationLevel.URGENT
            label = overdue.label if overdue else "Échéance dépassée"
            summary.reminders_created += notify(
                responsible_users(dossier, managers),
                dossier=dossier,
                deadline=deadline,
                kind=overdue.key if overdue else "overdue",
                level=level,
                message=deadline_message(deadline, label),
            )
            summary.escalations += notify(
                managers(dossier),
                dossier=dossier,
                deadline=deadline,
                kind="escalation",
                level=NotificationLevel.URGENT,
                message=deadline_message(deadline, "Escalade — échéance dépassée"),
            )


def _deem_decision(deadline: Deadline, now: dt.datetime) -> int:
    """AKTO did not answer in time: record what its silence means, and tell the case worker."""
    silence = deadline.silence
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=deadline.dossier_id)
        closed = Deadline.objects.filter(pk=deadline.pk, status=DeadlineStatus.OPEN).update(
            status=DeadlineStatus.MET, met_at=now
        )
        if not closed or dossier.state != DossierState.SUBMITTED or not silence:
            return 0
        if dossier.akto_decision_date or dossier.deemed_decision:
            return 0
        Dossier.objects.filter(pk=dossier.pk).update(deemed_decision=silence)
        words = SILENCE_WORDS[silence]
        text = (
            f"Sans décision de l'AKTO au {deadline.due:%d/%m/%Y} (dépôt le "
            f"{dossier.deposit_date:%d/%m/%Y}), le dossier est {words} "
            f"(source : {deadline.source})."
        )
        DossierEvent.objects.create(
            dossier=dossier, kind="deemed_decision", comment=text, data={"silence": silence}
        )
        notify(
            responsible_users(dossier),
            dossier=dossier,
            kind="deemed_decision",
            level=NotificationLevel.URGENT,
            message=f"{dossier_label(dossier).capitalize()} : {text} Enregistrez la suite à donner.",
        )
    return 1
