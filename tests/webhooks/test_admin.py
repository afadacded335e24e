"""Configuration by an administrator (secret shown once, HTTPS only, rotation) and the
delivery log (administrators; an agency manager for their agencies)."""

import pytest
from django.urls import reverse

from cases.exceptions import DossierError, TransitionForbidden
from tests.factories import DossierFactory
from webhooks.choices import DeliveryStatus, EventType
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from webhooks.services import webhook_endpoint_create

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:webhooks_webhookendpoint_add")


def _form(agency, url="https://logiciel.agence.example/evenements", **extra):
    return {
        "agency": agency.pk,
        "url": url,
        "description": "Logiciel de paie",
        "event_types": [EventType.DOSSIER_STEP, EventType.DEADLINE_BREACHED],
        "active": "on",
        **extra,
    }


def test_an_administrator_adds_an_endpoint_and_sees_its_secret_once(client, admin_user, agency):
    client.force_login(admin_user)
    page = client.post(ADD_URL, _form(agency))
    assert page.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret.startswith("whsec_") and len(endpoint.secret) > 40
    assert endpoint.event_types == ["dossier.step", "deadline.breached"]
    assert endpoint.secret in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    change = client.get(reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk]))
    assert change.status_code == 200
    assert endpoint.secret not in change.content.decode()
    listing = client.get(reverse("admin:webhooks_webhookendpoint_changelist"))
    assert endpoint.secret not in listing.content.decode()


def test_plain_http_is_refused_with_a_french_message(client, admin_user, agency, settings):
    settings.WEBHOOKS_ALLOW_HTTP = False
    client.force_login(admin_user)
    page = client.post(ADD_URL, _form(agency, url="http://logiciel.agence.example/evenements"))
    assert page.status_code == 200
    assert "doit commencer par https://" in page.content.decode()
    assert not WebhookEndpoint.objects.exists()
    with pytest.raises(DossierError) as refused:
        webhook_endpoint_create(
            by=admin_user,
            data={"agency": agency, "url": "http://x.example/", "event_types": ["dossier.step"]},
        )
    assert "https://" in str(refused.value.errors["url"])


@pytest.mark.parametrize("types", [[], ["dossier.deleted"]])
def test_event_types_are_chosen_among_the_known_ones(admin_user, agency, types):
    with pytest.raises(DossierError) as refused:
        webhook_endpoint_create(
            by=admin_user,
            data={"agency": agency, "url": "https://x.example/", "event_types": types},
        )
    assert "event_types" in refused.value.errors
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("who", ["case_worker", "manager"])
def test_only_administrators_configure_endpoints(client, request, agency, who):
    user = request.getfixturevalue(who)
    with pytest.raises(TransitionForbidden):
        webhook_endpoint_create(
            by=user,
            data={"agency": agency, "url": "https://x.example/", "event_types": ["dossier.step"]},
        )
    client.force_login(user)
    assert client.get(ADD_URL).status_code == 403
    assert client.get(reverse("admin:webhooks_webhookendpoint_changelist")).status_code == 403


def test_rotating_the_secret_shows_the_new_one_once_and_keeps_the_old_for_a_day(
    client, admin_user, endpoint_for, agency
):
    endpoint = endpoint_for(agency, "https://x.example/")
    old = endpoint.secret
    url = reverse("admin:webhooks_webhookendpoint_rotate", args=[endpoint.pk])
    client.force_login(admin_user)
    assert "Renouveler le secret" in client.get(url).content.decode()
    page = client.post(url)
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.previous_secret == old
    assert endpoint.secret in page.content.decode() and old not in page.content.decode()
    hours = (endpoint.previous_secret_until - endpoint.secret_rotated_at).total_seconds() / 3600
    assert hours == 24


def _logged_delivery(endpoint, dossier, status=DeliveryStatus.ABANDONED):
    event = WebhookEvent.objects.create(
        id=f"msg_{endpoint.pk}",
        agency=endpoint.agency,
        dossier=dossier,
        type="dossier.step",
        occurred_at=endpoint.created,
        key=f"k{endpoint.pk}",
        body='{"type":"dossier.step","timestamp":"2026-03-02T08:00:00Z","data":{}}',
    )
    delivery = WebhookDelivery.objects.create(
        event=event, endpoint=endpoint, status=status, attempts=1
    )
    WebhookAttempt.objects.create(
        delivery=delivery,
        number=1,
        at=endpoint.created,
        status_code=503,
        duration_ms=42,
        error="Réponse 503 du destinataire.",
    )
    return delivery


def test_an_agency_manager_reads_the_delivery_log_of_their_agency_only(
    client, manager, agency, other_agency, endpoint_for
):
    mine = _logged_delivery(endpoint_for(agency, "https://mine.example/"), None)
    theirs = _logged_delivery(endpoint_for(other_agency, "https://theirs.example/"), None)
    client.force_login(manager)
    listing = client.get(reverse("admin:webhooks_webhookdelivery_changelist"))
    assert listing.status_code == 200
    shown = list(listing.context["cl"].result_list)
    assert shown == [mine]
    text = listing.content.decode()
    assert "Réponse 503 du destinataire." in text and "503" in text and "42" in text
    assert other_agency.name not in text  # not even in the filters
    assert (
        client.get(reverse("admin:webhooks_webhookdelivery_change", args=[theirs.pk])).status_code
        == 302
    )
    page = client.get(reverse("admin:webhooks_webhookdelivery_change", args=[mine.pk]))
    assert page.status_code == 200 and not page.context["has_change_permission"]


def test_an_administrator_sends_an_abandoned_delivery_again(
    client,
    admin_user,
    agency,
    case_worker,
    receiver,
    endpoint_for,
    eager,
    django_capture_on_commit_callbacks,
):
    dossier = DossierFactory(cpi=True, agency=agency, case_worker=case_worker)
    delivery = _logged_delivery(endpoint_for(agency, receiver.url), dossier)
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:webhooks_webhookdelivery_changelist"),
            {"action": "retry_now", "_selected_action": [delivery.pk]},
        )
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 2
    assert len(receiver.received) == 1
    assert receiver.received[0].headers["webhook-id"] == delivery.event_id
