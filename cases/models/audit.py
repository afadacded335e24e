from django.conf import settings
from django.db import models


class SensitiveDataAccess(models.Model):
    """One read of a worker's NIR or health data (AT/MP, aptitude): who, when, where.

    Written by `cases.sensitive.sensitive_read_log`; never edited. The worker link is cleared,
    not cascaded, if a worker row is ever deleted, so the log outlives the record it is about.
    """

    class Channel(models.TextChoices):
        ADMIN = "admin", "Administration"
        API = "api", "API"
        EXPORT = "export", "Export (commande)"

    at = models.DateTimeField("date et heure", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="utilisateur",
        null=True,
        on_delete=models.SET_NULL,
        related_name="sensitive_reads",
    )
    username = models.CharField("identifiant", max_length=150, blank=True)
    worker = models.ForeignKey(
        "cases.Worker",
        verbose_name="salarié",
        null=True,
        on_delete=models.SET_NULL,
        related_name="sensitive_reads",
    )
    nir = models.BooleanField("NIR lu", default=False)
    health = models.BooleanField("données de santé lues", default=False)
    channel = models.CharField("canal", max_length=10, choices=Channel.choices)
    where = models.CharField("écran ou adresse", max_length=255)

    class Meta:
        verbose_name = "consultation de données sensibles"
        verbose_name_plural = "consultations de données sensibles"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["worker", "at"], name="sensitive_worker_at_idx")]

    def __str__(self) -> str:
        what = " et ".join(
            label for flag, label in ((self.nir, "NIR"), (self.health, "santé")) if flag
        )
        return f"{self.username or '?'} — {what} — {self.at:%d/%m/%Y %H:%M}"
