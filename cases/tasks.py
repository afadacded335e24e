"""Celery tasks of the cases app: they call one service and are safe to run twice."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from cases.idempotency import idempotency_records_purge
from cases.registers.company_search import CompanySearchUnavailable
from cases.services import registers as register_services

FILL_MAX_RETRIES = 5
FILL_FIRST_DELAY = 10  # seconds, doubled at each retry
FILL_MAX_DELAY = 600
FILL_TIMED_OUT = (
    "La recherche dans le registre des entreprises a dépassé le temps imparti : relancez-la."
)


@shared_task(name="cases.purge_idempotency", acks_late=True)
def purge_idempotency() -> dict[str, int]:
    """Hourly (beat): forget the expired idempotency keys, their kept answers and form tokens."""
    return idempotency_records_purge()


@shared_task(
    bind=True,
    name="cases.fill_from_siret",
    acks_late=True,
    max_retries=FILL_MAX_RETRIES,
    soft_time_limit=30,
    time_limit=45,
    rate_limit="7/s",  # the register's limit (cases.registers.company_search)
)
def fill_from_siret(self, kind: str, record_id: int) -> str:
    """Fill a client company or training provider from the company register.

    Temporary failures (network absent, timeout, 429, 5xx) are retried with a growing delay
    (or the one a 429 asked for); a SIRET the register does not know is not retried.
    """
    last_attempt = self.request.retries >= self.max_retries
    try:
        return register_services.organisation_register_lookup(
            kind=kind, record_id=record_id, last_attempt=last_attempt
        )
    except CompanySearchUnavailable as exc:
        raise self.retry(exc=exc, countdown=fill_retry_delay(self.request.retries, exc)) from exc
    except SoftTimeLimitExceeded:
        return register_services.organisation_register_failed(
            kind=kind, record_id=record_id, message=FILL_TIMED_OUT
        )


def fill_retry_delay(retries: int, exc: CompanySearchUnavailable) -> float:
    """10 s, 20 s, 40 s… (at most 10 min), or longer if the register asked for it (429)."""
    backoff = min(FILL_MAX_DELAY, FILL_FIRST_DELAY * 2**retries)
    return max(backoff, exc.retry_after or 0)
