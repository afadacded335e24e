"""The sweep: reminders once, breaches, escalations, AKTO silence (DOMAIN.md §3, §6)."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.choices import DeadlineKind, DeadlineStatus, Role
from cases.deadlines import deadlines_sync
from cases.models import Deadline, DossierEvent
from notifications.models import Notification
from notifications.services.sweep import sweep
from tests.factories import DossierFactory, UserFactory
from tests.notifications.conftest import at

MONDAY = dt.date(2026, 3, 2)  # CPI deposit due Saturday 7 March, safe date Friday 6 March


@pytest.fixture
def cpi(agency, case_worker, manager):
    dossier = DossierFactory(
        cpi=True, agency=agency, case_worker=case_worker, contract_start=MONDAY
    )
    deadlines_sync(dossier, now=at("2026-03-02"))
    return dossier


def reminders(user):
    return list(
        Notification.objects.filter(recipient=user)
        .exclude(kind="created")
        .values_list("kind", "level")
    )


def test_a_cpi_started_four_days_ago_without_deposit_gives_one_urgent_notice(cpi, case_worker):
    """Issue: a CPI that started 4 days ago without a deposit gets exactly one urgent notice."""
    summary = sweep(now=at("2026-03-06"))
    assert reminders(case_worker) == [("d0", "urgent")]
    assert summary.reminders_created == 1
    again = sweep(now=at("2026-03-06", 15))
    assert again.reminders_created == 0
    assert Notification.objects.filter(recipient=case_worker, level="urgent").count() == 1


def test_reminders_come_at_their_offsets_and_once_each(cpi, case_worker):
    for day in ("2026-03-02", "2026-03-03", "2026-03-03", "2026-03-05", "2026-03-06", "2026-03-06"):
        sweep(now=at(day))
    assert sorted(reminders(case_worker)) == [
        ("d-1", "urgent"),
        ("d-3", "warning"),
        ("d0", "urgent"),
    ]


def test_a_missed_deadline_is_breached_and_escalated_once(cpi, case_worker, manager):
    summary = sweep(now=at("2026-03-08"))
    deposit = Deadline.objects.get(dossier=cpi, kind=DeadlineKind.AKTO_DEPOSIT)
    assert deposit.status == DeadlineStatus.BREACHED
    assert deposit.escalation_level == 1 and deposit.breached_at is not None
    assert (summary.breached, summary.escalations) == (1, 1)
    assert ("overdue", "urgent") in reminders(case_worker)
    escalation = Notification.objects.get(recipient=manager, kind="escalation")
    assert escalation.level == "urgent" and "Escalade" in escalation.message
    again = sweep(now=at("2026-03-09"))
    assert (again.breached, again.escalations, again.reminders_created) == (0, 0, 0)


def test_without_a_case_worker_the_agency_managers_are_told(agency, manager):
    dossier = DossierFactory(cpi=True, agency=agency, case_worker=None, contract_start=MONDAY)
    deadlines_sync(dossier, now=at("2026-03-02"))
    sweep(now=at("2026-03-06"))
    assert ("d0", "urgent") in reminders(manager)


@pytest.mark.parametrize(
    ("trait", "silence", "words"),
    [("cpi", "accepted", "réputé accepté"), ("cai", "refused", "réputé refusé")],
)
def test_akto_silence_is_recorded_with_an_event_and_a_notice(
    agency, case_worker, trait, silence, words
):
    """D.6325-2 (CPI: silence = accepted); D.6224-1 s. (CAI: silence = refused)."""
    dossier = DossierFactory(
        **{trait: True},
        agency=agency,
        case_worker=case_worker,
        contract_start=MONDAY,
        state="submitted",
        deposit_date=dt.date(2026, 3, 4),
    )
    deadlines_sync(dossier, now=at("2026-03-04"))
    assert sweep(now=at("2026-03-24")).deemed_decisions == 0  # the 20th day is still AKTO's
    summary = sweep(now=at("2026-03-25"))
    assert summary.deemed_decisions == 1
    dossier.refresh_from_db()
    assert dossier.deemed_decision == silence
    assert dossier.state == "submitted"  # flagged, not decided silently
    event = DossierEvent.objects.get(dossier=dossier, kind="deemed_decision")
    assert words in event.comment
    notice = Notification.objects.get(recipient=case_worker, kind="deemed_decision")
    assert notice.level == "urgent" and words in notice.message
    assert sweep(now=at("2026-03-26")).deemed_decisions == 0
    assert DossierEvent.objects.filter(dossier=dossier, kind="deemed_decision").count() == 1


def test_the_sweep_reads_only_what_is_due(agency, case_worker):
    """Deadlines far away cost nothing: the query count does not grow with them."""

    def queries_for_sweep():
        with CaptureQueriesContext(connection) as ctx:
            sweep(now=at("2026-03-06"))
        return len(ctx.captured_queries)

    near = DossierFactory(cpi=True, agency=agency, case_worker=case_worker, contract_start=MONDAY)
    deadlines_sync(near, now=at("2026-03-02"))
    baseline = queries_for_sweep()
    for _ in range(10):
        far = DossierFactory(cpi=True, agency=agency, contract_start=dt.date(2026, 9, 1))
        deadlines_sync(far, now=at("2026-03-02"))
    assert queries_for_sweep() <= baseline


def test_sweep_command_prints_its_summary(cpi):
    out = StringIO()
    call_command("sweep_deadlines", stdout=out)
    summary = json.loads(out.getvalue())
    assert set(summary) == {
        "checked",
        "reminders_created",
        "escalations",
        "breached",
        "deemed_decisions",
    }


def test_a_manager_waives_a_deadline_with_a_reason(cpi, manager, case_worker):
    from cases.exceptions import DossierError
    from cases.waivers import deadline_waive

    deposit = Deadline.objects.get(dossier=cpi, kind=DeadlineKind.AKTO_DEPOSIT)
    with pytest.raises(DossierError, match="responsable d'agence"):
        deadline_waive(deadline_id=deposit.pk, by=case_worker, reason="Pourquoi pas.")
    with pytest.raises(DossierError, match="motif est obligatoire"):
        deadline_waive(deadline_id=deposit.pk, by=manager, reason="  ")
    deadline_waive(
        deadline_id=deposit.pk,
        by=manager,
        reason="Dépôt tardif accordé par l'AKTO (changement de plateforme, janvier 2026).",
    )
    deposit.refresh_from_db()
    assert deposit.status == DeadlineStatus.WAIVED and deposit.waived_by == manager
    event = DossierEvent.objects.get(dossier=cpi, kind="deadline_waived")
    assert "changement de plateforme" in event.comment and event.actor == manager
    assert sweep(now=at("2026-03-09")).breached == 0
    other_manager = UserFactory(role=Role.AGENCY_MANAGER)
    with pytest.raises(DossierError):
        deadline_waive(deadline_id=deposit.pk, by=other_manager, reason="x")


def _due_dossiers(agency, case_worker, count: int) -> None:
    """`count` deadlines at hand on 6 March, in turn a d0 reminder, a breach and an AKTO
    silence; one dossier in four has no case worker, so its agency's managers are told."""
    starts = [MONDAY, dt.date(2026, 2, 23), dt.date(2026, 2, 2)]
    for i in range(count):
        extra = {"state": "submitted", "deposit_date": dt.date(2026, 2, 4)} if i % 3 == 2 else {}
        dossier = DossierFactory(
            cpi=True,
            agency=agency,
            case_worker=case_worker if i % 4 else None,
            contract_start=starts[i % 3],
            **extra,
        )
        deadlines_sync(dossier, now=at("2026-02-20"))


