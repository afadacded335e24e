"""Promises under faults: with the broker down users' actions still commit and reminders catch
up; a task run twice (worker killed before its ack) sends no duplicate notice; a database
error in the middle of a step leaves nothing half-written."""

import datetime as dt
from unittest import mock

import pytest
from django.conf import settings
from django.db import DatabaseError
from kombu.exceptions import OperationalError as BrokerDown

from accords.models import RuleSet
from cases.choices import DossierState
from cases.models import Dossier, DossierEvent
from cases.refresh import dossier_refresh
from cases.services import dossier_run_transition
from cases.services import transitions as transition_services
from notifications import tasks
from notifications.models import Notification
from notifications.receivers import rule_set_changed
from tests.factories import DossierFactory
from tests.notifications.test_recheck import _raise_minimum

pytestmark = pytest.mark.django_db
CANCEL = {"cancellation_reason": "error", "comment": "Erreur de saisie."}


@pytest.fixture
def broker_down():
    """Every enqueue fails as it does when Redis is unreachable."""
    with mock.patch(
        "celery.app.task.Task.apply_async", side_effect=BrokerDown("Connection refused")
    ) as patched:
        yield patched


def test_with_the_broker_down_a_step_still_commits(agency, case_worker, broker_down):
    dossier = DossierFactory(cpi=True, agency=agency, case_worker=case_worker)
    dossier_run_transition(dossier_id=dossier.pk, name="cancel", by=case_worker, data=CANCEL)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.CANCELLED
    assert dossier.events.filter(transition="cancel").count() == 1


def test_with_the_broker_down_a_rule_set_correction_reaches_the_dossiers_inline(
    agency, case_worker, broker_down
):
    dossier = DossierFactory(cpi=True, agency=agency, case_worker=case_worker)
    dossier_refresh(dossier)
    rule_set = RuleSet.objects.get(pk=Dossier.objects.get(pk=dossier.pk).rule_set_id)
    _raise_minimum(rule_set, "420")  # 400 h planned: now below the minimum

    rule_set_changed(rule_set_id=rule_set.pk)

    assert broker_down.called  # it tried the worker first
    dossier.refresh_from_db()
    assert "training_hours_below_minimum" in dossier.error_codes
    assert Notification.objects.filter(
        recipient=case_worker, dossier=dossier, kind__startswith="recheck-"
    ).exists()


def test_reminders_missed_while_the_broker_was_down_come_with_the_next_sweep(
    agency, case_worker, broker_down
):
    """No reminder is enqueued per dossier: the periodic sweep finds what is due, so the
    first sweep after the outage sends what the outage held back."""
    start = dt.date.today() - dt.timedelta(days=4)  # CPI deposit due, nothing deposited
    dossier = DossierFactory(cpi=True, agency=agency, case_worker=case_worker, contract_start=start)
    dossier_refresh(dossier)
    assert not Notification.objects.filter(dossier=dossier).exclude(kind="created").exists()
    broker_down.side_effect = None  # the broker is back; beat enqueues the sweep

    tasks.sweep_deadlines.apply()

    assert Notification.objects.filter(dossier=dossier, recipient=case_worker).exists()


def test_a_sweep_run_twice_after_a_killed_worker_sends_no_duplicate_notice(agency, case_worker):
    """acks_late: a worker killed mid-task leaves the message unacknowledged and another
    worker runs it again; the sweep's unique constraints make the second run a no-op."""
    assert tasks.sweep_deadlines.acks_late
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    start = dt.date.today() - dt.timedelta(days=4)
    dossier = DossierFactory(cpi=True, agency=agency, case_worker=case_worker, contract_start=start)
    dossier_refresh(dossier)

    # First delivery: the sweep commits its notices, then the worker dies before e-mailing.
    with (
        mock.patch.object(
            tasks.emails, "send_pending_notifications", side_effect=SystemExit("killed")
        ),
        pytest.raises(SystemExit),
    ):
        tasks.sweep_deadlines.run()
    first = sorted(Notification.objects.filter(dossier=dossier).values_list("kind", "recipient"))
    assert first

    tasks.sweep_deadlines.apply()  # the redelivered message
    tasks.sweep_deadlines.apply()  # and once more for good measure

    again = sorted(Notification.objects.filter(dossier=dossier).values_list("kind", "recipient"))
    assert again == first


def test_a_database_error_mid_step_leaves_nothing_half_written(agency, case_worker):
    dossier = DossierFactory(cpi=True, agency=agency, case_worker=case_worker)
    history_before = dossier.history.count()
    with (
        mock.patch.object(
            transition_services.DossierEvent.objects,
            "create",
            side_effect=DatabaseError("disk full"),
        ),
        pytest.raises(DatabaseError),
    ):
        dossier_run_transition(dossier_id=dossier.pk, name="cancel", by=case_worker, data=CANCEL)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DRAFT
    assert not DossierEvent.objects.filter(dossier=dossier, transition="cancel").exists()
    assert dossier.history.count() == history_before
    # And the dossier is not stuck: the same step works once the database is back.
    dossier_run_transition(dossier_id=dossier.pk, name="cancel", by=case_worker, data=CANCEL)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.CANCELLED
