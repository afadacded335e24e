"""Every write on the webhooks configuration, `<entity>_<verb>(*, …, by)`: checks the role
table (cases.permissions: administrators only), validates, writes. The admin calls these."""

import datetime as dt
import logging
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases.exceptions import DossierError, TransitionForbidden
from cases.permissions import ADD, CHANGE, DELETE, may
from webhooks import signing
from webhooks.choices import DeliveryStatus
from webhooks.events import queue_deliveries
from webhooks.models import WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)

EDITABLE = ("agency", "url", "description", "event_types", "active")


class WebhookRefused(DossierError):
    code = "webhook_refused"


def _refuse_unless(by, action: str, obj, message: str) -> None:
    if not may(by, action, obj):
        raise TransitionForbidden(message)


def _validated(endpoint: WebhookEndpoint) -> None:
    try:
        endpoint.full_clean()
    except ValidationError as error:
        raise WebhookRefused(
            "La destination n'est pas valide.",
            errors={f: [str(m) for m in msgs] for f, msgs in error.message_dict.items()},
        ) from error


@transaction.atomic
def webhook_endpoint_create(*, by, data: dict) -> WebhookEndpoint:
    """A new endpoint with a fresh secret (read once by the caller, who shows it)."""
    endpoint = WebhookEndpoint(secret=signing.new_secret())
    for name in EDITABLE:
        if name in data:
            setattr(endpoint, name, data[name])
    _refuse_unless(by, ADD, endpoint, "Seul un administrateur configure les webhooks.")
    _validated(endpoint)
    endpoint.save()
    logger.info(
        "webhook endpoint %s created for agency %s by %s", endpoint.pk, endpoint.agency_id, by
    )
    return endpoint


@transaction.atomic
def webhook_endpoint_update(*, endpoint_id: int, by, data: dict) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint_id)
    _refuse_unless(by, CHANGE, endpoint, "Seul un administrateur configure les webhooks.")
    for name in EDITABLE:
        if name in data:
            setattr(endpoint, name, data[name])
    if data.get("active"):
        endpoint.disabled_reason = ""
    _validated(endpoint)
    endpoint.save()
    return endpoint


@transaction.atomic
def webhook_endpoint_delete(*, endpoint_id: int, by) -> None:
    endpoint = WebhookEndpoint.objects.get(pk=endpoint_id)
    _refuse_unless(by, DELETE, endpoint, "Seul un administrateur supprime une destination.")
    endpoint.delete()


@transaction.atomic
def webhook_endpoint_rotate_secret(*, endpoint_id: int, by) -> WebhookEndpoint:
    """A new secret; the old one still signs for settings.WEBHOOKS_ROTATION_OVERLAP (both
    signatures in `webhook-signature`), so the receiver can switch without losing events."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint_id)
    _refuse_unless(by, CHANGE, endpoint, "Seul un administrateur renouvelle un secret.")
    now = timezone.now()
    endpoint.previous_secret, endpoint.secret = endpoint.secret, signing.new_secret()
    endpoint.previous_secret_until = now + dt.timedelta(
        hours=settings.WEBHOOKS_ROTATION_OVERLAP_HOURS
    )
    endpoint.secret_rotated_at = now
    endpoint.save()
    return endpoint


@transaction.atomic
def webhook_delivery_retry(*, delivery_id: int, by) -> WebhookDelivery:
    """One more attempt, now (an abandoned delivery, a receiver back); if it fails, the
    schedule goes on from where it stood."""
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
    _refuse_unless(by, CHANGE, delivery, "Seul un administrateur relance une livraison.")
    if delivery.status == DeliveryStatus.SUCCEEDED:
        raise WebhookRefused("Cet événement a déjà été livré : il n'est pas renvoyé.")
    delivery.status, delivery.next_attempt_at = DeliveryStatus.PENDING, timezone.now()
    delivery.claimed_until = None
    delivery.save()
    transaction.on_commit(partial(queue_deliveries, [delivery.pk]))
    return delivery
