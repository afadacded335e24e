"""The deadline sweep: reminders, breaches, escalations and AKTO's silence.

Set-based, so that its cost follows the deadlines at hand and its number of queries follows
nothing at all:

- two reads pick the deadlines at hand, through the (status, due) and (status, safe_date)
  indexes: the open ones past due, and the open ones whose current reminder (or escalation)
  someone responsible has not received yet — the database answers "not received yet", so a
  repeated sweep reads no row;
- one read gets what those deadlines already sent, one the agency managers concerned;
- one UPDATE marks the breaches; the AKTO silences take a fixed handful of statements;
- every new notice goes in through ``notices_insert`` (``INSERT … ON CONFLICT DO NOTHING
  RETURNING``), one statement per thousand notices;
- after the commit, one e-mail task per person who wants each reminder.

Many workers: the whole sweep is one transaction. On PostgreSQL it locks the deadlines (and
the dossiers whose silence it records) with ``FOR UPDATE SKIP LOCKED``: two sweeps at the same
moment share the rows instead of doing them twice, and a row a user's step holds is left to
the next sweep rather than waited for. On SQLite a transaction holds the write lock from its
start, so sweeps run one after the other. Either way the unique constraints on notices are
the guarantee: a notice that exists is never inserted again, and only a row this sweep
really inserted is e-mailed.
"""

import datetime as dt
import logging
from dataclasses import asdict, dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from cases.choices import DossierState, Role
from cases.models import Dossier, DossierEvent, User
from notifications.choices import DeadlineKind, DeadlineStatus, NotificationLevel
from notifications.models import Deadline, Notification, ReminderOffset
from notifications.services.emails import notices_email_after_commit
from notifications.services.notices import (
    ManagersByAgency,
    deadline_message,
    dossier_label,
    notices_insert,
    responsible_users,
)

logger = logging.getLogger(__name__)

SILENCE_WORDS = {"accepted": "réputé accepté", "refused": "réputé refusé"}
RELATED = ("dossier__worker", "dossier__case_worker")


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
    with transaction.atomic():
        past_due = list(_claim(Deadline.objects.filter(status=DeadlineStatus.OPEN, due__lt=today)))
        pending = list(_claim(reminders_pending(today, before))) if before else []
        summary.checked = len(past_due) + len(pending)
        managers = ManagersByAgency()
        managers.load({d.dossier.agency_id for d in past_due + pending})
        sent = _sent([d.pk for d in past_due + pending])
        notices = _reminders(pending, today, before, managers, sent)
        missed = [d for d in past_due if d.kind != DeadlineKind.AKTO_DECISION]
        summary.breached = _breach(missed, now)
        notices += _breach_notices(missed, overdue, managers, sent)
        silent = [d for d in past_due if d.kind == DeadlineKind.AKTO_DECISION]
        deemed, deemed_notices = _deem_decisions(silent, now, managers)
        summary.deemed_decisions = deemed
        created = notices_insert(notices + deemed_notices)
        for notice in created:
            if notice.kind == "deemed_decision":
                continue
            if notice.kind.endswith("escalation"):
                summary.escalations += 1
            else:
                summary.reminders_created += 1
        notices_email_after_commit(created)
    logger.info("deadline sweep on %s: %s", today, summary.as_dict())
    return summary


def _claim(deadlines: QuerySet) -> QuerySet:
    """Lock the rows for this sweep; rows another transaction holds are left to the next one."""
    return deadlines.select_for_update(skip_locked=True, of=("self",)).select_related(*RELATED)


def reminders_pending(today: dt.date, before: list[ReminderOffset]) -> QuerySet:
    """Open deadlines whose current reminder (or escalation) someone has not received yet.

    A deadline's current reminder is the one with the fewest days before the safe date whose
    day has come; its window is the range of safe dates for which it is the current one.
    """
    ascending = sorted(before, key=lambda o: o.days_before)
    pending = Q(pk__in=[])
    lower = None
    for offset in ascending:
        upper = today + dt.timedelta(days=offset.days_before)
        window = (
            Q(safe_date__lte=upper)
            if lower is None
            else Q(safe_date__gt=lower, safe_date__lte=upper)
        )
        lacking = _responsible_lack(offset.key)
        if offset.escalate:
            lacking |= _managers_lack(f"{offset.key}-escalation")
        pending |= window & lacking
        lower = upper
    return (
        Deadline.objects.filter(status=DeadlineStatus.OPEN, safe_date__lte=lower, due__gte=today)
        .exclude(kind=DeadlineKind.AKTO_DECISION)  # AKTO's deadline, not the agency's
        .filter(pending)
    )


def _responsible_lack(kind: str) -> Q:
    """The dossier's active case worker, or else one of its agency's managers, lacks `kind`."""
    has_it = Notification.objects.filter(
        deadline=OuterRef("pk"), kind=kind, recipient=OuterRef("dossier__case_worker")
    )
    assigned = Q(dossier__case_worker__is_active=True)
    unassigned = Q(dossier__case_worker__isnull=True) | Q(dossier__case_worker__is_active=False)
    return (assigned & ~Exists(has_it)) | (unassigned & _managers_lack(kind))


