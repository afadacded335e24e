"""Missions imported from an agency's back office: the columns it names, kept per agency, and
the log of each import (who, which file, when, what it did)."""

from django.conf import settings
from django.db import models

from accords.models.base import TimeStampedModel


class MissionImportMapping(TimeStampedModel):
    """Which column of the agency's back-office export holds each field of a mission.

    Set once per agency (the import page proposes it, pre-filled, and keeps what was used)."""

    agency = models.OneToOneField(
        "cases.Agency",
        verbose_name="agence",
        on_delete=models.CASCADE,
        related_name="mission_import_mapping",
    )
    contract_number_column = models.CharField(
        "colonne du n° de contrat", max_length=100, default="N° contrat"
    )
    nir_column = models.CharField("colonne du NIR du salarié", max_length=100, default="NIR")
    client_siret_column = models.CharField(
        "colonne du SIRET de l'entreprise utilisatrice", max_length=100, default="SIRET client"
    )
    start_column = models.CharField("colonne de la date de début", max_length=100, default="Début")
    end_column = models.CharField("colonne de la date de fin", max_length=100, default="Fin")
    hours_column = models.CharField("colonne des heures", max_length=100, default="Heures")
    dossier_column = models.CharField(
        "colonne du n° de dossier",
        max_length=100,
        blank=True,
        default="N° dossier",
        help_text="Facultative : le numéro du dossier (dans ce logiciel) auquel rattacher la "
        "mission. Laissez vide si l'export n'en a pas.",
    )

    class Meta:
        verbose_name = "colonnes d'import des missions"
        verbose_name_plural = "colonnes d'import des missions"

    def __str__(self) -> str:
        return f"Colonnes d'import des missions — {self.agency}"


class MissionImport(models.Model):
    """One import run that wrote, or was refused: kept whatever its outcome."""

    class Outcome(models.TextChoices):
        IMPORTED = "imported", "Importé (toutes les lignes)"
        VALID_ROWS = "valid_rows", "Importé (lignes valides seulement)"
        REFUSED = "refused", "Refusé (fichier non valide, rien d'écrit)"

    agency = models.ForeignKey(
        "cases.Agency", verbose_name="agence", on_delete=models.PROTECT, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="importé par",
        on_delete=models.PROTECT,
        related_name="+",
    )
    created = models.DateTimeField("le", auto_now_add=True)
    file_name = models.CharField("fichier", max_length=255)
    file_sha256 = models.CharField("empreinte SHA-256 du fichier", max_length=64)
    outcome = models.CharField("résultat", max_length=20, choices=Outcome.choices)
    rows = models.PositiveIntegerField("lignes lues", default=0)
    created_count = models.PositiveIntegerField("missions créées", default=0)
    updated_count = models.PositiveIntegerField("missions mises à jour", default=0)
    unchanged_count = models.PositiveIntegerField("missions inchangées", default=0)
    invalid_count = models.PositiveIntegerField("lignes en erreur", default=0)
    errors = models.JSONField("erreurs", default=list, blank=True)

    class Meta:
        verbose_name = "import de missions"
        verbose_name_plural = "imports de missions"
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created:%d/%m/%Y %H:%M})"
