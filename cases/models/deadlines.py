from django.conf import settings
from django.db import models

from accords.models.base import TimeStampedModel
from cases.choices import DeadlineKind, DeadlineStatus, Silence


class Deadline(TimeStampedModel):
    """A live deadline of a dossier, computed by the rules engine and kept up to date.

    Stored so that "what is due soon" and "what is overdue" are indexed queries.
    """

    dossier = models.ForeignKey(
        "cases.Dossier", verbose_name="dossier", on_delete=models.CASCADE, related_name="deadlines"
    )
    kind = models.CharField("échéance", max_length=30, choices=DeadlineKind.choices)
    label = models.CharField("libellé", max_length=200)
    due = models.DateField("date limite")
    safe_date = models.DateField(
        "jour ouvré sûr",
        help_text="Dernier jour ouvré (lundi–vendredi, hors fériés) avant l'échéance.",
    )
    status = models.CharField(
        "statut", max_length=10, choices=DeadlineStatus.choices, default=DeadlineStatus.OPEN
    )
    met_at = models.DateTimeField("respectée le", null=True, blank=True)
    breached_at = models.DateTimeField("dépassée le", null=True, blank=True)
    waived_at = models.DateTimeField("levée le", null=True, blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="levée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    waiver_reason = models.TextField("motif de la levée", blank=True)
    escalation_level = models.PositiveSmallIntegerField("niveau d'escalade", default=0)
    rule_set = models.ForeignKey(
        "accords.RuleSet",
        verbose_name="règles appliquées",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.CharField("source", max_length=300)
    silence = models.CharField(
        "sens du silence",
        max_length=10,
        blank=True,
        choices=Silence.choices,
        help_text="Ce que vaut le silence de l'AKTO à l'échéance (décision réputée).",
    )

    class Meta:
        verbose_name = "échéance"
        verbose_name_plural = "échéances"
        ordering = ["due", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "kind"], name="unique_deadline_per_kind")
        ]
        indexes = [
            models.Index(fields=["status", "safe_date"], name="deadline_status_safe_idx"),
            models.Index(fields=["status", "due"], name="deadline_status_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.label} — {self.due:%d/%m/%Y}"
