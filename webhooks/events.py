"""Record events for the endpoints that want them, and queue their delivery after the commit.

Called by the receivers (webhooks/receivers.py) inside the transaction that changed the dossier
or its deadlines: the event exists if and only if the change was committed. Recording never
fails the change: an error here is logged and the change goes on without its event.
"""

import datetime as dt
import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass
from functools import partial

from django.db import transaction

from webhooks import payloads
from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from webhooks.tasks import deliver

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class NewEvent:
    agency_id: int
    dossier_id: int | None
    type: str
    key: str | None  # None: the event is its own key (a step happens once)
    occurred_at: dt.datetime
    data: dict


def new_event_id() -> str:
    """A `webhook-id`: no full stop in it (the spec signs "{id}.{timestamp}.{body}")."""
    return f"msg_{uuid.uuid4().hex}"


def endpoints_for(types: set[str], agency_ids=None) -> list[WebhookEndpoint]:
    """The active endpoints subscribed to one of `types` (of these agencies): one query."""
    endpoints = WebhookEndpoint.objects.filter(active=True)
    if agency_ids is not None:
        endpoints = endpoints.filter(agency_id__in=agency_ids)
    return [e for e in endpoints if types & set(e.event_types)]


def events_record(new: list[NewEvent], endpoints: list[WebhookEndpoint]) -> list[int]:
    """Record each event once per agency (by its key) with a delivery to each endpoint of its
    agency that subscribes to its type and existed when it occurred; queue them after the
    commit. Returns the ids of the deliveries created."""
    try:
        with transaction.atomic():
            delivery_ids = _record(new, endpoints)
    except Exception:  # the change that announced the events must go on regardless
        logger.exception("webhooks: events not recorded (%s)", [e.type for e in new])
        return []
    if delivery_ids:
        transaction.on_commit(partial(queue_deliveries, delivery_ids))
    return delivery_ids


def _record(new: list[NewEvent], endpoints: list[WebhookEndpoint]) -> list[int]:
    by_agency = defaultdict(list)
    for endpoint in endpoints:
        by_agency[endpoint.agency_id].append(endpoint)

    def wanting(event: NewEvent) -> list[WebhookEndpoint]:
        return [
            e
            for e in by_agency[event.agency_id]
            if event.type in e.event_types and e.created <= event.occurred_at
        ]

    new = [e for e in new if wanting(e)]
    keyed = {(e.agency_id, e.key) for e in new if e.key}
    if keyed:
        known = set(
            WebhookEvent.objects.filter(
                agency_id__in={a for a, _ in keyed}, key__in={k for _, k in keyed}
            ).values_list("agency_id", "key")
        )
        new = [e for e in new if (e.agency_id, e.key) not in known]
    if not new:
        return []
    rows, deliveries = [], []
    for event in new:
        event_id = new_event_id()
        rows.append(
            WebhookEvent(
                id=event_id,
                agency_id=event.agency_id,
                dossier_id=event.dossier_id,
                type=event.type,
                occurred_at=event.occurred_at,
                key=event.key or event_id,
                body=payloads.body(type=event.type, occurred_at=event.occurred_at, data=event.data),
            )
        )
        deliveries += [
            WebhookDelivery(event_id=event_id, endpoint=e, next_attempt_at=event.occurred_at)
            for e in wanting(event)
        ]
    WebhookEvent.objects.bulk_create(rows)
    return [d.pk for d in WebhookDelivery.objects.bulk_create(deliveries)]


def queue_deliveries(delivery_ids: list[int]) -> None:
    """One task per delivery. A broker that is down loses nothing: the deliveries stay due
    and the catch-up (`webhooks.deliver_due`, every minute) queues them."""
    for delivery_id in delivery_ids:
        try:
            deliver.delay(delivery_id)
        except Exception:
            logger.warning(
                "webhooks: broker unreachable, delivery %s left to the catch-up", delivery_id
            )
