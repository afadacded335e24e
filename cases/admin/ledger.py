"""Admin of the funding ledger: lines are added, never edited, so the ledger is its history.

The dossier page shows a dossier's ledger (`cases.admin.dossier_page`, template
`admin/cases/dossier/ledger.html`) and offers « Enregistrer un paiement reçu » (`PaymentAdminMixin`,
through `cases.services.payment_record`).
"""

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from cases import services
from cases.exceptions import DossierError
from cases.ledger import dossier_ledger, funding_line_add
from cases.models import FundingLine


class PaymentForm(forms.Form):
    """A payment received from AKTO: a thin shell over `payment_record`, which validates."""

    amount = forms.DecimalField(
        label="Montant reçu (€)",
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        localize=True,
    )
    on = forms.DateField(label="Date du paiement", help_text="JJ/MM/AAAA.")
    reference = forms.CharField(
        label="Référence du paiement", max_length=50, help_text="Avis de paiement de l'AKTO."
    )
    comment = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class PaymentAdminMixin:
    """For the dossier admin: the page that records a payment received on a dossier."""

    def get_urls(self):
        return [
            path(
                "<path:object_id>/payment/",
                self.admin_site.admin_view(self.payment_view),
                name="cases_dossier_payment",
            ),
            *super().get_urls(),
        ]

    def payment_view(self, request, object_id):
        dossier = self.get_object(request, object_id)
        if dossier is None:
            raise Http404("Ce dossier n'existe pas.")
        form = PaymentForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.payment_record(dossier_id=dossier.pk, by=request.user, **form.cleaned_data)
            except DossierError as error:
                for name, errors in error.errors.items():
                    for message in errors:
                        form.add_error(name if name in form.fields else None, message)
                if not error.errors:
                    form.add_error(None, error.message)
            else:
                self.message_user(request, "Paiement enregistré.", level=messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:cases_dossier_change", args=[dossier.pk]) + "#ledger"
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": dossier,
            "ledger": dossier_ledger(dossier),
            "form": form,
            "title": "Enregistrer un paiement reçu",
        }
        return TemplateResponse(request, "admin/cases/dossier/payment.html", context)


class FundingLineInline(admin.TabularInline):
    """For the dossier admin: the ledger lines under the dossier."""

    model = FundingLine
    extra = 0
    fields = ("kind", "on", "amount", "hours", "hourly_rate", "reference", "source", "recorded_by")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FundingLine)
class FundingLineAdmin(admin.ModelAdmin):
    list_display = ("dossier", "kind", "on", "amount", "hours", "reference")
    list_filter = ("kind",)
    search_fields = ("reference", "dossier__akto_reference")
    raw_id_fields = ("dossier", "recorded_by")
    date_hierarchy = "on"

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ("recorded_by",)
        return [field.name for field in FundingLine._meta.fields]

    def save_model(self, request, obj, form, change) -> None:
        """Add through the service, like every other writer; existing lines are read-only."""
        if change:
            return
        line = funding_line_add(
            dossier=obj.dossier,
            kind=obj.kind,
            amount=obj.amount,
            on=obj.on,
            hours=obj.hours,
            hourly_rate=obj.hourly_rate,
            reference=obj.reference,
            source=obj.source,
            by=request.user,
        )
        obj.pk = line.pk
