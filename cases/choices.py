"""The codes of the domain (DOMAIN.md §2, §3, §7), each with its French label."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Defined with the law (accords), named here too so that cases code has one place for its codes.
from accords.choices import Dispositif as Dispositif
from accords.choices import Employment as Employment
from accords.choices import PublicCode as PublicCode


class DossierState(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    OPINION_REQUESTED = "opinion_requested", _("Avis FPE.TT demandé")
    OPINION_GIVEN = "opinion_given", _("Avis FPE.TT favorable")
    FUNDS_REQUESTED = "funds_requested", _("Réservation de fonds demandée")
    FUNDS_RESERVED = "funds_reserved", _("Fonds réservés")
    SUBMITTED = "submitted", _("Déposé à l'AKTO")
    ACCEPTED = "accepted", _("Accepté par l'AKTO")
    REFUSED = "refused", _("Refusé par l'AKTO")
    IN_TRAINING = "in_training", _("En formation")
    MISSION_FOLLOW_UP = "mission_follow_up", _("Suivi des missions")
    REIMBURSEMENT_REQUESTED = "reimbursement_requested", _("Remboursement demandé")
    CLOSED = "closed", _("Clôturé")
    CANCELLED = "cancelled", _("Annulé")


FINAL_STATES = frozenset({DossierState.CLOSED, DossierState.CANCELLED})


class DossierEventKind(models.TextChoices):
    """What a line of a dossier's history records (the step itself is in `transition`)."""

    CREATED = "created", _("Création")
    EDITED = "edited", _("Modification")
    TRANSITION = "transition", _("Étape")
    DOCUMENT = "document", _("Pièce reçue")
    DEEMED_DECISION = "deemed_decision", _("Décision réputée (silence de l'AKTO)")
    DEADLINE_WAIVED = "deadline_waived", _("Échéance levée")
    PAYMENT = "payment", _("Paiement reçu")


class Silence(models.TextChoices):
    """What AKTO's silence on a dossier is worth once its decision deadline has passed."""

    ACCEPTED = "accepted", _("Vaut acceptation")
    REFUSED = "refused", _("Vaut refus")


class Role(models.TextChoices):
    CASE_WORKER = "case_worker", _("Chargé(e) de dossiers")
    AGENCY_MANAGER = "agency_manager", _("Responsable d'agence")
    TRAINING_MANAGER = "training_manager", _("Responsable formation (entreprise)")
    FPETT_ADVISOR = "fpett_advisor", _("Conseiller(ère) reconversion FPE.TT")
    CPNE_REPORTER = "cpne_reporter", _("Rapporteur CPNE")
    ADMINISTRATOR = "administrator", _("Administrateur")


class AgencyKind(models.TextChoices):
    ETT = "ETT", _("ETT — entreprise de travail temporaire")
    ETTI = "ETTI", _("ETTI — entreprise de travail temporaire d'insertion")


class FitnessStatus(models.TextChoices):
    """Health data (DOMAIN.md §5): seen only by the roles allowed to."""

    UNKNOWN = "", _("Non renseigné")
    RISK_OF_UNFITNESS = "risk", _("Risque d'inaptitude")
    FIT_WITH_RESTRICTIONS = "restricted", _("Apte avec restriction(s)")
    UNFIT_FORMER_JOB = "unfit", _("Inapte à l'ancien métier")


class CancellationReason(models.TextChoices):
    RUPTURE = "rupture", _("Rupture du contrat")
    ABANDONMENT = "abandonment", _("Abandon du parcours")
    REFUSAL = "refusal", _("Refus (AKTO ou FPE.TT)")
    FPETT_UNFAVOURABLE = "fpett_unfavourable", _("Avis FPE.TT défavorable")
    ERROR = "error", _("Dossier créé par erreur")


class DocumentKind(models.TextChoices):
    CERFA = "cerfa", _("CERFA signé")
    PROGRAMME = "programme", _("Programme de formation")
    QUOTE = "quote", _("Devis de l'organisme de formation")
    CALENDAR = "calendar", _("Calendrier de l'alternance")
    TRAINING_CONVENTION = "training_convention", _("Convention de formation")
    AVENANT = "avenant", _("Avenant au contrat de travail")
    MISSION_LETTER = "mission_letter", _("Lettre de mission / contrat de mission-formation")
    AFEST_PROTOCOL = "afest_protocol", _("Protocole AFEST signé")
    FPETT_OPINION = "fpett_opinion", _("Avis du pôle reconversion FPE.TT")
    INVOICE = "invoice", _("Facture (demande de remboursement)")
    OTHER = "other", _("Autre pièce")


class DocumentStatus(models.TextChoices):
    EXPECTED = "expected", _("Attendu")
    RECEIVED = "received", _("Reçu")
    VALIDATED = "validated", _("Validé")
    REJECTED = "rejected", _("Refusé")


class CertificationLevel(models.IntegerChoices):
    NONE = 0, _("Aucune certification")
    LEVEL_3 = 3, _("Niveau 3 (CAP, BEP)")
    LEVEL_4 = 4, _("Niveau 4 (baccalauréat)")
    LEVEL_5 = 5, _("Niveau 5 (bac + 2)")
    LEVEL_6 = 6, _("Niveau 6 (licence, bac + 3)")
    LEVEL_7 = 7, _("Niveau 7 (master, bac + 5)")
    LEVEL_8 = 8, _("Niveau 8 (doctorat)")


class FundingLineKind(models.TextChoices):
    """The kinds of money line in a dossier's funding ledger (issue 3, « The funding ledger »)."""

    ESTIMATED = "estimated", _("Estimé (moteur de règles)")
    RESERVED = "reserved", _("Réservé (AKTO)")
    CLAIMED = "claimed", _("Demandé (remboursement)")
    PAID = "paid", _("Payé (AKTO)")


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
    MET_LATE = "met_late", "Respectée en retard"
    BREACHED = "breached", "Dépassée"
    WAIVED = "waived", "Levée"
    # The dossier was cancelled, or the deadline no longer applies: nobody waived it.
    CANCELLED = "cancelled", "Annulée"


class RegisterStatus(models.TextChoices):
    """Where a client company's or training provider's lookup in the company register stands."""

    NEVER = "", _("Jamais consulté")
    QUEUED = "queued", _("Recherche en cours")
    DONE = "done", _("Complété depuis le registre")
    NOT_FOUND = "not_found", _("SIRET introuvable dans le registre")
    FAILED = "failed", _("Échec de la recherche")
