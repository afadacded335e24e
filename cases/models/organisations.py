from django.db import models

from accords.models.base import TimeStampedModel
from cases.choices import AgencyKind, RegisterStatus
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


class RegisterFacts(models.Model):
    """What the state's company register (« Recherche d'entreprises ») says about the SIRET.

    Filled by `cases.services.registers` off the request path, never typed: the fields a user
    types (name, city, NDA) are only filled when empty, and a register value that differs
    from what was typed is kept in `register_differences` for the user to decide.
    """

    address = models.CharField("adresse (registre)", max_length=300, blank=True)
    naf_code = models.CharField("code NAF / APE (registre)", max_length=10, blank=True)
    idcc_list = models.JSONField(
        "conventions collectives IDCC (registre)", default=list, blank=True
    )
    establishment_closed = models.BooleanField(
        "établissement fermé (registre)",
        null=True,
        blank=True,
        help_text="Vide : jamais vérifié.",
    )
    closed_on = models.DateField("date de fermeture (registre)", null=True, blank=True)
    register_status = models.CharField(
        "recherche dans le registre",
        max_length=10,
        choices=RegisterStatus.choices,
        default=RegisterStatus.NEVER,
        blank=True,
    )
    register_checked_at = models.DateTimeField(
        "dernière vérification dans le registre", null=True, blank=True
    )
    register_error = models.CharField("dernière erreur de la recherche", max_length=300, blank=True)
    register_differences = models.JSONField(
        "écarts avec le registre",
        default=dict,
        blank=True,
        help_text="Champ saisi → valeur du registre, quand elles diffèrent.",
    )

    class Meta:
        abstract = True


class ClientCompany(RegisterFacts, TimeStampedModel):
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


class TrainingProvider(RegisterFacts, TimeStampedModel):
    """An organisme de formation (OF)."""

    name = models.CharField("raison sociale", max_length=200)
    siret = models.CharField("SIRET", max_length=14, unique=True, validators=[validate_siret])
    nda_number = models.CharField(
        "numéro de déclaration d'activité (NDA)", max_length=11, blank=True
    )
    city = models.CharField("ville", max_length=100, blank=True)
    nda_numbers = models.JSONField(
        "numéros de déclaration d'activité (registre)", default=list, blank=True
    )
    qualiopi = models.BooleanField(
        "certifié Qualiopi (registre)",
        null=True,
        blank=True,
        help_text="Certification qualité exigée pour un financement par l'OPCO "
        "(Code du travail, art. L. 6316-1). Vide : jamais vérifié.",
    )

    class Meta:
        verbose_name = "organisme de formation"
        verbose_name_plural = "organismes de formation"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
