"""Celery tasks: they take ids and call one service (webhooks/delivery.py)."""

import logging

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from webhooks.delivery import deliveries_due, delivery_attempt, webhook_log_purge

logger = logging.getLogger(__name__)
RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),  # the database, not the receiver
    "retry_backoff": True,
    "retry_jitter": True,
    "max_retries": 6,
}


@shared_task(name="webhooks.deliver", acks_late=True, **RETRY)
def deliver(delivery_id: int) -> str | None:
    """Attempt one delivery; if it failed and the next attempt comes soon, queue it with that
    countdown (a later one waits for the catch-up: a broker may redeliver a task held longer
    than its visibility timeout)."""
    delivery = delivery_attempt(delivery_id)
    if delivery is None:
        return None
    if delivery.next_attempt_at is not None:
        wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
        if wait <= settings.WEBHOOKS_COUNTDOWN_MAX_SECONDS:
            deliver.apply_async((delivery_id,), countdown=max(wait, 0))
    return delivery.status


@shared_task(name="webhooks.deliver_due", acks_late=True, **RETRY)
def deliver_due() -> int:
    """The catch-up (beat, every minute): queue the deliveries whose time has come — retries
    scheduled far ahead, and those a down broker could not queue."""
    ids = deliveries_due()
    for delivery_id in ids:
        deliver.delay(delivery_id)
    if ids:
        logger.info("webhooks: %s deliveries due queued", len(ids))
    return len(ids)


@shared_task(name="webhooks.purge_log", acks_late=True, **RETRY)
def purge_log() -> int:
    """Daily (beat): the delivery log keeps WEBHOOKS_LOG_RETENTION_DAYS."""
    return webhook_log_purge()
