"""Events out (issue 18): signed webhooks (Standard Webhooks, spec/standard-webhooks.md:
headers, « Signature scheme », example retry schedule, 410 Gone), delivered by Celery after the
commit, end to end against a local HTTP receiver."""

import datetime as dt
import json

import pytest
from django.conf import settings
from standardwebhooks import Webhook

from cases.choices import DeadlineKind, DeadlineStatus, DossierState
from cases.deadlines import deadlines_sync
from cases.models import Deadline, Dossier
from cases.services import dossier_run_transition
from cases.waivers import deadline_waive
from cases.workflow.steps import STEPS
from notifications.services.sweep import sweep
from tests.factories import DossierFactory
from tests.notifications.conftest import at
from tests.webhooks.conftest import verifies
from webhooks import events
from webhooks.choices import DeliveryStatus, EventType
from webhooks.delivery import delivery_attempt
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from webhooks.services import webhook_endpoint_rotate_secret
from webhooks.tasks import deliver_due

pytestmark = pytest.mark.django_db

NIR = "185057800608491"
CANCEL = {"cancellation_reason": "error", "comment": "Créé par erreur (NIR 185057800608491)."}


@pytest.fixture
def dossier(agency, case_worker):
    """A CPI draft with its deadlines (cancelling it cancels them: nothing is settled)."""
    dossier = DossierFactory(
        cpi=True, agency=agency, case_worker=case_worker, contract_start=dt.date(2026, 3, 2)
    )
    deadlines_sync(dossier, now=at("2026-03-02"))
    dossier.worker.nir = NIR
    dossier.worker.save()
    return dossier


def cancel(dossier, by, capture, *, send=True) -> Dossier:
    """Cancel the dossier; `send=False`: the deliveries are recorded, not queued."""
    with capture(execute=send):
        return dossier_run_transition(dossier_id=dossier.pk, name="cancel", by=by, data=CANCEL)


def test_a_step_sends_one_signed_event_to_its_agency(
    eager, receiver, endpoint_for, dossier, case_worker, django_capture_on_commit_callbacks
):
    endpoint = endpoint_for(dossier.agency, receiver.url)
    cancel(dossier, case_worker, django_capture_on_commit_callbacks)

    [request] = receiver.received
    assert verifies(endpoint.secret, request)
    # The reference library agrees (timestamp within its 5-minute tolerance).
    Webhook(endpoint.secret).verify(request.body, request.headers)
    assert request.headers["webhook-id"].startswith("msg_")
    assert "." not in request.headers["webhook-id"]
    assert request.headers["webhook-timestamp"].isdigit()
    assert request.headers["content-type"] == "application/json"
    payload = json.loads(request.body)
    assert payload["type"] == "dossier.step"
    assert payload["timestamp"].endswith("Z")
    assert payload["data"]["step"] == {
        "name": "cancel",
        "label": str(STEPS["cancel"].label),
        "from_state": "draft",
        "to_state": "cancelled",
    }
    assert payload["data"]["dossier"]["id"] == dossier.pk
    assert payload["data"]["dossier"]["agency"]["id"] == dossier.agency_id
    assert payload["data"]["dossier"]["worker"]["last_name"] == dossier.worker.last_name
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 1
    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code == 204 and attempt.error == "" and attempt.next_attempt_at is None


def test_the_payload_holds_no_nir_no_health_data_no_free_text(
    eager, receiver, endpoint_for, dossier, case_worker, django_capture_on_commit_callbacks
):
    """README « Webhooks »: what the agency reads, minus the NIR, the birth date, the publics
    criteria, health data and free text (the step's comment may hold anything)."""
    endpoint_for(dossier.agency, receiver.url, types=list(EventType))
    cancel(dossier, case_worker, django_capture_on_commit_callbacks)
    assert receiver.received
    worker = dossier.worker
    for request in receiver.received:
        text = request.body.decode()
        assert NIR not in text and NIR[:5] not in text
        assert worker.birth_date.isoformat() not in text
        assert "Créé par erreur" not in text
        for word in ("nir", "birth", "health", "fitness", "at_mp", "publics", "comment", "notes"):
            assert f'"{word}' not in text.lower(), word


