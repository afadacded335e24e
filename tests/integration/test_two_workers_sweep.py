"""Two Celery workers sweep at the same moment: one notice per reminder, one e-mail each.

Runs when REDIS_URL is set and the database is PostgreSQL (CI's second run). Two worker
processes (two pool processes each) consume every queue; the sweep is fired many times at
once, plus a manual sweep from this process, as a retry, `manage.py sweep_deadlines` and a
beat tick may overlap. Only SMTP is replaced: the workers write their e-mails to files
(Django's file-based backend). The test's rows are committed and removed at the end.
"""

import datetime as dt
import os
import re
import time

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from cases.choices import DeadlineKind, DeadlineStatus, Role
from cases.deadlines import deadlines_sync
from cases.models import Deadline
from notifications.choices import EmailMode
from notifications.models import Notification, NotificationPreference
from notifications.services.sweep import sweep
from notifications.tasks import sweep_deadlines
from tests.factories import AgencyFactory, DossierFactory, UserFactory
from tests.integration.test_celery_sweep import QUEUES, _database_url, _start, _stop

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL")
        or "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="needs REDIS_URL and PostgreSQL (DATABASE_URL)",
    ),
]
WORKER = ["worker", "-l", "info", "-Q", QUEUES, "--concurrency=2"]
WORKER += ["--without-gossip", "--without-mingle"]
DUE_SOON = 40  # the deposit is due tomorrow: a J-1 reminder
MISSED = 40  # the deposit was due five days ago: breach, overdue reminder, escalation
SWEEPS = 12


def _wait(condition, seconds: float, logs) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("\n\n".join(log.read_text()[-3000:] for log in logs))
        time.sleep(0.5)


def _emails(folder) -> list[str]:
    """Every message the workers' file backend wrote (a file may hold several)."""
    messages = []
    for path in folder.glob("*.log"):
        messages += re.findall(r"^Subject: .*$", path.read_text(), flags=re.MULTILINE)
    return messages


def _succeeded(log) -> int:
    return len(re.findall(r"notifications\.sweep_deadlines\[[^]]+\] succeeded", log.read_text()))


def test_two_workers_sweeping_at_once_send_each_reminder_and_each_email_once(
    django_db_setup, django_db_blocker, tmp_path
):
    with django_db_blocker.unblock():
        agency = AgencyFactory()
        case_worker = UserFactory(role=Role.CASE_WORKER, agencies=[agency], email="cc@x.invalid")
        manager = UserFactory(role=Role.AGENCY_MANAGER, agencies=[agency], email="am@x.invalid")
        for user in (case_worker, manager):
            NotificationPreference.objects.create(user=user, email_mode=EmailMode.EACH)
        today = timezone.localdate()
        starts = [today - dt.timedelta(days=4)] * DUE_SOON + [
            today - dt.timedelta(days=10)
        ] * MISSED
        dossiers = [
            DossierFactory(cpi=True, agency=agency, case_worker=case_worker, contract_start=start)
            for start in starts
        ]
        for dossier in dossiers:
            deadlines_sync(dossier)  # the « created » notices: e-mailed once too
        connection.close()
        mail = tmp_path / "mail"
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "VAR_DIR": str(tmp_path),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mail),
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
        logs = [tmp_path / "worker1.log", tmp_path / "worker2.log"]
        sweep_deadlines.app.control.purge()  # nothing left over from another run
        workers = [
            _start([*WORKER, "-n", f"sweep{i}@%h"], env, log) for i, log in enumerate(logs, start=1)
        ]
        try:
            _wait(lambda: all("ready." in log.read_text() for log in logs), 60, logs)
            for _ in range(SWEEPS):
                sweep_deadlines.delay()
            sweep()  # a manual sweep in the middle of them
            connection.close()
            _wait(lambda: sum(_succeeded(log) for log in logs) == SWEEPS, 120, logs)
            pending = Notification.objects.filter(dossier__agency=agency, emailed_at__isnull=True)
            _wait(lambda: not pending.exists(), 60, logs)
            time.sleep(3)  # any straggling e-mail task would land now
            assert all(_succeeded(log) for log in logs), "both workers swept"

            notices = Notification.objects.filter(dossier__agency=agency)
            kinds = sorted(notices.values_list("kind", "recipient_id").distinct())
            expected = {
                ("created", case_worker.pk): DUE_SOON + MISSED,
                ("d-1", case_worker.pk): DUE_SOON,
                ("overdue", case_worker.pk): MISSED,
                ("escalation", manager.pk): MISSED,
            }
            counts = {
                key: notices.filter(kind=key[0], recipient_id=key[1]).count() for key in kinds
            }
            assert counts == expected
            for kind in ("d-1", "overdue", "escalation"):  # one per deadline, never two
                per_deadline = notices.filter(kind=kind).values_list("deadline_id", flat=True)
                assert len(per_deadline) == len(set(per_deadline))
            missed = Deadline.objects.filter(dossier__agency=agency, kind=DeadlineKind.AKTO_DEPOSIT)
            assert missed.filter(status=DeadlineStatus.BREACHED).count() == MISSED

            emails = _emails(mail)
            assert len(emails) == notices.count() == sum(expected.values()), len(emails)
            assert not notices.filter(emailed_at__isnull=True).exists()
        finally:
            for worker in workers:
                _stop(worker)
        for dossier in dossiers:
            worker = dossier.worker
            dossier.delete()
            worker.delete()
        case_worker.delete()
        manager.delete()
        agency.delete()
