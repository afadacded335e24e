"""Outgoing webhooks: an agency's endpoints, the events recorded for them, each delivery and
its attempts (the delivery log)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from webhooks.choices import DeliveryStatus, EventType


def validate_endpoint_url(url: str) -> None:
    """HTTPS only: the payloads carry names (README « Webhooks »). Plain HTTP only when
    settings.WEBHOOKS_ALLOW_HTTP (development, tests)."""
    if url.lower().startswith("https://"):
        return
    if getattr(settings, "WEBHOOKS_ALLOW_HTTP", False) and url.lower().startswith("http://"):
        return
    raise ValidationError(
        "L'adresse doit commencer par https:// (les événements contiennent des données "
        "personnelles et ne circulent que chiffrés).",
        code="https_required",
    )


def validate_event_types(value) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError("Choisissez au moins un type d'événement.", code="required")
    unknown = sorted(set(value) - set(EventType.values))
    if unknown:
        raise ValidationError(
            "Type(s) d'événement inconnu(s) : %(unknown)s.",
            code="invalid",
            params={"unknown": ", ".join(map(str, unknown))},
        )


class WebhookEndpoint(models.Model):
    """Where an agency's other software receives its events. Configured by an administrator."""

    agency = models.ForeignKey(
        "cases.Agency",
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        verbose_name="agence",
    )
    url = models.URLField("adresse (URL)", max_length=500, validators=[validate_endpoint_url])
    description = models.CharField("description", max_length=200, blank=True)
    event_types = models.JSONField(
        "événements envoyés", default=list, validators=[validate_event_types]
    )
    active = models.BooleanField("actif", default=True)
    # `whsec_` + base64 of 32 random bytes (Standard Webhooks); shown once, never listed.
    secret = models.CharField("secret de signature", max_length=100, editable=False)
    # After a rotation, the old secret signs too for a while (zero-downtime rotation).
    previous_secret = models.CharField(max_length=100, blank=True, editable=False)
    previous_secret_until = models.DateTimeField(null=True, blank=True, editable=False)
    secret_rotated_at = models.DateTimeField("secret renouvelé le", null=True, editable=False)
    disabled_reason = models.CharField("motif de désactivation", max_length=200, blank=True)
    created = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "destination de webhooks"
        verbose_name_plural = "destinations de webhooks"
        ordering = ["agency__name", "url"]

    def __str__(self) -> str:
        return f"{self.agency} → {self.url}"


class WebhookEvent(models.Model):
    """One event of one agency, as sent: its id is the `webhook-id` of every attempt, and its
    body is what is signed (kept as text, so each retry sends the same bytes)."""

    id = models.CharField("identifiant (webhook-id)", max_length=40, primary_key=True)
    agency = models.ForeignKey(
        "cases.Agency", on_delete=models.CASCADE, related_name="+", verbose_name="agence"
    )
    dossier = models.ForeignKey(
        "cases.Dossier",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="dossier",
    )
    type = models.CharField("type", max_length=40, choices=EventType.choices)
    occurred_at = models.DateTimeField("survenu le")
    # What makes the event unique for its agency (a deadline's breach, its settling): a fact
    # announced twice (a repeated sync) is recorded once.
    key = models.CharField(max_length=200)
    body = models.TextField("contenu envoyé")

    class Meta:
        verbose_name = "événement (webhook)"
        verbose_name_plural = "événements (webhooks)"
        constraints = [
            models.UniqueConstraint(fields=["agency", "key"], name="webhook_event_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} ({self.id})"


class WebhookDelivery(models.Model):
    """An event to one endpoint: attempted until a 2xx answer or the end of the schedule."""

    event = models.ForeignKey(
        WebhookEvent, on_delete=models.CASCADE, related_name="deliveries", verbose_name="événement"
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name="destination",
    )
    status = models.CharField(
        "statut", max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    next_attempt_at = models.DateTimeField("prochaine tentative", null=True, blank=True)
    # A worker sending it holds it until then (another worker, or the catch-up, leaves it).
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    delivered_at = models.DateTimeField("livré le", null=True, blank=True)
    created = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "livraison (webhook)"
        verbose_name_plural = "journal des webhooks"
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "endpoint"], name="webhook_delivery_once_per_endpoint"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="webhook_delivery_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.endpoint.url}"


class WebhookAttempt(models.Model):
    """One HTTP attempt: what the receiver answered, how long it took, what comes next."""

    delivery = models.ForeignKey(
        WebhookDelivery,
        on_delete=models.CASCADE,
        related_name="attempt_log",
        verbose_name="livraison",
    )
    number = models.PositiveSmallIntegerField("n°")
    at = models.DateTimeField("le")
    status_code = models.PositiveSmallIntegerField("code HTTP", null=True, blank=True)
    duration_ms = models.PositiveIntegerField("durée (ms)")
    error = models.CharField("erreur", max_length=500, blank=True)
    next_attempt_at = models.DateTimeField("nouvelle tentative prévue", null=True, blank=True)

    class Meta:
        verbose_name = "tentative"
        verbose_name_plural = "tentatives"
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "number"], name="webhook_attempt_number_once"
            )
        ]

    def __str__(self) -> str:
        return f"tentative {self.number}"