def _sweep_queries(day: str) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        summary = sweep(now=at(day))
    return len(ctx.captured_queries), summary


@pytest.mark.parametrize("count", [5, 50])
def test_the_number_of_queries_does_not_grow_with_the_deadlines_due(
    agency, case_worker, manager, count, request
):
    """Set-based: 5 or 50 deadlines at hand, the same queries (first run and repeated run).

    (Inserts go in statements of up to 1 000 notices, 142 on SQLite — Django's limit on
    parameters: 50 deadlines stay within one.)"""
    _due_dossiers(agency, case_worker, count)
    queries, summary = _sweep_queries("2026-03-06")
    thirds = [len(range(k, count, 3)) for k in range(3)]
    assert (summary.breached, summary.deemed_decisions) == (thirds[1], thirds[2])
    assert summary.reminders_created == thirds[0] + thirds[1]  # d0 and overdue, one each
    assert summary.escalations == thirds[1]  # each breach, to the one manager
    again, repeated = _sweep_queries("2026-03-06")
    assert repeated.reminders_created == repeated.escalations == repeated.breached == 0
    # 16, and the webhook endpoints that want breaches (webhooks.receivers.deadlines_changed)
    assert queries <= 17 and again <= 6, (queries, again)
    cache = request.config.stash.setdefault(QUERY_COUNTS, {})
    cache[count] = (queries, again)
    if len(cache) == 2:
        assert cache[5] == cache[50], cache


