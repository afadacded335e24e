from django.db import models

from accords.models.base import TimeStampedModel
from cases.choices import AgencyKind
from cases.validators import validate_siret


class Agency(TimeStampedModel):
    """An agence d'emploi: one branch of a temp-work company, with its own SIRET."""

    name = models.CharField("nom", max_length=200)
    siret = models.CharField("SIRET", max_length=14, unique=True, validators=[validate_siret])
    kind = models.CharField("type", max_length=4, choices=AgencyKind.choices)
    company_name = models.CharField("entreprise (groupe)", max_length=200)
    region = models.CharField("région", max_length=100)
    departement = models.CharField(
        "département", max_length=3, help_text="Code du département : 75, 2A, 971…"
    )

    class Meta:
        verbose_name = "agence d'emploi"
        verbose_name_plural = "agences d'emploi"
        ordering = ["company_name", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.company_name})"


class ClientCompany(TimeStampedModel):
    """An entreprise utilisatrice (EU), where the worker does missions."""

    name = models.CharField("raison sociale", max_length=200)
    siret = models.CharField("SIRET", max_length=14, unique=True, validators=[validate_siret])
    city = models.CharField("ville", max_length=100, blank=True)

    class Meta:
        verbose_name = "entreprise utilisatrice"
        verbose_name_plural = "entreprises utilisatrices"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TrainingProvider(TimeStampedModel):
    """An organisme de formation (OF)."""

    name = models.CharField("raison sociale", max_length=200)
    siret = models.CharField("SIRET", max_length=14, unique=True, validators=[validate_siret])
    nda_number = models.CharField(
        "numéro de déclaration d'activité (NDA)", max_length=11, blank=True
    )
    city = models.CharField("ville", max_length=100, blank=True)

    class Meta:
        verbose_name = "organisme de formation"
        verbose_name_plural = "organismes de formation"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
