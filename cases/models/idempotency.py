"""What makes a retried request harmless: API idempotency keys and one-time form tokens.

Both are claimed by inserting a row under a unique constraint before the request is
processed: of two identical requests, the database lets exactly one in. Rows expire after
`IDEMPOTENCY_TTL_HOURS` and are purged by `cases.idempotency.idempotency_records_purge`.
"""

from django.conf import settings
from django.db import models


class IdempotencyKey(models.Model):
    """One `Idempotency-Key` of one user: the request it was first sent with, and its answer.

    `status_code` is null while the first request is being processed; once it succeeded, the
    stored answer is replayed to every retry with the same key and the same fingerprint.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="utilisateur",
        on_delete=models.CASCADE,
        related_name="+",
    )
    key = models.CharField("clé", max_length=255)
    fingerprint = models.CharField(
        "empreinte", max_length=64, help_text="SHA-256 de la méthode, de l'adresse et du corps."
    )
    path = models.CharField("adresse", max_length=255)
    created = models.DateTimeField("reçue le", db_index=True)
    status_code = models.PositiveSmallIntegerField("code de réponse", null=True, blank=True)
    response_headers = models.JSONField("en-têtes de la réponse", default=dict)
    response_body = models.BinaryField("corps de la réponse", default=b"")

    class Meta:
        verbose_name = "clé d'idempotence"
        verbose_name_plural = "clés d'idempotence"
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="unique_idempotency_key_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.path})"


class FormSubmission(models.Model):
    """One submission of an admin form, by the one-time token its page carried.

    `redirect_to` is empty while the first submission is being processed, then holds where it
    led; a second submission of the same page is sent there instead of being processed.
    """

    FIELD = "_form_token"

    token = models.CharField("jeton", max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="utilisateur",
        on_delete=models.CASCADE,
        related_name="+",
    )
    path = models.CharField("adresse", max_length=255)
    created = models.DateTimeField("envoyé le", db_index=True)
    redirect_to = models.CharField("redirigé vers", max_length=2000, blank=True)

    class Meta:
        verbose_name = "envoi de formulaire"
        verbose_name_plural = "envois de formulaires"

    def __str__(self) -> str:
        return f"{self.path} ({self.created:%d/%m/%Y %H:%M})"