QUERY_COUNTS = pytest.StashKey[dict]()


def test_a_new_case_worker_gets_the_current_reminder_too(cpi, case_worker, agency):
    sweep(now=at("2026-03-06"))
    newcomer = UserFactory(role=Role.CASE_WORKER, agencies=[agency])
    cpi.case_worker = newcomer
    cpi.save()
    assert sweep(now=at("2026-03-06", 15)).reminders_created == 1
    assert reminders(newcomer) == [("d0", "urgent")]
    assert reminders(case_worker) == [("d0", "urgent")]


def test_an_inactive_case_worker_hands_the_reminder_to_the_managers(cpi, case_worker, manager):
    case_worker.is_active = False
    case_worker.save()
    sweep(now=at("2026-03-06"))
    assert reminders(manager) == [("d0", "urgent")]
    assert reminders(case_worker) == []
    assert sweep(now=at("2026-03-06", 15)).reminders_created == 0


def test_an_offset_that_escalates_tells_the_managers_once(cpi, case_worker, manager):
    from notifications.models import ReminderOffset

    ReminderOffset.objects.filter(key="d0").update(escalate=True)
    first = sweep(now=at("2026-03-06"))
    assert (first.reminders_created, first.escalations) == (1, 1)
    notice = Notification.objects.get(recipient=manager, kind="d0-escalation")
    assert "pour information" in notice.message
    again = sweep(now=at("2026-03-06", 15))
    assert (again.reminders_created, again.escalations) == (0, 0)


def test_a_notice_inserted_elsewhere_first_is_neither_inserted_nor_reported(cpi, case_worker):
    """What another worker inserted between our read and our write: ON CONFLICT drops ours,
    RETURNING leaves it out, so the sweep neither counts nor e-mails it."""
    from notifications.services.notices import NewNotice, notices_insert

    deposit = Deadline.objects.get(dossier=cpi, kind=DeadlineKind.AKTO_DEPOSIT)

    def notice(kind):
        return NewNotice(case_worker.pk, cpi.pk, deposit.pk, kind, "urgent", kind)

    assert len(notices_insert([notice("d0")])) == 1
    inserted = notices_insert([notice("d0"), notice("d-1")])
    assert [n.kind for n in inserted] == ["d-1"]
    assert Notification.objects.get(pk=inserted[0].pk).kind == "d-1"
    assert Notification.objects.filter(deadline=deposit, kind="d0").count() == 1


def test_e_mails_are_queued_per_person_after_the_commit(
    cpi, case_worker, manager, django_capture_on_commit_callbacks
):
    from unittest import mock

    from notifications.choices import EmailMode
    from notifications.models import NotificationPreference

    NotificationPreference.objects.create(user=case_worker, email_mode=EmailMode.EACH)
    with mock.patch("notifications.tasks.email_recipient.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            sweep(now=at("2026-03-08"))  # overdue to the case worker, escalation to the manager
            assert not delay.called  # nothing leaves before the commit
        assert len(callbacks) == 1  # the manager takes the daily digest only
        delay.assert_called_once_with(case_worker.pk)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            sweep(now=at("2026-03-09"))
        assert callbacks == []
