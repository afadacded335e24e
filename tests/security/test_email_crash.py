"""Promise: at most one e-mail per notice and one digest per person and day, even when the
worker dies after the mail server took the message and before it could record it.

Such a notice is claimed but never confirmed: « envoi incertain » in the admin and in the
next digest, never sent again; it stays in the app. A message that surely did not leave
(server unreachable, message refused) is released and sent by the next run. A real worker
killed mid-send: `tests/integration/test_worker_killed_mid_send.py`."""

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends import locmem

from cases.deadlines import deadlines_sync
from notifications import tasks
from notifications.choices import EmailMode, NotificationLevel
from notifications.models import DigestSent, Notification, NotificationPreference
from notifications.services import emails
from tests.factories import DossierFactory
from tests.notifications.conftest import at

DIE = "tests.crash_mail.DieAfterSendBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
DAY = dt.date(2026, 3, 5)


class RefusingBackend(locmem.EmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"cc@demo.invalid": (550, b"No such user")})


class UnreachableBackend(locmem.EmailBackend):
    def open(self):
        raise ConnectionRefusedError("Connection refused")


class DisconnectedBackend(locmem.EmailBackend):
    """The connection drops after the message was handed over: did the server keep it?"""

    def send_messages(self, messages):
        super().send_messages(messages)
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def due(agency, case_worker):
    """A CPI whose AKTO deposit is due on the day of the digest."""
    dossier = DossierFactory(
        cpi=True, agency=agency, case_worker=case_worker, contract_start=dt.date(2026, 3, 2)
    )
    deadlines_sync(dossier, now=at("2026-03-02"))
    return dossier


@pytest.fixture
def notice(agency, case_worker):
    NotificationPreference.objects.create(user=case_worker, email_mode=EmailMode.EACH)
    return Notification.objects.create(
        recipient=case_worker,
        dossier=DossierFactory(agency=agency, case_worker=case_worker),
        kind="d-1",
        level=NotificationLevel.URGENT,
        message="Dépôt AKTO demain.",
    )


def _runs_after_the_crash() -> None:
    """Everything that sends notices, as after a restart: redelivered task, sweep, catch-up."""
    assert emails.send_pending_notifications() == 0
    assert tasks.email_recipient.apply(args=[Notification.objects.get().recipient_id]).get() == 0
    assert tasks.sweep_deadlines.apply().get()["emails_sent"] == 0


def test_a_worker_killed_between_send_and_confirmation_sends_nothing_more(notice, settings):
    settings.EMAIL_BACKEND = DIE
    with pytest.raises(SystemExit):
        emails.send_pending_notifications()
    assert len(mail.outbox) == 1

    settings.EMAIL_BACKEND = LOCMEM
    _runs_after_the_crash()

    assert len(mail.outbox) == 1
    notice.refresh_from_db()
    assert notice.email_claimed_at is not None and notice.emailed_at is None


def test_an_uncertain_send_is_shown_in_the_admin_and_the_digest(
    notice, due, case_worker, client, settings
):
    settings.EMAIL_BACKEND = DIE
    with pytest.raises(SystemExit):
        emails.send_pending_notifications()
    settings.EMAIL_BACKEND = LOCMEM

    client.force_login(case_worker)
    crashed = Notification.objects.get(email_claimed_at__isnull=False)
    page = client.get("/admin/notifications/notification/?email=uncertain")
    assert list(page.context["cl"].result_list) == [crashed]
    assert "envoi incertain" in page.content.decode()
    assert not client.get("/admin/notifications/notification/?email=sent").context["cl"].result_list

    mail.outbox.clear()
    assert emails.send_digests(today=DAY) == 1
    assert "1 notification(s) non lue(s) dont l'envoi par e-mail est incertain" in (
        mail.outbox[0].body
    )


def test_a_digest_killed_mid_send_is_not_sent_again_that_day(due, case_worker, settings):
    settings.EMAIL_BACKEND = DIE
    with pytest.raises(SystemExit):
        emails.send_digests(today=DAY)
    assert len(mail.outbox) == 1

    settings.EMAIL_BACKEND = LOCMEM
    assert emails.send_digests(today=DAY) == 0
    assert len(mail.outbox) == 1
    claim = DigestSent.objects.get(user=case_worker, day=DAY)
    assert claim.confirmed_at is None  # « envoi incertain »
    assert emails.send_digests(today=DAY + dt.timedelta(days=1)) == 1  # the next day's goes
    assert DigestSent.objects.get(user=case_worker, day=DAY + dt.timedelta(days=1)).confirmed_at


@pytest.mark.parametrize(
    ("backend", "error"),
    [(RefusingBackend, smtplib.SMTPRecipientsRefused), (UnreachableBackend, ConnectionError)],
)
def test_a_message_that_surely_did_not_leave_is_sent_by_the_next_run(
    notice, settings, backend, error
):
    settings.EMAIL_BACKEND = f"{__name__}.{backend.__name__}"
    with pytest.raises(error):
        emails.send_pending_notifications()
    notice.refresh_from_db()
    assert notice.email_claimed_at is None  # released

    settings.EMAIL_BACKEND = LOCMEM
    assert emails.send_pending_notifications() == 1
    notice.refresh_from_db()
    assert notice.emailed_at is not None and len(mail.outbox) == 1


def test_a_digest_that_surely_did_not_leave_is_sent_by_the_next_run(due, settings):
    settings.EMAIL_BACKEND = f"{__name__}.UnreachableBackend"
    with pytest.raises(ConnectionError):
        emails.send_digests(today=DAY)
    assert not DigestSent.objects.exists()
    settings.EMAIL_BACKEND = LOCMEM
    assert emails.send_digests(today=DAY) == 1


def test_a_connection_lost_mid_send_is_uncertain_not_sent_again(notice, settings):
    settings.EMAIL_BACKEND = f"{__name__}.DisconnectedBackend"
    with pytest.raises(smtplib.SMTPServerDisconnected):
        emails.send_pending_notifications()
    settings.EMAIL_BACKEND = LOCMEM
    _runs_after_the_crash()
    assert len(mail.outbox) == 1


def test_a_notice_is_claimed_by_one_worker_only(notice):
    assert emails._notice_claim(notice.pk) is True
    assert emails._notice_claim(notice.pk) is False
    assert emails.send_pending_notifications() == 0  # claimed elsewhere: left alone
