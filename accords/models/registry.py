"""The branch agreements and the certification lists they carry."""

from django.db import models
from simple_history.models import HistoricalRecords

from accords.models.base import TimeStampedModel


class AccordKind(models.TextChoices):
    ACCORD = "accord", "Accord"
    AVENANT = "avenant", "Avenant"
    ACCORD_CADRE = "accord_cadre", "Accord-cadre"
    ACCORD_PARITAIRE = "accord_paritaire", "Accord paritaire"
    ACCORD_SUBSTITUTION = "accord_substitution", "Accord de substitution"
    PROTOCOLE = "protocole", "Protocole d'accord"
    AUTRE = "autre", "Autre texte"


class AccordScope(models.TextChoices):
    TEMP_WORKERS = "temp_workers", "Salariés intérimaires"
    PERMANENT_STAFF = "permanent_staff", "Salariés permanents"
    BOTH = "both", "Intérimaires et permanents"
    OTHER_BRANCH = "other_branch", "Autre branche"


class AccordStatus(models.TextChoices):
    SIGNED = "signed", "Signé"
    EXTENDED = "extended", "Étendu"
    IN_FORCE = "in_force", "En vigueur"
    DENOUNCED = "denounced", "Dénoncé"


class Accord(TimeStampedModel):
    """A collective agreement text (accord, avenant…) as published."""

    kind = models.CharField("nature", max_length=30, choices=AccordKind.choices)
    title = models.CharField("titre", max_length=500)
    idcc = models.CharField("IDCC", max_length=4, blank=True, db_index=True)
    brochure = models.CharField("n° de brochure", max_length=10, blank=True)
    nor = models.CharField("NOR", max_length=12, blank=True, db_index=True)
    signature_date = models.DateField("date de signature", null=True, blank=True)
    extension_order_date = models.DateField("date de l'arrêté d'extension", null=True, blank=True)
    jorf_date = models.DateField("date de publication au JORF", null=True, blank=True)
    in_force_from = models.DateField("en vigueur à partir du", null=True, blank=True)
    in_force_until = models.DateField("en vigueur jusqu'au", null=True, blank=True)
    scope = models.CharField("champ", max_length=20, choices=AccordScope.choices, blank=True)
    employer_signatories = models.TextField("organisations d'employeurs signataires", blank=True)
    union_signatories = models.TextField("organisations syndicales signataires", blank=True)
    status = models.CharField(
        "statut", max_length=12, choices=AccordStatus.choices, default=AccordStatus.SIGNED
    )
    source_file = models.CharField("fichier source", max_length=200, blank=True)
    source_text = models.TextField("texte source", blank=True)
    fingerprint = models.CharField(
        "empreinte du texte",
        max_length=64,
        unique=True,
        help_text="Identifie le texte importé : un second import ne le duplique pas.",
    )

    history = HistoricalRecords(verbose_name_plural="historique")

    class Meta:
        verbose_name = "accord"
        verbose_name_plural = "accords"
        ordering = ["-signature_date", "title"]

    def __str__(self) -> str:
        date = f" du {self.signature_date:%d/%m/%Y}" if self.signature_date else ""
        return f"{self.get_kind_display()}{date} — {self.title[:80]}"


class Article(models.Model):
    accord = models.ForeignKey(
        Accord, verbose_name="accord", on_delete=models.CASCADE, related_name="articles"
    )
    number = models.CharField(
        "numéro", max_length=30, help_text="Tel qu'imprimé : 1er, 3.2, Annexe…"
    )
    title = models.CharField("titre", max_length=500, blank=True)
    text = models.TextField("texte", blank=True)
    order = models.PositiveIntegerField("ordre")

    history = HistoricalRecords(verbose_name_plural="historique")

    class Meta:
        verbose_name = "article"
        verbose_name_plural = "articles"
        ordering = ["accord", "order"]
        constraints = [
            models.UniqueConstraint(fields=["accord", "order"], name="unique_article_order")
        ]

    def __str__(self) -> str:
        return f"Article {self.number}" + (f" — {self.title}" if self.title else "")


class Certification(models.Model):
    """A certification: RNCP code, or CléA / CléA numérique."""

    code = models.CharField(
        "code",
        max_length=20,
        unique=True,
        help_text="RNCP suivi de chiffres, CLEA ou CLEA_NUMERIQUE.",
    )
    title = models.CharField("intitulé", max_length=500)
    level = models.PositiveSmallIntegerField("niveau", null=True, blank=True)

    history = HistoricalRecords(verbose_name_plural="historique")

    class Meta:
        verbose_name = "certification"
        verbose_name_plural = "certifications"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"


class CertificationListEntry(models.Model):
    """One row of an accord's list of eligible certifications (e.g. the Pro-A annex)."""

    accord = models.ForeignKey(
        Accord,
        verbose_name="accord",
        on_delete=models.CASCADE,
        related_name="certification_entries",
    )
    certification = models.ForeignKey(
        Certification,
        verbose_name="certification",
        on_delete=models.PROTECT,
        related_name="entries",
    )
    sector = models.CharField("secteur", max_length=200)
    sub_sector = models.CharField("sous-secteur", max_length=200, blank=True)
    job = models.CharField("métier", max_length=300, blank=True)
    title_as_listed = models.CharField("intitulé dans la liste", max_length=500, blank=True)
    excluded_from_extension = models.BooleanField("exclu de l'extension", default=False)
    order = models.PositiveIntegerField("ordre")

    history = HistoricalRecords(verbose_name_plural="historique")

    class Meta:
        verbose_name = "entrée de liste de certifications"
        verbose_name_plural = "listes de certifications"
        ordering = ["accord", "order"]
        constraints = [
            models.UniqueConstraint(fields=["accord", "order"], name="unique_list_entry_order")
        ]

    def __str__(self) -> str:
        return f"{self.sector} / {self.job} — {self.certification.code}"
