"""The deadline sweep: reminders, breaches, escalations and AKTO's silence.

Set-based, so that its cost follows the deadlines at hand and its number of queries follows
nothing at all:

- two selections pick the deadlines at hand, through the (status, due) and (status,
  safe_date) indexes: the open ones past due, and the open ones whose current reminder (or
  escalation) someone responsible has not received yet — the database answers "not received
  yet", so a repeated sweep reads no row; each locks the ids, then reads them with their
  dossiers by id;
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
from types import SimpleNamespace
from typing import NamedTuple

from django.db import transaction
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from cases.choices import DeadlineKind, DeadlineStatus, DossierEventKind, DossierState, Role
from cases.models import Deadline, Dossier, DossierEvent, User, Worker
from cases.signals import deadlines_changed
from notifications.choices import NotificationLevel
from notifications.models import Notification, ReminderOffset
from notifications.services.notices import (
    ManagersByAgency,
    NewNotice,
    deadline_message,
    dossier_label,
    notices_insert,
)
from notifications.signals import notices_created

logger = logging.getLogger(__name__)

SILENCE_WORDS = {"accepted": "réputé accepté", "refused": "réputé refusé"}
# How far before its due date a safe date may fall, at most (a long weekend is 4 days).
SAFE_DATE_LEAD = dt.timedelta(days=31)


class DossierRow(NamedTuple):
    pk: int
    dispositif: str
    agency_id: int
    case_worker_id: int | None
    case_worker_active: bool | None
    worker: str


class DeadlineRow(NamedTuple):
    """A deadline at hand, read as plain values: a sweep may read thousands, and model
    instances of deadlines, dossiers, workers and users would cost it far more than its SQL."""

    pk: int
    dossier_id: int
    kind: str
    label: str
    due: dt.date
    safe_date: dt.date
    source: str
    silence: str
    dossier: DossierRow


ROW_FIELDS = (
    *("pk", "dossier_id", "kind", "label", "due", "safe_date", "source", "silence"),
    *("dossier__dispositif", "dossier__agency_id", "dossier__case_worker_id"),
    *("dossier__case_worker__is_active", "dossier__worker__last_name"),
    "dossier__worker__first_name",
)


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
        past_due = _claim(Deadline.objects.filter(status=DeadlineStatus.OPEN, due__lt=today))
        pending = _claim(reminders_pending(today, before)) if before else []
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
        notices_created.send(sender=Notification, notices=created)
        deadlines_changed.send(sender=Deadline, deadline_ids=[d.pk for d in past_due])
    logger.info("deadline sweep on %s: %s", today, summary.as_dict())
    return summary


def _claim(deadlines: QuerySet) -> list[DeadlineRow]:
    """Lock the rows for this sweep and read them; rows another transaction holds (a step, a
    sync, another sweep) are left to the next sweep.

    Two reads: first the ids, from the deadline table alone, then their dossiers by id. The
    database's planner, which cannot know that open deadlines are few among the past ones,
    would otherwise be tempted to join every dossier.
    """
    ids = list(
        deadlines.select_for_update(skip_locked=True, of=("self",))
        .order_by()
        .values_list("pk", flat=True)
    )
    if not ids:
        return []
    rows = Deadline.objects.filter(pk__in=ids).order_by().values_list(*ROW_FIELDS)
    claimed = []
    for *head, dispositif, agency_id, cw_id, cw_active, last_name, first_name in rows:
        worker = Worker.name.fget(SimpleNamespace(last_name=last_name, first_name=first_name))
        dossier = DossierRow(head[1], dispositif, agency_id, cw_id, cw_active, worker)
        claimed.append(DeadlineRow(*head, dossier=dossier))
    return claimed


def _responsible(dossier: DossierRow, managers: ManagersByAgency) -> list[int]:
    """The dossier's case worker; its agency's managers when nobody active is assigned."""
    if dossier.case_worker_id and dossier.case_worker_active:
        return [dossier.case_worker_id]
    return [user.pk for user in managers(dossier)]


def reminders_pending(today: dt.date, before: list[ReminderOffset]) -> QuerySet:
    """Open deadlines whose current reminder (or escalation) someone has not received yet.

    A deadline's current reminder is the one with the fewest days before the safe date whose
    day has come (``current_offset``); the database computes it as ``reminder_kind``.
    """
    ascending = sorted(before, key=lambda o: o.days_before)
    limits = [today + dt.timedelta(days=o.days_before) for o in ascending]
    reminder_kind = Case(
        *[When(safe_date__lte=d, then=Value(o.key)) for o, d in zip(ascending, limits, strict=True)]
    )
    kinds = {"reminder_kind": reminder_kind}
    lacking = _responsible_lack(OuterRef("reminder_kind"))
    if any(o.escalate for o in ascending):
        kinds["escalation_kind"] = Case(
            *[
                When(safe_date__lte=d, then=Value(f"{o.key}-escalation" if o.escalate else ""))
                for o, d in zip(ascending, limits, strict=True)
            ]
        )
        lacking |= ~Q(escalation_kind="") & _managers_lack(OuterRef(OuterRef("escalation_kind")))
    # In the window, the deadlines not yet due: "due >= today" matches every future deadline,
    # so the read walks the (status, safe_date) index over a few days instead. A safe date is
    # the last business day on or before its due date (cases.rules.dates), never weeks before:
    # the lower bound only tells the planner (SQLite keeps no statistics; PostgreSQL's cannot
    # see that open deadlines are few among past safe dates) how narrow the range is.
    window = Deadline.objects.filter(
        status=DeadlineStatus.OPEN,
        safe_date__gte=today - SAFE_DATE_LEAD,
        safe_date__lte=limits[-1],
    ).exclude(due__lt=today)
    in_window = window.exclude(kind=DeadlineKind.AKTO_DECISION).values("pk")  # AKTO's, not ours
    return Deadline.objects.filter(pk__in=in_window).alias(**kinds).filter(lacking).order_by()


def _responsible_lack(kind) -> Q:
    """The dossier's active case worker, or else one of its agency's managers, lacks `kind`."""
    has_it = Notification.objects.filter(
        deadline=OuterRef("pk"), kind=kind, recipient=OuterRef("dossier__case_worker")
    )
    assigned = Q(dossier__case_worker__is_active=True)
    unassigned = Q(dossier__case_worker__isnull=True) | Q(dossier__case_worker__is_active=False)
    return (assigned & ~Exists(has_it)) | (unassigned & _managers_lack(OuterRef(kind)))


def _managers_lack(kind) -> Q:
    """One of the agency's active managers lacks `kind` (an expression of the outer query)."""
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


