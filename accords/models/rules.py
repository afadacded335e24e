"""Dated rule sets and funding rates: the rules as data, each with its citation (STYLE.md §10)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from accords.choices import Dispositif, dispositif_short
from accords.models.base import TimeStampedModel
from accords.params import ParameterError, RuleParameters, parse_parameters


def validate_parameters(value) -> None:
    try:
        parse_parameters(value)
    except ParameterError as exc:
        raise ValidationError(str(exc), code="invalid_parameters") from exc


class InForceQuerySet(models.QuerySet):
    def in_force_on(self, day):
        """The rows whose validity covers `day` (valid_to included; empty = open-ended)."""
        return self.filter(valid_from__lte=day).filter(
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day)
        )


def _overlapping(queryset, instance):
    others = queryset.exclude(pk=instance.pk)
    if instance.valid_to:
        others = others.filter(valid_from__lte=instance.valid_to)
    return others.filter(
        models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=instance.valid_from)
    )


class RuleSet(TimeStampedModel):
    """The rules of one dispositif over a period, with the texts they come from.

    A dossier is checked against the rule set in force on its contract start date.
    """

    dispositif = models.CharField("dispositif", max_length=16, choices=Dispositif.choices)
    name = models.CharField("intitulé", max_length=200)
    valid_from = models.DateField("en vigueur à partir du")
    valid_to = models.DateField("en vigueur jusqu'au", null=True, blank=True)
    accord = models.ForeignKey(
        "accords.Accord",
        verbose_name="accord",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rule_sets",
    )
    articles = models.ManyToManyField(
        "accords.Article", verbose_name="articles", blank=True, related_name="rule_sets"
    )
    source = models.CharField(
        "source", max_length=300, help_text="Document et article, ex. « 003 — fiche CPI »."
    )
    parameters = models.JSONField(
        "paramètres",
        default=dict,
        validators=[validate_parameters],
        help_text="Chaque paramètre porte sa source (document et article).",
    )
    notes = models.TextField("notes", blank=True)

    objects = InForceQuerySet.as_manager()

    history = HistoricalRecords(verbose_name_plural="historique")

    class Meta:
        verbose_name = "jeu de règles"
        verbose_name_plural = "jeux de règles"
        ordering = ["dispositif", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["dispositif", "valid_from"], name="unique_rule_set_start"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="rule_set_dates_in_order",
                violation_error_message="La fin de validité précède son début.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_dispositif_display()} — à partir du {self.valid_from:%d/%m/%Y}"

    @property
    def params(self) -> RuleParameters:
        return parse_parameters(self.parameters)

    def clean(self) -> None:
        if (
            self.valid_from
            and _overlapping(RuleSet.objects.filter(dispositif=self.dispositif), self).exists()
        ):
            raise ValidationError("Un autre jeu de règles de ce dispositif couvre déjà ces dates.")


class FundingProgramme(models.TextChoices):
    STANDARD = "standard", "Cas général"
    NATIONAL = "national", "Programmes nationaux et priorités de branche"
    PRIORITY_NO_COFUNDING = (
        "priority_no_cofunding",
        "Publics prioritaires FPE.TT sans cofinancement",
    )
    PRIORITY_COFUNDING = "priority_cofunding", "Publics prioritaires FPE.TT avec cofinancement"


class RateDateBasis(models.TextChoices):
    CONTRACT_START = "contract_start", "Date de début du contrat"
    RESERVATION = "reservation", "Date de réservation des fonds"


class FundingRate(TimeStampedModel):
    """An hourly forfait per training hour, dated, with its source (DOMAIN.md §6)."""

    dispositif = models.CharField("dispositif", max_length=16, choices=Dispositif.choices)
    programme = models.CharField(
        "programme ou public",
        max_length=30,
        choices=FundingProgramme.choices,
        default=FundingProgramme.STANDARD,
    )
    hourly_rate = models.DecimalField(
        "forfait (€/h)",
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    extra_cost_share = models.DecimalField(
        "part du surcoût prise en charge",
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="Fraction du surcoût, de 0 à 1 (0,5 pour la moitié), telle que la source du "
        "taux la fixe (règle FPE.TT du 1er juillet 2024 pour les publics prioritaires).",
    )
    date_basis = models.CharField(
        "date de référence",
        max_length=20,
        choices=RateDateBasis.choices,
        default=RateDateBasis.CONTRACT_START,
    )
    valid_from = models.DateField("en vigueur à partir du")
    valid_to = models.DateField("en vigueur jusqu'au", null=True, blank=True)
    source = models.CharField("source", max_length=300)

    objects = InForceQuerySet.as_manager()

    history = HistoricalRecords(verbose_name_plural="historique")

    class Meta:
        verbose_name = "taux de financement"
        verbose_name_plural = "taux de financement"
        ordering = ["dispositif", "programme", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["dispositif", "programme", "valid_from"], name="unique_funding_rate_start"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="funding_rate_dates_in_order",
                violation_error_message="La fin de validité précède son début.",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{dispositif_short(self.dispositif)} {self.get_programme_display()} : "
            f"{self.hourly_rate} €/h"
        )

    def clean(self) -> None:
        others = FundingRate.objects.filter(dispositif=self.dispositif, programme=self.programme)
        if self.valid_from and _overlapping(others, self).exists():
            raise ValidationError("Un autre taux de ce dispositif couvre déjà ces dates.")
