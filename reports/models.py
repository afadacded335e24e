from django.db import models


class StoredReport(models.Model):
    """A report built by Celery beat at the end of its period, kept with its files.

    One row per kind and period (a unique constraint): a retried or repeated beat tick finds it.
    """

    kind = models.CharField(
        "type",
        max_length=20,
        choices=[("cpne", "Rapport annuel CPNE"), ("mission_jeunes", "Mission jeunes (semestre)")],
    )
    period_code = models.CharField("période", max_length=30)
    period_start = models.DateField("début de la période")
    period_end = models.DateField("fin de la période")
    payload = models.JSONField("contenu (JSON)")
    xlsx = models.FileField("classeur XLSX", upload_to="reports/", blank=True)
    pdf = models.FileField("rapport PDF", upload_to="reports/", blank=True)
    created = models.DateTimeField("produit le", auto_now_add=True)

    class Meta:
        verbose_name = "rapport"
        verbose_name_plural = "rapports"
        ordering = ["-period_end", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "period_code"], name="unique_report_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_code}"
