"""E-mail channel: each reminder for those who ask, one digest a day for the others."""

import datetime as dt

import pytest
from django.core import mail

from cases.deadlines import deadlines_sync
from notifications.choices import EmailMode
from notifications.models import NotificationPreference
from notifications.services.emails import send_digests
from notifications.tasks import send_digests as send_digests_task
from notifications.tasks import sweep_deadlines
from tests.factories import DossierFactory
from tests.notifications.conftest import at


@pytest.fixture
def cpi(agency, case_worker):
    dossier = DossierFactory(
        cpi=True, agency=agency, case_worker=case_worker, contract_start=dt.date(2026, 3, 2)
    )
    deadlines_sync(dossier, now=at("2026-03-02"))
    return dossier


def test_each_reminder_by_email_once(cpi, case_worker):
    NotificationPreference.objects.create(user=case_worker, email_mode=EmailMode.EACH)
    result = sweep_deadlines.apply().get()
    assert result["emails_sent"] >= 1
    assert all(m.to == [case_worker.email] for m in mail.outbox)
    sent = len(mail.outbox)
    assert sweep_deadlines.apply().get()["emails_sent"] == 0
    assert len(mail.outbox) == sent
    body = mail.outbox[0].body
    assert "Bonjour" in body and "AKTO" in body
    assert mail.outbox[0].alternatives[0][1] == "text/html"


def test_digest_only_users_get_no_single_reminders(cpi, case_worker):
    sweep_deadlines.apply().get()
    assert mail.outbox == []


def test_one_digest_a_day_grouped_by_urgency(cpi, case_worker, manager):
    assert send_digests(today=dt.date(2026, 3, 5)) == 2  # the case worker and the agency manager
    digest = next(m for m in mail.outbox if m.to == [case_worker.email])
    assert digest.subject == "Vos échéances du 05/03/2026"
    assert "DANS LES 3 JOURS" in digest.body and "06/03/2026" in digest.body
    assert send_digests(today=dt.date(2026, 3, 5)) == 0
    assert send_digests_task.apply().get() >= 0


def test_no_digest_for_those_who_said_no(cpi, case_worker, manager):
    for user in (case_worker, manager):
        NotificationPreference.objects.create(user=user, email_mode=EmailMode.NONE)
    assert send_digests(today=dt.date(2026, 3, 5)) == 0
