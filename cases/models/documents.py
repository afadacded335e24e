from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from simple_history.models import HistoricalRecords

from accords.choices import dispositif_short
from accords.models.base import TimeStampedModel
from cases.choices import Dispositif, DocumentKind, DocumentStatus
from cases.workflow.steps import STEPS, requirement_error, step_choices

ALLOWED_EXTENSIONS = ["pdf", "jpg", "jpeg", "png", "docx", "xlsx", "odt"]


class DocumentRequirement(models.Model):
    """A document a dispositif needs before one of its transitions (reference data, cited)."""

    dispositif = models.CharField("dispositif", max_length=16, choices=Dispositif.choices)
    transition = models.CharField(
        "étape",
        max_length=40,
        choices=step_choices,
        help_text="L'étape du dossier qui exige la pièce (déclarée dans cases.workflow.steps).",
    )
    kind = models.CharField("pièce", max_length=30, choices=DocumentKind.choices)
    only_with_afest = models.BooleanField("seulement si AFEST", default=False)
    source = models.CharField("source", max_length=300)

    class Meta:
        verbose_name = "pièce requise"
        verbose_name_plural = "pièces requises"
        ordering = ["dispositif", "transition", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["dispositif", "transition", "kind"], name="unique_document_requirement"
            )
        ]

    def __str__(self) -> str:
        return (
            f"{dispositif_short(self.dispositif)} · {self.get_transition_display()} · "
            f"{self.get_kind_display()}"
        )

    def clean(self) -> None:
        """A requirement names a step its dispositif takes and that may wait for documents."""
        # An undeclared step is refused by the field's choices already.
        if self.dispositif and self.transition in STEPS:
            error = requirement_error(self.dispositif, self.transition)
            if error:
                raise ValidationError({"transition": error[:1].upper() + error[1:] + "."})


def document_upload_to(document: "Document", filename: str) -> str:
    return f"dossiers/{document.dossier_id}/{filename}"


class Document(TimeStampedModel):
    """A document attached to a dossier, stored outside the web root."""

    dossier = models.ForeignKey(
        "cases.Dossier", verbose_name="dossier", on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField("pièce", max_length=30, choices=DocumentKind.choices)
    file = models.FileField(
        "fichier",
        upload_to=document_upload_to,
        blank=True,
        validators=[FileExtensionValidator(ALLOWED_EXTENSIONS)],
    )
    status = models.CharField(
        "statut", max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.EXPECTED
    )
    received_on = models.DateField("reçu le", null=True, blank=True)
    note = models.CharField("remarque", max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="déposé par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords(verbose_name_plural="historique")

    class Meta:
        verbose_name = "pièce du dossier"
        verbose_name_plural = "pièces du dossier"
        ordering = ["kind"]
        indexes = [models.Index(fields=["dossier", "kind"], name="document_dossier_kind_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    @property
    def is_provided(self) -> bool:
        return self.status in (DocumentStatus.RECEIVED, DocumentStatus.VALIDATED)
