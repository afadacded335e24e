from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from accords.models.base import TimeStampedModel
from cases.choices import FundingLineKind


class FundingLine(TimeStampedModel):
    """One money line of a dossier's funding ledger: estimated, reserved, claimed or paid.

    Lines are added, never edited in place, so the ledger is its own history.
    """

    dossier = models.ForeignKey(
        "cases.Dossier",
        verbose_name="dossier",
        on_delete=models.CASCADE,
        related_name="funding_lines",
    )
    kind = models.CharField("nature", max_length=10, choices=FundingLineKind.choices)
    amount = models.DecimalField(
        "montant (€)",
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    hours = models.DecimalField("heures", max_digits=7, decimal_places=2, null=True, blank=True)
    hourly_rate = models.DecimalField(
        "forfait (€/h)", max_digits=7, decimal_places=2, null=True, blank=True
    )
    on = models.DateField("date")
    reference = models.CharField("référence", max_length=50, blank=True)
    source = models.CharField("source", max_length=300, blank=True)
    document = models.ForeignKey(
        "cases.Document",
        verbose_name="pièce (facture)",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="saisi par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "ligne de financement"
        verbose_name_plural = "financement (grand livre)"
        ordering = ["dossier", "on", "pk"]
        indexes = [models.Index(fields=["dossier", "kind"], name="funding_line_dossier_kind_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0),
                name="funding_line_amount_not_negative",
                violation_error_message="Le montant ne peut pas être négatif.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} : {self.amount} € le {self.on:%d/%m/%Y}"
