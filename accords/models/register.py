"""The national register of professional certifications (RNCP), as France Compétences exports it.

A fiche is the register's row for one certification; an export is the dated file it came from.
Both are written only by `accords.register.register_import`.
"""

from django.db import models

from accords.choices import AccessRoute


class RegisterExport(models.Model):
    """One dated export of the register, and what loading it changed."""

    export_date = models.DateField("date de l'export", unique=True)
    file_name = models.CharField("fichier", max_length=255)
    fiche_count = models.PositiveIntegerField("fiches lues", default=0)
    created_count = models.PositiveIntegerField("fiches créées", default=0)
    updated_count = models.PositiveIntegerField("fiches modifiées", default=0)
    unchanged_count = models.PositiveIntegerField("fiches inchangées", default=0)
    deactivated_count = models.PositiveIntegerField("fiches désactivées", default=0)
    imported_at = models.DateTimeField("importé le")

    class Meta:
        verbose_name = "export du registre RNCP"
        verbose_name_plural = "exports du registre RNCP"
        ordering = ["-export_date"]

    def __str__(self) -> str:
        return f"Export RNCP du {self.export_date:%d/%m/%Y}"


class RegisterFiche(models.Model):
    """A fiche of the RNCP register: one certification, its level, dates, routes, successors."""

    code = models.CharField("numéro de fiche", max_length=20, unique=True)
    title = models.CharField("intitulé", max_length=1000)
    level = models.PositiveSmallIntegerField(
        "niveau", null=True, blank=True, help_text="Nomenclature européenne (NIV3 → 3)."
    )
    level_label = models.CharField(
        "niveau (export)", max_length=20, blank=True, help_text="Tel qu'exporté : NIV5, REPRISE…"
    )
    decision_date = models.DateField("date de décision", null=True, blank=True)
    effect_date = models.DateField("date d'effet", null=True, blank=True)
    end_date = models.DateField("fin d'enregistrement", null=True, blank=True)
    registration_type = models.CharField("type d'enregistrement", max_length=100, blank=True)
    active = models.BooleanField("active", default=False)
    routes = models.JSONField(
        "voies d'accès",
        default=list,
        blank=True,
        help_text="Codes : " + ", ".join(AccessRoute.values) + ".",
    )
    successors = models.JSONField("nouvelles fiches", default=list, blank=True)
    in_latest_export = models.BooleanField("dans le dernier export", default=True)
    fingerprint = models.CharField("empreinte", max_length=40)
    export = models.ForeignKey(
        RegisterExport,
        verbose_name="dernier export",
        on_delete=models.PROTECT,
        related_name="fiches",
    )

    class Meta:
        verbose_name = "fiche du registre RNCP"
        verbose_name_plural = "fiches du registre RNCP"
        ordering = ["code"]
        indexes = [models.Index(fields=["title"], name="registerfiche_title")]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    def route_labels(self) -> list[str]:
        return [str(AccessRoute(code).label) for code in self.routes if code in AccessRoute]
