"""Benchmark suite: the deadline sweep, next to its floor in SQL.

On whatever database the process is connected to (filled by ``manage.py generate_load``),
at 9:00 on ``bench.today``:

- floor: the question the sweep asks, in one hand-written SQL statement — the (deadline,
  reminder, recipient) triples due now and not yet sent: the current reminder of each open
  deadline in the window (J-3, J-1, the day…) to its case worker or, without one, to its
  agency's managers; the overdue reminder and the escalation of each open deadline past due;
- first sweep: the sweep where nothing was sent yet, against the floor of the same writes in
  SQL (insert those triples as notices, mark the missed deadlines breached and AKTO's silent
  decisions met);
- repeated sweep: nothing new to send, against the floor of the selection on that state.

Between runs the suite undoes exactly what the sweep wrote (notices and events added since
the snapshot it takes first, the deadlines it breached or met, the deemed decisions it
recorded) and it undoes them once more at the end: the database is left as it was found.
The floor leaves out what AKTO's silences add besides closing the deadline (the dossier's
deemed decision, its event and notice); a generated database has few of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bench.harness import Bench, Figure, timed

SUITE = "sweep"
PARIS = ZoneInfo("Europe/Paris")
CHUNK = 5000


@dataclass
class Snapshot:
    """What the database held before the suite swept it."""

    last_notice: int
    last_event: int
    at_hand: list[int]  # open deadlines past due: the sweep breaches them or closes them


def run(bench: Bench) -> list[Figure]:
    from django.db import connection

    from notifications.services.sweep import sweep

    now = dt.datetime.combine(bench.today, dt.time(9), tzinfo=PARIS)
    snapshot = _snapshot(bench.today)
    select_sql, params = selection_sql(bench.today)
    writes = write_statements(bench.today, now)

    def reset() -> None:
        _undo(snapshot)

    def floor_select():
        with connection.cursor() as cursor:
            cursor.execute(select_sql, params)
            return len(cursor.fetchall())

    def floor_writes():
        counts = []
        with connection.cursor() as cursor:
            for sql, statement_params in writes:
                cursor.execute(sql, statement_params)
                counts.append(cursor.rowcount)
        return counts

    settings = _session_settings()
    try:
        reset()
        selection = timed(floor_select, runs=bench.runs)
        floor_first = timed(floor_writes, runs=bench.runs, before_each=reset)
        first = timed(lambda: sweep(now=now), runs=bench.runs, before_each=reset)
        selection_after = timed(floor_select, runs=bench.runs)
        again = timed(lambda: sweep(now=now), runs=bench.runs)
    finally:
        reset()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("RESET jit")
    summary = first.result.as_dict()
    inserted, breached, met = floor_first.result
    return [
        Figure(
            SUITE,
            "floor: due (deadline, reminder, recipient) not yet sent, one SQL statement",
            selection.median_ms,
            queries=1,
            note=f"{selection.result} triples{settings}",
        ),
        Figure(
            SUITE,
            "first sweep",
            first.median_ms,
            queries=first.queries,
            floor_ms=floor_first.median_ms,
            target_ratio=2,
            note=(
                f"{summary['reminders_created']} reminders, {summary['escalations']} "
                f"escalations, {summary['breached']} breached, {summary['deemed_decisions']} "
                f"deemed decisions; floor: {inserted} inserts, {breached} + {met} updates "
                f"in 3 statements"
            ),
        ),
        Figure(
            SUITE,
            "repeated sweep (nothing new)",
            again.median_ms,
            queries=again.queries,
            floor_ms=selection_after.median_ms,
            target_ratio=2,
            note=f"floor: the same selection, {selection_after.result} triples",
        ),
    ]


def _session_settings() -> str:
    """PostgreSQL: JIT off for this session, as README « Production » advises for this
    workload (JIT compiles short queries whose estimates look large: 0.25 s lost per query)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return ""
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
        cursor.execute("SHOW random_page_cost")
        cost = cursor.fetchone()[0]
    return f"; PostgreSQL session: jit off, random_page_cost {cost}"