def _notice(deadline: DeadlineRow, recipient_id: int, kind: str, level: str, message: str):
    return NewNotice(recipient_id, deadline.dossier_id, deadline.pk, kind, level, message)


def _reminders(pending, today, before, managers, sent) -> list[NewNotice]:
    notices = []
    for deadline in pending:
        offset = current_offset(deadline, today, before)
        if offset is None:
            continue
        dossier = deadline.dossier
        message = deadline_message(deadline, offset.label)
        for user_id in _responsible(dossier, managers):
            if (deadline.pk, offset.key, user_id) not in sent:
                notices.append(_notice(deadline, user_id, offset.key, offset.level, message))
        if offset.escalate:
            kind = f"{offset.key}-escalation"
            message = deadline_message(deadline, f"{offset.label} (pour information)")
            for user in managers(dossier):
                if (deadline.pk, kind, user.pk) not in sent:
                    notices.append(_notice(deadline, user.pk, kind, offset.level, message))
    return notices


def _breach(missed: list[DeadlineRow], now: dt.datetime) -> int:
    """Mark the missed deadlines breached, in one UPDATE (this sweep holds their rows)."""
    if not missed:
        return 0
    return Deadline.objects.filter(
        pk__in=[d.pk for d in missed], status=DeadlineStatus.OPEN
    ).update(status=DeadlineStatus.BREACHED, breached_at=now, escalation_level=1)


def _breach_notices(missed, overdue: ReminderOffset | None, managers, sent) -> list[NewNotice]:
    kind = overdue.key if overdue else "overdue"
    level = overdue.level if overdue else NotificationLevel.URGENT
    label = overdue.label if overdue else "Échéance dépassée"
    notices = []
    for deadline in missed:
        message = deadline_message(deadline, label)
        for user_id in _responsible(deadline.dossier, managers):
            if (deadline.pk, kind, user_id) not in sent:
                notices.append(_notice(deadline, user_id, kind, level, message))
        message = deadline_message(deadline, "Escalade — échéance dépassée")
        for user in managers(deadline.dossier):
            if (deadline.pk, "escalation", user.pk) not in sent:
                notices.append(
                    _notice(deadline, user.pk, "escalation", NotificationLevel.URGENT, message)
                )
    return notices


def _deem_decisions(silent: list[DeadlineRow], now: dt.datetime, managers) -> tuple[int, list]:
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
                kind=DossierEventKind.DEEMED_DECISION,
                comment=text,
                data={"silence": deadline.silence},
            )
        )
        message = f"{dossier_label(dossier).capitalize()} : {text} Enregistrez la suite à donner."
        for user_id in _responsible(dossier, managers):
            notices.append(
                NewNotice(
                    user_id, dossier.pk, None, "deemed_decision", NotificationLevel.URGENT, message
                )
            )
    DossierEvent.objects.bulk_create(events)
    return len(deemed), notices
