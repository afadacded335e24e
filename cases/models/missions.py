from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from accords.models.base import TimeStampedModel


class Mission(TimeStampedModel):
    """A period of work at a client company under a lettre de mission."""

    worker = models.ForeignKey(
        "cases.Worker", verbose_name="salarié", on_delete=models.PROTECT, related_name="missions"
    )
    dossier = models.ForeignKey(
        "cases.Dossier",
        verbose_name="dossier",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="missions",
    )
    client_company = models.ForeignKey(
        "cases.ClientCompany",
        verbose_name="entreprise utilisatrice",
        on_delete=models.PROTECT,
        related_name="missions",
    )
    start = models.DateField("début")
    end = models.DateField("fin")
    hours = models.DecimalField(
        "heures",
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("2000"))],
    )
    contract_number = models.CharField(
        "n° de contrat de mission",
        max_length=50,
        blank=True,
        help_text="Numéro du contrat de mission dans le logiciel de l'agence ; "
        "unique dans l'agence. Un nouvel import du même contrat met la mission à jour.",
    )

    history = HistoricalRecords(verbose_name_plural="historique")

    class Meta:
        verbose_name = "mission"
        verbose_name_plural = "missions"
        ordering = ["-start"]
        indexes = [
            models.Index(fields=["worker", "start"], name="mission_worker_start_idx"),
            models.Index(fields=["dossier", "start"], name="mission_dossier_start_idx"),
            # An import finds a mission again by its contract number within the agency.
            models.Index(
                fields=["contract_number"],
                condition=~models.Q(contract_number=""),
                name="mission_contract_number_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")),
                name="mission_dates_in_order",
                violation_error_message="La fin de la mission précède son début.",
            ),
            models.UniqueConstraint(
                fields=["worker", "contract_number"],
                condition=~models.Q(contract_number=""),
                name="mission_contract_number_unique_per_worker",
                violation_error_message="Ce salarié a déjà une mission sous ce n° de contrat.",
            ),
            models.CheckConstraint(
                condition=models.Q(hours__gt=0),
                name="mission_hours_positive",
                violation_error_message="Le nombre d'heures doit être positif.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client_company} du {self.start:%d/%m/%Y} au {self.end:%d/%m/%Y}"

    def clean(self) -> None:
        if self.dossier_id and self.worker_id and self.dossier.worker_id != self.worker_id:
            raise ValidationError({"dossier": "Ce dossier concerne un autre salarié."})
        if self.contract_number and self.worker_id:
            taken = Mission.objects.filter(
                worker__agency_id=self.worker.agency_id, contract_number=self.contract_number
            ).exclude(pk=self.pk)
            if taken.exclude(worker_id=self.worker_id).exists():
                raise ValidationError(
                    {
                        "contract_number": "Ce n° de contrat est déjà celui d'une mission "
                        "d'un autre salarié de l'agence."
                    }
                )