def _snapshot(today: dt.date) -> Snapshot:
    from django.db.models import Max

    from cases.choices import DeadlineStatus
    from cases.models import Deadline, DossierEvent
    from notifications.models import Notification

    open_past_due = Deadline.objects.filter(status=DeadlineStatus.OPEN, due__lt=today)
    return Snapshot(
        last_notice=Notification.objects.aggregate(m=Max("pk"))["m"] or 0,
        last_event=DossierEvent.objects.aggregate(m=Max("pk"))["m"] or 0,
        at_hand=list(open_past_due.values_list("pk", flat=True)),
    )


def _undo(snapshot: Snapshot) -> None:
    """Take back what a sweep (or the floor) wrote since the snapshot."""
    from django.db import transaction

    from cases.choices import DeadlineStatus, DossierEventKind
    from cases.models import Deadline, Dossier, DossierEvent
    from notifications.models import Notification

    with transaction.atomic():
        Notification.objects.filter(pk__gt=snapshot.last_notice).delete()
        events = DossierEvent.objects.filter(
            pk__gt=snapshot.last_event, kind=DossierEventKind.DEEMED_DECISION
        )
        deemed = list(events.values_list("dossier_id", flat=True))
        for start in range(0, len(deemed), CHUNK):
            Dossier.objects.filter(pk__in=deemed[start : start + CHUNK]).update(deemed_decision="")
        events.delete()
        for start in range(0, len(snapshot.at_hand), CHUNK):
            Deadline.objects.filter(pk__in=snapshot.at_hand[start : start + CHUNK]).update(
                status=DeadlineStatus.OPEN, breached_at=None, met_at=None, escalation_level=0
            )


def _offsets():
    from notifications.services.sweep import reminder_offsets

    before, overdue = reminder_offsets()
    return sorted(before, key=lambda o: o.days_before), overdue


def _due_cte(today: dt.date) -> tuple[str, list]:
    """The CTEs `due` (deadline, its current kind and level, who answers for it) and
    `managers`, and the `pairs` to send; shared by the selection and the insert."""
    ascending, overdue = _offsets()
    horizon = today + dt.timedelta(days=max((o.days_before for o in ascending), default=-1))
    overdue_key = overdue.key if overdue else "overdue"
    overdue_level = overdue.level if overdue else "urgent"
    cases = " ".join("WHEN d.safe_date <= %s THEN %s" for _ in ascending)
    limits = [today + dt.timedelta(days=o.days_before) for o in ascending]
    kinds = [v for o, limit in zip(ascending, limits, strict=True) for v in (limit, o.key)]
    levels = [v for o, limit in zip(ascending, limits, strict=True) for v in (limit, o.level)]
    escalations = [
        v
        for o, limit in zip(ascending, limits, strict=True)
        for v in (limit, f"{o.key}-escalation" if o.escalate else "")
    ]
    columns = f"""
        SELECT d.id AS deadline_id, d.dossier_id,
               (SELECT dos.agency_id FROM cases_dossier dos WHERE dos.id = d.dossier_id)
                   AS agency_id,
               (SELECT cw.id FROM cases_dossier dos JOIN cases_user cw
                   ON cw.id = dos.case_worker_id AND cw.is_active
                 WHERE dos.id = d.dossier_id) AS case_worker_id,
               CASE WHEN d.due < %s THEN %s {cases} END AS kind,
               CASE WHEN d.due < %s THEN %s {cases} END AS level,
               CASE WHEN d.due < %s THEN 'escalation' {cases} ELSE '' END AS escalation
        FROM cases_deadline d
        WHERE d.status = 'open' AND d.kind <> 'akto_decision' AND """
    column_params = [today, overdue_key, *kinds, today, overdue_level, *levels, today]
    column_params += escalations
    # Two branches, each on its index: past due, and in the reminders' window (bounded below
    # as the sweep does: a safe date falls at most a long weekend before its due date). The
    # dossier's columns come from correlated lookups by primary key, so that no planner
    # estimate leads to a scan of all dossiers.
    sql = f"""
    WITH due AS (
        {columns} d.due < %s
        UNION ALL
        {columns} d.safe_date >= %s AND d.safe_date <= %s AND NOT d.due < %s
    ),
    managers AS (
        SELECT ua.agency_id, u.id AS user_id
        FROM cases_user_agencies ua JOIN cases_user u ON u.id = ua.user_id
        WHERE u.role = 'agency_manager' AND u.is_active
    ),
    pairs AS (
        SELECT deadline_id, dossier_id, kind, level, case_worker_id AS recipient_id
        FROM due WHERE case_worker_id IS NOT NULL
        UNION ALL
        SELECT due.deadline_id, due.dossier_id, due.kind, due.level, m.user_id
        FROM due JOIN managers m ON m.agency_id = due.agency_id
        WHERE due.case_worker_id IS NULL
        UNION ALL
        SELECT due.deadline_id, due.dossier_id, due.escalation,
               CASE WHEN due.escalation = 'escalation' THEN 'urgent' ELSE due.level END,
               m.user_id
        FROM due JOIN managers m ON m.agency_id = due.agency_id
        WHERE due.escalation <> ''
    )"""
    lead = today - dt.timedelta(days=31)
    return sql, [*column_params, today, *column_params, lead, horizon, today]


