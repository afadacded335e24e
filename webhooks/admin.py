"""The webhooks pages: destinations (administrators), the delivery log (administrators; agency
managers for their agencies). Saves go through webhooks/services.py."""

import json

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html

from cases.admin.base import RoleAccessMixin, ServiceWritesMixin
from cases.exceptions import DossierError
from webhooks import services
from webhooks.choices import EventType
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


class EndpointForm(forms.ModelForm):
    url = forms.URLField(
        label="adresse (URL)",
        max_length=500,
        assume_scheme="https",
        help_text="Adresse HTTPS du logiciel de l'agence qui reçoit les événements.",
    )
    event_types = forms.MultipleChoiceField(
        label="événements envoyés",
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["agency", "url", "description", "event_types", "active"]
        help_texts = {
            "active": "Décochez pour suspendre les envois (les livraisons en attente sont "
            "abandonnées ; « Relancer maintenant » les renvoie).",
        }


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ServiceWritesMixin, RoleAccessMixin, admin.ModelAdmin):
    form = EndpointForm
    create_service = services.webhook_endpoint_create
    update_service = services.webhook_endpoint_update
    delete_service = services.webhook_endpoint_delete
    service_id = "endpoint_id"
    list_display = ["agency", "url", "active", "subscribed", "created", "secret_rotated_at"]
    list_filter = ["active", "agency"]
    readonly_fields = ["created", "secret_rotated_at", "disabled_reason", "rotate_link"]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        fields = ["agency", "url", "description", "event_types", "active"]
        return fields + self.readonly_fields if obj is not None else fields

    @admin.display(description="événements")
    def subscribed(self, endpoint) -> str:
        labels = dict(EventType.choices)
        return ", ".join(str(labels.get(t, t)) for t in endpoint.event_types)

    @admin.display(description="secret de signature")
    def rotate_link(self, endpoint) -> str:
        url = reverse("admin:webhooks_webhookendpoint_rotate", args=[endpoint.pk])
        return format_html(
            "Affiché une seule fois, à la création. <a href='{}'>Renouveler le secret…</a>", url
        )

    def get_urls(self):
        return [
            path(
                "<int:endpoint_id>/rotate-secret/",
                self.admin_site.admin_view(self.rotate_view),
                name="webhooks_webhookendpoint_rotate",
            ),
            *super().get_urls(),
        ]

    def response_add(self, request, obj, post_url_continue=None):
        return self._secret_page(request, obj, "Destination créée.")

    def rotate_view(self, request, endpoint_id: int):
        endpoint = get_object_or_404(self.get_queryset(request), pk=endpoint_id)
        if not self.has_change_permission(request, endpoint):
            return redirect("admin:index")
        if request.method == "POST":
            try:
                endpoint = services.webhook_endpoint_rotate_secret(
                    endpoint_id=endpoint.pk, by=request.user
                )
            except DossierError as error:
                self.message_user(request, error.message, level=messages.ERROR)
                return redirect("admin:webhooks_webhookendpoint_change", endpoint.pk)
            return self._secret_page(request, endpoint, "Secret renouvelé.")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "endpoint": endpoint,
            "title": "Renouveler le secret de signature",
            "overlap_hours": settings.WEBHOOKS_ROTATION_OVERLAP_HOURS,
        }
        return TemplateResponse(
            request, "admin/webhooks/webhookendpoint/rotate_confirm.html", context
        )

    def _secret_page(self, request, endpoint, done: str):
        """The secret, this once; never cached, never put in a message (a cookie)."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "endpoint": endpoint,
            "done": done,
            "title": "Secret de signature",
            "rotated": bool(endpoint.previous_secret and endpoint.previous_secret_until),
        }
        response = TemplateResponse(request, "admin/webhooks/webhookendpoint/secret.html", context)
        add_never_cache_headers(response)
        return response


class AttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ["number", "at", "status_code", "duration_ms", "error", "next_attempt_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class LastAttemptMixin:
    """The delivery's last attempt, read from the attempts prefetched with the page."""

    @staticmethod
    def _last(delivery):
        attempts = list(delivery.attempt_log.all())
        return attempts[-1] if attempts else None

    @admin.display(description="dernier code HTTP")
    def last_status(self, delivery):
        last = self._last(delivery)
        return (last.status_code or "—") if last else "—"

    @admin.display(description="durée (ms)")
    def last_duration(self, delivery):
        last = self._last(delivery)
        return last.duration_ms if last else "—"

    @admin.display(description="dernière erreur")
    def last_error(self, delivery):
        last = self._last(delivery)
        return (last.error or "—") if last else "—"


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(LastAttemptMixin, RoleAccessMixin, admin.ModelAdmin):
    """The delivery log: each event to each endpoint, its attempts and the next one."""

    list_display = [
        "created",
        "event_type",
        "agency",
        "endpoint_url",
        "status",
        "attempts",
        "last_status",
        "last_duration",
        "last_error",
        "next_attempt_at",
    ]
    # Only the agencies in the reader's log (an agency manager's), not every agency's name.
    list_filter = ["status", "event__type", ("endpoint__agency", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["event", "endpoint__agency"]
    search_fields = ["event__id"]
    inlines = [AttemptInline]
    actions = ["retry_now"]
    fields = [
        "event_id_shown",
        "event_type",
        "occurred_at",
        "agency",
        "endpoint_url",
        "status",
        "attempts",
        "next_attempt_at",
        "delivered_at",
        "payload",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("attempt_log")

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        """Nothing on a delivery is edited by hand (« Relancer maintenant » is an action)."""

    def save_related(self, request, form, formsets, change):
        """The attempts are the log: never written from the page."""

    @admin.display(description="webhook-id")
    def event_id_shown(self, delivery):
        return delivery.event_id

    @admin.display(description="type", ordering="event__type")
    def event_type(self, delivery):
        return delivery.event.get_type_display()

    @admin.display(description="survenu le")
    def occurred_at(self, delivery):
        return delivery.event.occurred_at

    @admin.display(description="agence", ordering="endpoint__agency__name")
    def agency(self, delivery):
        return delivery.endpoint.agency

    @admin.display(description="destination")
    def endpoint_url(self, delivery):
        return delivery.endpoint.url

    @admin.display(description="contenu envoyé")
    def payload(self, delivery):
        text = json.dumps(json.loads(delivery.event.body), ensure_ascii=False, indent=2)
        return format_html("<pre>{}</pre>", text)

    @admin.action(description="Relancer maintenant", permissions=["change"])
    def retry_now(self, request, queryset):
        done = 0
        for delivery in queryset:
            try:
                services.webhook_delivery_retry(delivery_id=delivery.pk, by=request.user)
            except DossierError as error:
                self.message_user(request, f"{delivery} : {error.message}", level=messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(request, f"{done} livraison(s) relancée(s).", level=messages.SUCCESS)
