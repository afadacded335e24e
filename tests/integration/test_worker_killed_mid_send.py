"""A real Celery worker is killed (SIGKILL) right after the mail server took a reminder, before
it could record the send: the task is delivered again, and no second e-mail goes.

Runs when REDIS_URL is set and the database is PostgreSQL (CI's second run). The worker's
pool process kills itself from its e-mail backend (`tests.crash_mail.KillAfterSendBackend`,
file-based: what it wrote stays written); the worker sees its child lost, and
`acks_late` + `reject_on_worker_lost` hand the message to a new child at once.
"""

import os
import re
import time

import pytest
from django.conf import settings
from django.db import connection

from cases.choices import Role
from notifications.choices import EmailMode, NotificationLevel
from notifications.models import Notification, NotificationPreference
from notifications.services.emails import send_pending_notifications
from notifications.tasks import email_recipient
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
WORKER = ["worker", "-l", "info", "-Q", QUEUES, "--concurrency=1"]
WORKER += ["--without-gossip", "--without-mingle"]


def _wait(condition, seconds: float, log) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(log.read_text()[-4000:])
        time.sleep(0.5)


def _emails(folder) -> list[str]:
    messages = []
    for path in folder.glob("*.log"):
        messages += re.findall(r"^Subject: .*$", path.read_text(), flags=re.MULTILINE)
    return messages


def _runs(log) -> int:
    return len(re.findall(r"notifications\.email_recipient\[[^]]+\] received", log.read_text()))


def test_a_worker_killed_after_the_smtp_send_sends_no_second_email(
    django_db_setup, django_db_blocker, tmp_path
):
    with django_db_blocker.unblock():
        agency = AgencyFactory()
        user = UserFactory(role=Role.CASE_WORKER, agencies=[agency], email="cc@x.invalid")
        NotificationPreference.objects.create(user=user, email_mode=EmailMode.EACH)
        dossier = DossierFactory(agency=agency, case_worker=user)
        notice = Notification.objects.create(
            recipient=user,
            dossier=dossier,
            kind="d-1",
            level=NotificationLevel.URGENT,
            message="Dépôt AKTO demain.",
        )
        connection.close()
        mail, marker = tmp_path / "mail", tmp_path / "crash-once"
        marker.touch()
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "VAR_DIR": str(tmp_path),
            "EMAIL_BACKEND": "tests.crash_mail.KillAfterSendBackend",
            "EMAIL_FILE_PATH": str(mail),
            "CRASH_MARKER": str(marker),
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
        log = tmp_path / "worker.log"
        email_recipient.app.control.purge()  # nothing left over from another run
        worker = _start([*WORKER, "-n", "mailer@%h"], env, log)
        try:
            _wait(lambda: "ready." in log.read_text(), 60, log)
            email_recipient.delay(user.pk)
            _wait(lambda: not marker.exists(), 60, log)  # the pool process died after sending
            _wait(lambda: "succeeded" in log.read_text(), 60, log)  # the message came back
            time.sleep(2)

            text = log.read_text()
            assert "WorkerLostError" in text or "SIGKILL" in text, text[-4000:]
            assert _runs(log) == 2, text[-4000:]  # delivered, then delivered again
            assert len(_emails(mail)) == 1
            notice.refresh_from_db()
            assert notice.email_claimed_at is not None and notice.emailed_at is None
            assert send_pending_notifications(recipient_id=user.pk) == 0
            connection.close()
        finally:
            _stop(worker)
        assert len(_emails(mail)) == 1
        notice.delete()
        worker_row = dossier.worker
        dossier.delete()
        worker_row.delete()
        user.delete()
        agency.delete()
