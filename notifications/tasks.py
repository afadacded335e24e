"""Celery tasks: they take ids, call one service, are idempotent and retry on transient errors."""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from cases.deadlines import deadlines_sync
from cases.models import Dossier
from notifications.services import emails, recheck, sweep

logger = logging.getLogger(__name__)
TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError)
RETRY = {
    "autoretry_for": TRANSIENT,
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 6,
}


@shared_task(name="notifications.sweep_deadlines", acks_late=True, **RETRY)
def sweep_deadlines() -> dict:
    """Reminders, breaches, escalations, AKTO silence; then e-mail what waits to be sent.

    The sweep queues an e-mail task per person for the notices it wrote; the catch-up here
    sends the rest (notices of new deadlines, of rule-set re-checks, of an enqueue that failed).
    """
    summary = sweep.sweep().as_dict()
    summary["emails_sent"] = emails.send_pending_notifications()
    logger.info("sweep_deadlines: %s", summary)
    return summary


@shared_task(name="notifications.email_recipient", acks_late=True, **RETRY)
def email_recipient(user_id: int) -> int:
    """E-mail one person the notices they have not received yet (queued by the sweep)."""
    return emails.send_pending_notifications(recipient_id=user_id)


@shared_task(name="notifications.send_digests", acks_late=True, **RETRY)
def send_digests() -> int:
    return emails.send_digests()


@shared_task(name="notifications.sync_dossier_deadlines", acks_late=True, **RETRY)
def sync_dossier_deadlines(dossier_id: int) -> int:

    dossier = Dossier.objects.filter(pk=dossier_id).select_related("worker", "agency").first()
    if dossier is None:
        return 0
    return len(deadlines_sync(dossier))


@shared_task(name="notifications.recheck_rule_set", acks_late=True, **RETRY)
def recheck_rule_set(rule_set_id: int) -> dict:
    return recheck.recheck_rule_set(rule_set_id)
