"""Celery tasks of the cases app: they call one service and are safe to run twice."""

from celery import shared_task

from cases.idempotency import idempotency_records_purge


@shared_task(name="cases.purge_idempotency", acks_late=True)
def purge_idempotency() -> dict[str, int]:
    """Hourly (beat): forget the expired idempotency keys, their kept answers and form tokens."""
    return idempotency_records_purge()