def test_another_agencys_endpoint_never_receives_this_agencys_events(
    eager,
    receiver,
    other_receiver,
    endpoint_for,
    dossier,
    other_agency,
    case_worker,
    django_capture_on_commit_callbacks,
):
    endpoint_for(dossier.agency, receiver.url, types=list(EventType))
    endpoint_for(other_agency, other_receiver.url, types=list(EventType))
    cancel(dossier, case_worker, django_capture_on_commit_callbacks)
    assert receiver.received
    assert other_receiver.received == []
    assert not WebhookDelivery.objects.filter(endpoint__agency=other_agency).exists()


def test_an_endpoint_receives_only_the_types_it_subscribed_to(
    eager, receiver, endpoint_for, dossier, case_worker, django_capture_on_commit_callbacks
):
    endpoint_for(dossier.agency, receiver.url, types=[EventType.OBLIGATION_SETTLED])
    cancel(dossier, case_worker, django_capture_on_commit_callbacks)
    # The step is not a subscribed type; the cancelled dossier's open deadlines are cancelled,
    # which settles nothing (only met, met late or a manager's waiver does).
    assert receiver.received == []
    assert set(Deadline.objects.filter(dossier=dossier).values_list("status", flat=True)) == {
        DeadlineStatus.CANCELLED
    }