def _managers_lack(kind: str) -> Q:
    has_it = Notification.objects.filter(
        deadline=OuterRef(OuterRef("pk")), kind=kind, recipient=OuterRef("user")
    )
    managers = User.agencies.through.objects.filter(
        agency=OuterRef("dossier__agency"), user__role=Role.AGENCY_MANAGER, user__is_active=True
    )
    return Q(Exists(managers.exclude(Exists(has_it))))


def _sent(deadline_ids: list[int]) -> set[tuple]:
    if not deadline_ids:
        return set()
    return set(
        Notification.objects.filter(deadline__in=deadline_ids).values_list(
            "deadline_id", "kind", "recipient_id"
        )
    )


def _notice(deadline: Deadline, recipient: User, kind: str, level: str, message: str):
    return Notification(
        recipient=recipient,
        dossier_id=deadline.dossier_id,
        deadline=deadline,
        kind=kind,
        level=level,
        message=message,
    )


def _reminders(pending, today, before, managers, sent) -> list[Notification]:
    notices = []
    for deadline in pending:
        offset = current_offset(deadline, today, before)
        if offset is None:
            continue
        dossier = deadline.dossier
        message = deadline_message(deadline, offset.label)
        for user in responsible_users(dossier, managers):
            if (deadline.pk, offset.key, user.pk) not in sent:
                notices.append(_notice(deadline, user, offset.key, offset.level, message))
        if offset.escalate:
            kind = f"{offset.key}-escalation"
            message = deadline_message(deadline, f"{offset.label} (pour information)")
            for user in managers(dossier):
                if (deadline.pk, kind, user.pk) not in sent:
                    notices.append(_notice(deadline, user, kind, offset.level, message))
    return notices


def _breach(missed: list[Deadline], now: dt.datetime) -> int:
    """Mark the missed deadlines breached, in one UPDATE (this sweep holds their rows)."""
    if not missed:
        return 0
    return Deadline.objects.filter(
        pk__in=[d.pk for d in missed], status=DeadlineStatus.OPEN
    ).update(status=DeadlineStatus.BREACHED, breached_at=now, escalation_level=1)


def _breach_notices(missed, overdue: ReminderOffset | None, managers, sent) -> list[Notification]:
    kind = overdue.key if overdue else "overdue"
    level = overdue.level if overdue else NotificationLevel.URGENT
    label = overdue.label if overdue else "Échéance dépassée"
    notices = []
    for deadline in missed:
        message = deadline_message(deadline, label)
        for user in responsible_users(deadline.dossier, managers):
            if (deadline.pk, kind, user.pk) not in sent:
                notices.append(_notice(deadline, user, kind, level, message))
        message = deadline_message(deadline, "Escalade — échéance dépassée")
        for user in managers(deadline.dossier):
            if (deadline.pk, "escalation", user.pk) not in sent:
                notices.append(
                    _notice(deadline, user, "escalation", NotificationLevel.URGENT, message)
                )
    return notices


def _deem_decisions(silent: list[Deadline], now: dt.datetime, managers) -> tuple[int, list]:
    """AKTO did not answer in time: record what its silence means, and tell the case worker.

    The dossiers are locked (skipping those a step holds: the next sweep takes them); their
    decision deadline is met whatever the state; a submitted dossier with no decision yet
    gets the deemed decision, an event and a notice.
    """
    if not silent:
        return 0, []
    locked = {
        row[0]: row
        for row in Dossier.objects.select_for_update(skip_locked=True)
        .filter(pk__in={d.dossier_id for d in silent})
        .values_list("pk", "state", "akto_decision_date", "deemed_decision", "deposit_date")
    }
    mine = [d for d in silent if d.dossier_id in locked]
    if not mine:
        return 0, []
    Deadline.objects.filter(pk__in=[d.pk for d in mine], status=DeadlineStatus.OPEN).update(
        status=DeadlineStatus.MET, met_at=now
    )
    deemed = []
    for deadline in mine:
        _, state, decided_on, already, deposit_date = locked[deadline.dossier_id]
        if state == DossierState.SUBMITTED and deadline.silence and not (decided_on or already):
            deemed.append((deadline, deposit_date))
    for silence in {d.silence for d, _ in deemed}:
        Dossier.objects.filter(
            pk__in=[d.dossier_id for d, _ in deemed if d.silence == silence]
        ).update(deemed_decision=silence)
    events, notices = [], []
    for deadline, deposit_date in deemed:
        dossier = deadline.dossier
        text = (
            f"Sans décision de l'AKTO au {deadline.due:%d/%m/%Y} (dépôt le "
            f"{deposit_date:%d/%m/%Y}), le dossier est {SILENCE_WORDS[deadline.silence]} "
            f"(source : {deadline.source})."
        )
        events.append(
            DossierEvent(
                dossier_id=dossier.pk,
                kind="deemed_decision",
                comment=text,
                data={"silence": deadline.silence},
            )
        )
        message = f"{dossier_label(dossier).capitalize()} : {text} Enregistrez la suite à donner."
        for user in responsible_users(dossier, managers):
            notices.append(
                Notification(
                    recipient=user,
                    dossier_id=dossier.pk,
                    kind="deemed_decision",
                    level=NotificationLevel.URGENT,
                    message=message,
                )
            )
    DossierEvent.objects.bulk_create(events)
    return len(deemed), notices
