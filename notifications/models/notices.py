from django.conf import settings
from django.db import models

from notifications.choices import EmailMode, NotificationLevel


class ReminderOffset(models.Model):
    """When to remind before (or after) a deadline: configurable data, not code."""

    key = models.SlugField("code", max_length=20, unique=True)
    label = models.CharField("libellé", max_length=100)
    days_before = models.SmallIntegerField(
        "jours avant le jour ouvré sûr",
        help_text="3 = trois jours avant ; 0 = le jour même ; -1 = le lendemain de l'échéance "
        "(retard).",
    )
    level = models.CharField("niveau", max_length=10, choices=NotificationLevel.choices)
    escalate = models.BooleanField(
        "prévenir aussi le responsable d'agence",
        default=False,
    )

    class Meta:
        verbose_name = "rappel"
        verbose_name_plural = "calendrier des rappels"
        ordering = ["-days_before"]

    def __str__(self) -> str:
        return self.label


class Notification(models.Model):
    """A notice to one person, in the app and, by preference, by e-mail."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="destinataire",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    dossier = models.ForeignKey(
        "cases.Dossier",
        verbose_name="dossier",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    deadline = models.ForeignKey(
        "cases.Deadline",
        verbose_name="échéance",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    kind = models.CharField(
        "type",
        max_length=30,
        help_text="Nouvelle échéance, rappel (J-3, J-1, dernier jour, dépassée), escalade "
        "au responsable d'agence, nouvelle vérification après un changement des règles.",
    )
    level = models.CharField("niveau", max_length=10, choices=NotificationLevel.choices)
    message = models.TextField("message")
    created = models.DateTimeField("créée le", auto_now_add=True, db_index=True)
    read_at = models.DateTimeField("lue le", null=True, blank=True)
    # Claimed, then sent, then confirmed: a claim never confirmed is an « envoi incertain »
    # (the sender died between the two), never sent again (notifications.services.emails).
    email_claimed_at = models.DateTimeField("envoi par e-mail commencé le", null=True, blank=True)
    emailed_at = models.DateTimeField("envoyée par e-mail le", null=True, blank=True)

    class Meta:
        verbose_name = "notification"
        verbose_name_plural = "notifications"
        ordering = ["-created", "-pk"]
        constraints = [
            # Each reminder is sent once: retries, duplicate beat ticks and two workers are harmless.
            models.UniqueConstraint(
                fields=["deadline", "kind", "recipient"],
                condition=models.Q(deadline__isnull=False),
                name="unique_reminder_per_recipient",
            ),
            models.UniqueConstraint(
                fields=["dossier", "kind", "recipient"],
                condition=models.Q(deadline__isnull=True, dossier__isnull=False),
                name="unique_dossier_notice_per_recipient",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
        ]

    def __str__(self) -> str:
        return self.message[:80]

    @property
    def kind_label(self) -> str:
        """The kind in French: a reminder's label (ReminderOffset), « escalade » or a re-check."""
        if self.kind == "created":
            return "Nouvelle échéance"
        if self.kind.startswith("recheck-"):
            return "Nouvelle vérification (règles modifiées)"
        key, escalated = self.kind.removesuffix("-escalation"), self.kind.endswith("-escalation")
        offset = ReminderOffset.objects.filter(key=key).first()
        label = offset.label if offset is not None else "Notification"
        return f"{label} — escalade au responsable" if escalated else label


class NotificationPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="utilisateur",
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email_mode = models.CharField(
        "e-mails", max_length=10, choices=EmailMode.choices, default=EmailMode.DIGEST
    )

    class Meta:
        verbose_name = "préférence de notification"
        verbose_name_plural = "préférences de notification"

    def __str__(self) -> str:
        return f"{self.user} : {self.get_email_mode_display()}"


class DigestSent(models.Model):
    """One daily digest per person and day, whatever the number of beat ticks.

    The row is the claim, committed before the e-mail goes (`sent_at`: when it was claimed);
    `confirmed_at` is set once the mail server took it. A row without it is an « envoi
    incertain »: that day's digest is not sent again.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField("envoi confirmé le", null=True, blank=True)

    class Meta:
        verbose_name = "récapitulatif envoyé"
        verbose_name_plural = "récapitulatifs envoyés"
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="unique_digest_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.day:%d/%m/%Y}"
