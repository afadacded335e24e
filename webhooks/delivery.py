"""Send one delivery: sign, POST, log the attempt, schedule the next one (Standard Webhooks,
« Deliverability and reliability »).

2xx is a success; 410 Gone disables the endpoint; anything else (another status, a timeout, a
refused connection) is retried after the next delay of settings.WEBHOOKS_RETRY_SCHEDULE (the
spec's example schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h), with up to 10 %
random jitter, or later if the receiver asked so (Retry-After); after the last, abandoned.
Redirects are not followed (the spec counts them as failures). Every attempt carries the same
`webhook-id`: the receiver can tell a retry from a new event.

The HTTP call runs outside any transaction: the delivery is claimed first (`claimed_until`),
so that another worker, or the catch-up, leaves it alone meanwhile; a worker that dies mid-call
lets the claim expire and the delivery is sent again, with the same id.
"""

import datetime as dt
import logging
import random
import time
from dataclasses import dataclass

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from webhooks import signing
from webhooks.choices import DeliveryStatus
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent

logger = logging.getLogger(__name__)

USER_AGENT = "alternance-interim-webhooks/1"
CLAIM_MARGIN = dt.timedelta(seconds=30)
GONE = 410


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    duration_ms: int
    error: str = ""
    retry_after: int | None = None

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def retry_delay(failed_attempts: int, outcome: Outcome | None = None) -> dt.timedelta | None:
    """The wait before the next attempt after `failed_attempts` failures; None: give up."""
    schedule = settings.WEBHOOKS_RETRY_SCHEDULE
    if failed_attempts > len(schedule):
        return None
    seconds = schedule[failed_attempts - 1]
    seconds += random.uniform(0, seconds / 10)
    if outcome is not None and outcome.retry_after:
        seconds = max(seconds, outcome.retry_after)
    return dt.timedelta(seconds=seconds)


def secrets_in_use(endpoint: WebhookEndpoint, at: dt.datetime) -> list[str]:
    """The current secret, and the previous one while its overlap lasts (rotation)."""
    keep_previous = endpoint.previous_secret and (
        endpoint.previous_secret_until and endpoint.previous_secret_until > at
    )
    return [endpoint.secret, endpoint.previous_secret] if keep_previous else [endpoint.secret]


def post(endpoint: WebhookEndpoint, event_id: str, body: str) -> Outcome:
    """One signed POST; what came back, or why nothing did (in French, for the delivery log)."""
    at = timezone.now()
    headers = signing.headers(
        msg_id=event_id, body=body, secrets_in_use=secrets_in_use(endpoint, at), at=at
    )
    headers |= {"content-type": "application/json", "user-agent": USER_AGENT}
    timeout = settings.WEBHOOKS_TIMEOUT_SECONDS
    start = time.monotonic()
    try:
        response = requests.post(
            endpoint.url,
            data=body.encode("utf-8"),
            headers=headers,
            timeout=timeout,
            allow_redirects=False,
        )
    except requests.Timeout:
        return Outcome(None, _ms(start), f"Pas de réponse en {timeout} s (délai dépassé).")
    except requests.ConnectionError:
        return Outcome(None, _ms(start), "Connexion impossible : le destinataire ne répond pas.")
    except requests.RequestException as exc:
        return Outcome(None, _ms(start), f"Échec de l'envoi ({type(exc).__name__}).")
    error = "" if 200 <= response.status_code < 300 else _status_error(response.status_code)
    return Outcome(response.status_code, _ms(start), error, _retry_after(response))


def _ms(start: float) -> int:
    return round((time.monotonic() - start) * 1000)


def _status_error(code: int) -> str:
    if 300 <= code < 400:
        return f"Réponse {code} : redirection non suivie, corrigez l'adresse."
    if code == GONE:
        return "Réponse 410 : le destinataire ne veut plus de ces événements."
    return f"Réponse {code} du destinataire."


def _retry_after(response) -> int | None:
    value = response.headers.get("retry-after", "")
    return int(value) if value.isdigit() else None


def delivery_attempt(delivery_id: int, *, now: dt.datetime | None = None) -> WebhookDelivery | None:
    """Attempt a delivery if it is due and nobody else is sending it; None otherwise.

    Idempotent: a delivery already sent, abandoned, not yet due or claimed is left as it is.
    """
    now = now or timezone.now()
    with transaction.atomic():
        delivery = _lock(delivery_id)
        if delivery is None or not _due(delivery, now):
            return None
        endpoint = delivery.endpoint
        if not endpoint.active:
            reason = "Destination désactivée : événement non envoyé."
            return _log(delivery, Outcome(None, 0, reason), now, give_up=True)
        delivery.claimed_until = now + dt.timedelta(seconds=settings.WEBHOOKS_TIMEOUT_SECONDS)
        delivery.claimed_until += CLAIM_MARGIN
        delivery.save(update_fields=["claimed_until"])
        event_id, body = delivery.event_id, delivery.event.body
    outcome = post(endpoint, event_id, body)
    with transaction.atomic():
        delivery = _lock(delivery_id)
        if outcome.status_code == GONE:
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
                active=False,
                disabled_reason=f"Désactivée le {timezone.localtime(now):%d/%m/%Y à %H:%M} : "
                "le destinataire a répondu 410 (Gone).",
            )
        return _log(delivery, outcome, now, give_up=outcome.status_code == GONE)


def _lock(delivery_id: int) -> WebhookDelivery | None:
    return (
        WebhookDelivery.objects.select_for_update(of=("self",))
        .select_related("event", "endpoint")
        .filter(pk=delivery_id)
        .first()
    )


def _due(delivery: WebhookDelivery, now: dt.datetime) -> bool:
    return (
        delivery.status == DeliveryStatus.PENDING
        and (delivery.next_attempt_at is None or delivery.next_attempt_at <= now)
        and (delivery.claimed_until is None or delivery.claimed_until <= now)
    )


def _log(delivery: WebhookDelivery, outcome: Outcome, now, *, give_up: bool) -> WebhookDelivery:
    delivery.attempts += 1
    delivery.claimed_until = None
    if outcome.succeeded:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
            DeliveryStatus.SUCCEEDED,
            now,
            None,
        )
    else:
        delay = None if give_up else retry_delay(delivery.attempts, outcome)
        delivery.next_attempt_at = now + delay if delay else None
        if delay is None:
            delivery.status = DeliveryStatus.ABANDONED
    WebhookAttempt.objects.create(
        delivery=delivery,
        number=delivery.attempts,
        at=now,
        status_code=outcome.status_code,
        duration_ms=outcome.duration_ms,
        error=outcome.error[:500],
        next_attempt_at=delivery.next_attempt_at,
    )
    delivery.save()
    if not outcome.succeeded:
        logger.info(
            "webhook delivery %s: attempt %s failed (%s)",
            delivery.pk,
            delivery.attempts,
            outcome.error,
        )
    return delivery


def deliveries_due(now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    """The pending deliveries whose time has come and that nobody is sending."""
    now = now or timezone.now()
    return list(
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def webhook_log_purge(*, now: dt.datetime | None = None) -> int:
    """Forget the events older than settings.WEBHOOKS_LOG_RETENTION_DAYS that nothing waits
    to send (their deliveries and attempts go with them): the log holds workers' names."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.WEBHOOKS_LOG_RETENTION_DAYS)
    pending = WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).values("event_id")
    deleted, _ = (
        WebhookEvent.objects.filter(occurred_at__lt=cutoff).exclude(pk__in=pending).delete()
    )
    return deleted
