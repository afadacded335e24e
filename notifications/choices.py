from django.db import models


class DeadlineKind(models.TextChoices):
    """The deadlines and obligations a dossier carries (DOMAIN.md §3, table of deadlines)."""

    AKTO_DEPOSIT = "akto_deposit", "Dépôt du dossier à l'AKTO"
    AKTO_DECISION = "akto_decision", "Décision de l'AKTO"
    FUND_RESERVATION = "fund_reservation", "Réservation des fonds"
    FPETT_OPINION = "fpett_opinion", "Avis du FPE.TT"
    MISSION_OBLIGATION = "mission_obligation", "Obligation de missions"
    REIMBURSEMENT_REQUEST = "reimbursement_request", "Demande de remboursement"


class DeadlineStatus(models.TextChoices):
    OPEN = "open", "À faire"
    MET = "met", "Respectée"
    BREACHED = "breached", "Dépassée"
    WAIVED = "waived", "Levée"


class NotificationLevel(models.TextChoices):
    INFO = "info", "Information"
    WARNING = "warning", "Attention"
    URGENT = "urgent", "Urgent"


class EmailMode(models.TextChoices):
    EACH = "each", "Chaque rappel par e-mail"
    DIGEST = "digest", "Un récapitulatif quotidien seulement"
    NONE = "none", "Pas d'e-mail"
