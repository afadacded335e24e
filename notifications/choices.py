from django.db import models


class NotificationLevel(models.TextChoices):
    INFO = "info", "Information"
    WARNING = "warning", "Attention"
    URGENT = "urgent", "Urgent"


class EmailMode(models.TextChoices):
    EACH = "each", "Chaque rappel par e-mail"
    DIGEST = "digest", "Un récapitulatif quotidien seulement"
    NONE = "none", "Pas d'e-mail"
