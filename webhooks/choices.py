from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    """What the agency's other software may subscribe to (Standard Webhooks: « type »)."""

    DOSSIER_STEP = "dossier.step", _("Étape d'un dossier")
    DEADLINE_BREACHED = "deadline.breached", _("Échéance dépassée")
    OBLIGATION_SETTLED = "obligation.settled", _("Obligation soldée (respectée ou levée)")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("en attente")
    SUCCEEDED = "succeeded", _("livré")
    ABANDONED = "abandoned", _("abandonné")