NOT_SENT = """NOT EXISTS (
        SELECT 1 FROM notifications_notification n
        WHERE n.deadline_id = p.deadline_id AND n.kind = p.kind
          AND n.recipient_id = p.recipient_id)"""


def selection_sql(today: dt.date) -> tuple[str, list]:
    cte, params = _due_cte(today)
    return f"{cte} SELECT p.* FROM pairs p WHERE {NOT_SENT}", params


def write_statements(today: dt.date, now: dt.datetime) -> list[tuple[str, list]]:
    """The sweep's writes by hand: the notices (with a message of the same shape, built in
    SQL), the breaches, the AKTO decisions closed."""
    from django.db import connection

    cte, params = _due_cte(today)
    if connection.vendor == "postgresql":
        day = "to_char({}, 'DD/MM/YYYY')"
    else:
        day = "strftime('%%d/%%m/%%Y', {})"
    message = (
        "p.kind || ' : ' || dl.label || ' — dossier ' || dos.dispositif || ' n° ' || "
        "dos.id || ' (' || w.first_name || ' ' || w.last_name || '). À faire au plus tard le ' "
        f"|| {day.format('dl.safe_date')} || ' (échéance le ' || {day.format('dl.due')} || "
        "' ; source : ' || dl.source || ').'"
    )
    created = connection.ops.adapt_datetimefield_value(now)
    insert = f"""INSERT INTO notifications_notification
        (recipient_id, dossier_id, deadline_id, kind, level, message, created)
    {cte}
    SELECT p.recipient_id, p.dossier_id, p.deadline_id, p.kind, p.level, {message}, %s
    FROM pairs p
    JOIN cases_deadline dl ON dl.id = p.deadline_id
    JOIN cases_dossier dos ON dos.id = p.dossier_id
    JOIN cases_worker w ON w.id = dos.worker_id
    WHERE {NOT_SENT}
    ON CONFLICT DO NOTHING"""
    breach = (
        "UPDATE cases_deadline SET status = 'breached', breached_at = %s, "
        "escalation_level = 1 WHERE status = 'open' AND due < %s AND kind <> 'akto_decision'"
    )
    close = (
        "UPDATE cases_deadline SET status = 'met', met_at = %s "
        "WHERE status = 'open' AND due < %s AND kind = 'akto_decision'"
    )
    return [
        (insert, [*params, created]),
        (breach, [created, today]),
        (close, [created, today]),
    ]
