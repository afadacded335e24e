"""What the webhooks app does when the cases layer announces something (cases/signals.py).
Connected in `WebhooksConfig.ready`; each runs in the sender's transaction."""

import json

from django.utils import timezone

from cases.choices import DeadlineStatus
from cases.models import Deadline
from cases.workflow.steps import STEPS
from webhooks import payloads
from webhooks.choices import EventType
from webhooks.events import NewEvent, endpoints_for, events_record
from webhooks.models import WebhookEvent

SETTLED = {
    DeadlineStatus.MET: "met_at",
    DeadlineStatus.MET_LATE: "met_at",
    DeadlineStatus.WAIVED: "waived_at",
}
DEADLINE_VALUES = (
    *("pk", "kind", "label", "due", "source", "status"),
    *("met_at", "waived_at", "breached_at"),
    *payloads.DOSSIER_VALUES,
)


def dossier_stepped(sender, *, dossier, transition: str, from_state: str, **kwargs) -> None:
    """`dossier.step`: the dossier went from one state to another by a declared step."""
    endpoints = endpoints_for({EventType.DOSSIER_STEP}, agency_ids=[dossier.agency_id])
    if not endpoints:
        return
    step = {
        "name": transition,
        "label": str(STEPS[transition].label),
        "from_state": from_state,
        "to_state": dossier.state,
    }
    event = NewEvent(
        agency_id=dossier.agency_id,
        dossier_id=dossier.pk,
        type=EventType.DOSSIER_STEP,
        key=None,
        occurred_at=timezone.now(),
        data={"dossier": payloads.dossier_part(payloads.dossier_values(dossier)), "step": step},
    )
    events_record([event], endpoints)


def deadlines_changed(sender, *, deadline_ids, **kwargs) -> None:
    """`deadline.breached` and `obligation.settled` (met, met late or waived), once per fact:
    a deadline read again in the same status (a repeated sync) announces nothing new."""
    if not deadline_ids:
        return
    types = {EventType.DEADLINE_BREACHED, EventType.OBLIGATION_SETTLED}
    endpoints = endpoints_for(types)
    if not endpoints:
        return
    rows = Deadline.objects.filter(
        pk__in=list(deadline_ids),
        dossier__agency_id__in={e.agency_id for e in endpoints},
        status__in=[DeadlineStatus.BREACHED, *SETTLED],
    ).values(*DEADLINE_VALUES)
    events_record([e for e in map(_deadline_event, rows) if e is not None], endpoints)


def _deadline_event(row: dict) -> NewEvent | None:
    deadline = {
        "id": row["pk"],
        "kind": row["kind"],
        "label": row["label"],
        "due": row["due"].isoformat(),
        "source": row["source"],
    }
    if row["status"] == DeadlineStatus.BREACHED:
        type, at = EventType.DEADLINE_BREACHED, row["breached_at"]
    else:
        type, at = EventType.OBLIGATION_SETTLED, row[SETTLED[row["status"]]]
        deadline |= {"status": row["status"], "settled_at": at and payloads.iso(at)}
    if at is None:
        return None
    return NewEvent(
        agency_id=row["dossier__agency_id"],
        dossier_id=row["dossier_id"],
        type=type,
        key=f"{type}:{row['pk']}:{row['status']}:{at.timestamp()}",
        occurred_at=at,
        data={"dossier": payloads.dossier_part(row), "deadline": deadline},
    )


def dossiers_anonymised(sender, *, dossier_ids: list[int], **kwargs) -> None:
    """The events kept about anonymised dossiers lose the worker's name (a retry sends the
    anonymised body)."""
    events = list(WebhookEvent.objects.filter(dossier_id__in=dossier_ids))
    for event in events:
        event.body = payloads.without_worker_identity(event.body)
    WebhookEvent.objects.bulk_update(events, ["body"])


def person_export(sender, *, dossier_ids: list[int], **kwargs) -> dict:
    """The right of access names the recipients (RGPD art. 15.1.c): each event about the
    person's dossiers, what it said and where it went."""
    events = (
        WebhookEvent.objects.filter(dossier_id__in=dossier_ids)
        .prefetch_related("deliveries__endpoint")
        .order_by("occurred_at", "pk")
    )
    return {
        "webhooks": [
            {
                "id": event.id,
                "type": event.type,
                "occurred_at": event.occurred_at,
                "body": json.loads(event.body),
                "sent_to": [
                    {
                        "url": d.endpoint.url,
                        "status": d.status,
                        "delivered_at": d.delivered_at,
                    }
                    for d in event.deliveries.all()
                ],
            }
            for event in events
        ]
    }