def test_a_failing_receiver_gets_retries_with_the_specs_back_off(
    eager, receiver, endpoint_for, dossier, case_worker, django_capture_on_commit_callbacks
):
    """Immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h (+ up to 10 %
    jitter); same webhook-id each time, each attempt signed afresh; then abandoned."""
    receiver.answers = [500]
    endpoint = endpoint_for(dossier.agency, receiver.url)
    cancel(dossier, case_worker, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    schedule = settings.WEBHOOKS_RETRY_SCHEDULE
    for seconds in schedule:
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.PENDING
        last = delivery.attempt_log.last()
        waited = (delivery.next_attempt_at - last.at).total_seconds()
        assert seconds <= waited <= seconds * 1.1, (seconds, waited)
        # Not due yet: nothing is sent.
        assert (
            delivery_attempt(delivery.pk, now=delivery.next_attempt_at - dt.timedelta(0, 1)) is None
        )
        delivery_attempt(delivery.pk, now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.ABANDONED and delivery.next_attempt_at is None
    assert delivery.attempts == len(schedule) + 1 == len(receiver.received)
    assert {r.headers["webhook-id"] for r in receiver.received} == {delivery.event_id}
    assert all(verifies(endpoint.secret, r) for r in receiver.received)
    assert {r.body for r in receiver.received} == {delivery.event.body.encode()}
    log = list(delivery.attempt_log.values_list("status_code", "error"))
    assert log[0] == (500, "Réponse 500 du destinataire.")
    assert delivery_attempt(delivery.pk, now=at("2030-01-01")) is None  # abandoned stays so


def test_a_receiver_back_up_gets_the_event_on_the_next_attempt(
    eager, receiver, endpoint_for, dossier, case_worker, django_capture_on_commit_callbacks
):
    receiver.answers = [503, 200]
    receiver.headers = {"Retry-After": "120"}
    endpoint_for(dossier.agency, receiver.url)
    cancel(dossier, case_worker, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    first = delivery.attempt_log.get()
    assert (delivery.next_attempt_at - first.at).total_seconds() >= 120  # Retry-After honoured
    delivery_attempt(delivery.pk, now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 2


def test_a_step_succeeds_when_the_receiver_is_down(
    eager, receiver, endpoint_for, dossier, case_worker, django_capture_on_commit_callbacks
):
    endpoint_for(dossier.agency, receiver.url)
    receiver.server.shutdown()
    receiver.server.server_close()  # nothing listens on the port any more
    moved = cancel(dossier, case_worker, django_capture_on_commit_callbacks)
    assert moved.state == DossierState.CANCELLED
    dossier.refresh_from_db()
    assert dossier.state == DossierState.CANCELLED
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.next_attempt_at is not None
    assert delivery.attempt_log.get().error.startswith("Connexion impossible")


def test_a_step_succeeds_when_the_broker_is_down(
    receiver, endpoint_for, dossier, case_worker, django_capture_on_commit_callbacks, monkeypatch
):
    """The task cannot be queued: the step stands, the delivery waits for the catch-up."""

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(events.deliver, "delay", broker_down)
    endpoint_for(dossier.agency, receiver.url)
    assert cancel(dossier, case_worker, django_capture_on_commit_callbacks).state == "cancelled"
    assert receiver.received == []
    monkeypatch.undo()
    from config.celery import app

    app.conf.task_always_eager = True
    try:
        assert deliver_due.apply().get() == 1
    finally:
        app.conf.task_always_eager = False
    assert len(receiver.received) == 1
    assert WebhookDelivery.objects.get().status == DeliveryStatus.SUCCEEDED


def test_a_step_succeeds_when_recording_its_event_fails(
    receiver, endpoint_for, dossier, case_worker, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(events, "_record", broken)
    endpoint_for(dossier.agency, receiver.url)
    assert cancel(dossier, case_worker, django_capture_on_commit_callbacks).state == "cancelled"
    assert not WebhookEvent.objects.exists()


def test_a_refused_step_sends_nothing(
    eager, receiver, endpoint_for, dossier, case_worker, django_capture_on_commit_callbacks
):
    from cases.exceptions import DossierError

    endpoint_for(dossier.agency, receiver.url, types=list(EventType))
    with pytest.raises(DossierError), django_capture_on_commit_callbacks(execute=True):
        dossier_run_transition(dossier_id=dossier.pk, name="cancel", by=case_worker, data={})
    assert receiver.received == [] and not WebhookEvent.objects.exists()


def test_410_gone_disables_the_endpoint(
    eager, receiver, endpoint_for, dossier, case_worker, django_capture_on_commit_callbacks
):
    receiver.answers = [410]
    endpoint = endpoint_for(dossier.agency, receiver.url)
    cancel(dossier, case_worker, django_capture_on_commit_callbacks)
    endpoint.refresh_from_db()
    assert not endpoint.active and "410" in endpoint.disabled_reason
    assert WebhookDelivery.objects.get().status == DeliveryStatus.ABANDONED


def test_a_rotated_secret_signs_with_both_secrets_for_a_while(
    eager,
    receiver,
    endpoint_for,
    dossier,
    case_worker,
    admin_user,
    django_capture_on_commit_callbacks,
):
    endpoint = endpoint_for(dossier.agency, receiver.url)
    old = endpoint.secret
    new = webhook_endpoint_rotate_secret(endpoint_id=endpoint.pk, by=admin_user).secret
    assert new != old and new.startswith("whsec_")
    cancel(dossier, case_worker, django_capture_on_commit_callbacks)
    [request] = receiver.received
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    assert verifies(old, request) and verifies(new, request)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(previous_secret_until=at("2026-01-01"))
    receiver.received.clear()
    delivery = WebhookDelivery.objects.get()
    delivery.status = DeliveryStatus.PENDING
    delivery.save()
    delivery_attempt(delivery.pk)
    [request] = receiver.received
    assert verifies(new, request) and not verifies(old, request)


# --- Deadlines breached, obligations settled ---------------------------------------------------


@pytest.fixture
def cpi_with_deadlines(agency, case_worker):
    dossier = DossierFactory(
        cpi=True, agency=agency, case_worker=case_worker, contract_start=dt.date(2026, 3, 2)
    )
    deadlines_sync(dossier, now=at("2026-03-02"))
    return dossier


def _since_january(endpoint):
    """The endpoint existed before the facts the tests date in 2026."""
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(created=at("2026-01-01"))


def test_a_breached_deadline_is_sent_once(
    eager, receiver, endpoint_for, cpi_with_deadlines, django_capture_on_commit_callbacks
):
    endpoint = endpoint_for(
        cpi_with_deadlines.agency, receiver.url, types=[EventType.DEADLINE_BREACHED]
    )
    _since_january(endpoint)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep(now=at("2026-03-09")).breached == 1
    [request] = receiver.received
    assert verifies(endpoint.secret, request)
    payload = json.loads(request.body)
    assert payload["type"] == "deadline.breached"
    assert payload["data"]["deadline"]["kind"] == DeadlineKind.AKTO_DEPOSIT
    assert payload["data"]["deadline"]["due"] == "2026-03-07"
    with django_capture_on_commit_callbacks(execute=True):
        sweep(now=at("2026-03-10"))
        deadlines_sync(cpi_with_deadlines, now=at("2026-03-10"))
    assert len(receiver.received) == 1  # the same breach is not announced twice


def test_a_waived_obligation_is_sent_as_settled(
    eager, receiver, endpoint_for, cpi_with_deadlines, manager, django_capture_on_commit_callbacks
):
    endpoint = endpoint_for(
        cpi_with_deadlines.agency, receiver.url, types=[EventType.OBLIGATION_SETTLED]
    )
    deposit = Deadline.objects.get(dossier=cpi_with_deadlines, kind=DeadlineKind.AKTO_DEPOSIT)
    with django_capture_on_commit_callbacks(execute=True):
        deadline_waive(deadline_id=deposit.pk, by=manager, reason="Dépôt tardif accordé (AKTO).")
    [request] = receiver.received
    payload = json.loads(request.body)
    assert payload["type"] == "obligation.settled"
    assert payload["data"]["deadline"]["status"] == DeadlineStatus.WAIVED
    assert "Dépôt tardif" not in request.body.decode()  # the waiver's reason is free text
    assert verifies(endpoint.secret, request)
    with django_capture_on_commit_callbacks(execute=True):
        deadlines_sync(cpi_with_deadlines)
    assert len(receiver.received) == 1


def test_facts_older_than_the_endpoint_are_not_sent(
    eager, receiver, endpoint_for, cpi_with_deadlines, django_capture_on_commit_callbacks
):
    endpoint_for(cpi_with_deadlines.agency, receiver.url, types=[EventType.DEADLINE_BREACHED])
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep(now=at("2026-03-09")).breached == 1  # before the endpoint was created
    assert receiver.received == []


def test_anonymising_a_dossier_removes_the_name_from_its_events(
    receiver, endpoint_for, dossier, case_worker, django_capture_on_commit_callbacks
):
    from cases.signals import dossiers_anonymised

    endpoint_for(dossier.agency, receiver.url)
    cancel(dossier, case_worker, django_capture_on_commit_callbacks, send=False)
    event = WebhookEvent.objects.get()
    assert dossier.worker.last_name in event.body
    dossiers_anonymised.send(sender=Dossier, dossier_ids=[dossier.pk])
    event.refresh_from_db()
    assert dossier.worker.last_name not in event.body
    assert json.loads(event.body)["data"]["dossier"]["worker"]["last_name"] is None


def test_the_right_of_access_names_where_the_events_went(
    eager, receiver, endpoint_for, dossier, case_worker, django_capture_on_commit_callbacks
):
    from cases.privacy import person_export

    endpoint_for(dossier.agency, receiver.url)
    cancel(dossier, case_worker, django_capture_on_commit_callbacks)
    [sent] = person_export(worker_id=dossier.worker_id)["webhooks"]
    assert sent["type"] == "dossier.step"
    assert sent["sent_to"] == [
        {
            "url": receiver.url,
            "status": "succeeded",
            "delivered_at": sent["sent_to"][0]["delivered_at"],
        }
    ]
    assert sent["body"]["data"]["dossier"]["id"] == dossier.pk


def test_the_log_forgets_old_events_once_nothing_waits_to_send_them(
    receiver, endpoint_for, dossier, case_worker, django_capture_on_commit_callbacks
):
    from webhooks.delivery import webhook_log_purge

    endpoint_for(dossier.agency, receiver.url)
    cancel(dossier, case_worker, django_capture_on_commit_callbacks, send=False)
    event = WebhookEvent.objects.get()
    later = event.occurred_at + dt.timedelta(days=settings.WEBHOOKS_LOG_RETENTION_DAYS + 1)
    assert webhook_log_purge(now=event.occurred_at + dt.timedelta(days=1)) == 0
    assert webhook_log_purge(now=later) == 0  # still to be sent
    WebhookDelivery.objects.update(status=DeliveryStatus.SUCCEEDED)
    assert webhook_log_purge(now=event.occurred_at + dt.timedelta(days=2)) == 0  # recent
    assert webhook_log_purge(now=later) > 0
    assert not WebhookEvent.objects.exists() and not WebhookDelivery.objects.exists()
