"""A real Redis, a real Celery worker and beat on a short schedule, on PostgreSQL.

Runs when REDIS_URL is set and the database is PostgreSQL (CI's second run). The worker is
another process: the test's rows are committed (no test transaction) and removed at the end,
so the reference data of the test database stays as it was.
"""

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from cases.choices import Role
from cases.deadlines import deadlines_sync
from notifications.models import Notification
from notifications.services.sweep import sweep
from tests.factories import AgencyFactory, DossierFactory, UserFactory

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL")
        or "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="needs REDIS_URL and PostgreSQL (DATABASE_URL)",
    ),
]
ROOT = Path(settings.BASE_DIR)
QUEUES = "sweeps,notifications,reports,celery"


def _database_url() -> str:
    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


def _start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", *args],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _urgent(user) -> int:
    return Notification.objects.filter(recipient=user, level="urgent").count()


def test_worker_and_beat_send_exactly_one_urgent_notice(
    django_db_setup, django_db_blocker, tmp_path
):
    with django_db_blocker.unblock():
        agency = AgencyFactory()
        case_worker = UserFactory(role=Role.CASE_WORKER, agencies=[agency])
        today = timezone.localdate()
        dossier = DossierFactory(
            cpi=True,
            agency=agency,
            case_worker=case_worker,
            contract_start=today - dt.timedelta(days=4),
        )
        deadlines_sync(dossier)  # the deposit is due tomorrow (003 fiche CPI: start + 5 days)
        connection.close()  # the worker gets the database's connections
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "SWEEP_INTERVAL_SECONDS": "2",
            "VAR_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
        worker = _start(
            ["worker", "--pool=solo", "-l", "info", "-Q", QUEUES], env, tmp_path / "worker.log"
        )
        beat = _start(
            ["beat", "-l", "info", "-s", str(tmp_path / "beat-schedule")],
            env,
            tmp_path / "beat.log",
        )
        try:
            deadline = time.monotonic() + 90
            while _urgent(case_worker) == 0 and time.monotonic() < deadline:
                time.sleep(1)
            assert _urgent(case_worker) == 1, (tmp_path / "worker.log").read_text()[-3000:]
            time.sleep(6)  # several more beat ticks: still exactly one
            assert _urgent(case_worker) == 1
            logs = (tmp_path / "worker.log").read_text()
            assert "notifications.sweep_deadlines" in logs and "succeeded" in logs
        finally:
            _stop(beat)
            _stop(worker)
        assert sweep().reminders_created == 0
        worker = dossier.worker
        dossier.delete()
        worker.delete()
        case_worker.delete()
        agency.delete()
