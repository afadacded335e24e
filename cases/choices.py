"""The codes of the domain (DOMAIN.md §2, §3, §7), each with its French label."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Dispositif(models.TextChoices):
    CPI = "CPI", _("CPI — contrat de professionnalisation intérimaire")
    CAI = "CAI", _("CAI — contrat d'apprentissage intérimaire")
    CIPI = "CIPI", _("CIPI — contrat d'insertion professionnelle intérimaire")
    CDPI = "CDPI", _("CDPI — contrat de développement professionnel intérimaire")
    CAR = "CAR", _("CAR — contrat d'alternance reconversion")
    PRO_A_INTERIM = "PRO_A_INTERIM", _("Pro-A — salariés intérimaires en CDII")
    PRO_A_PERMANENT = "PRO_A_PERMANENT", _("Pro-A — salariés permanents")


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


class Employment(models.TextChoices):
    CTT = "CTT", _("CTT — contrat de mission")
    CDII = "CDII", _("CDII — CDI intérimaire")
    CDI = "CDI", _("CDI — salarié permanent")


class PublicCode(models.TextChoices):
    """A worker's situation on the start date (DOMAIN.md §7, « Public codes »)."""

    JOB_SEEKER = "JOB_SEEKER", _("Demandeur d'emploi inscrit à France Travail")
    JOB_SEEKER_LONG_TERM = "JOB_SEEKER_LONG_TERM", _("Demandeur d'emploi de longue durée (> 1 an)")
    RSA = "RSA", _("Bénéficiaire du RSA")
    ASS = "ASS", _("Bénéficiaire de l'ASS")
    AAH = "AAH", _("Bénéficiaire de l'AAH")
    DISABILITY = "DISABILITY", _("Bénéficiaire de l'obligation d'emploi (RQTH incluse)")
    UNFIT_FORMER_JOB = "UNFIT_FORMER_JOB", _("Inapte définitivement à son ancien métier")
    BASIC_SKILLS_GAP = "BASIC_SKILLS_GAP", _("Ne maîtrise pas les savoirs de base")
    REFUGEE = "REFUGEE", _("Réfugié, protection internationale ou demandeur d'asile")
    NO_EXPERIENCE_LOW_QUALIFICATION = (
        "NO_EXPERIENCE_LOW_QUALIFICATION",
        _("Sans expérience professionnelle ni diplôme au-delà du niveau 3"),
    )
    NO_WORK_1Y = "NO_WORK_1Y", _("Sans activité professionnelle depuis au moins un an")
    ETTI_FOLLOWED = "ETTI_FOLLOWED", _("Suivi par une ETTI")
    CAREER_CHANGE = "CAREER_CHANGE", _("En reconversion professionnelle")
    FORMER_CUI = "FORMER_CUI", _("Ancien titulaire d'un CUI")
    MISSION_LOCALE = "MISSION_LOCALE", _("Suivi par une mission locale")
    NO_SECONDARY_DIPLOMA = (
        "NO_SECONDARY_DIPLOMA",
        _("Sans diplôme du second cycle ni diplôme professionnel"),
    )
    AT_MP = "AT_MP", _("Accident du travail ou maladie professionnelle en mission")
    PARTIAL_ACTIVITY = "PARTIAL_ACTIVITY", _("Salarié permanent en activité partielle")
    BUSINESS_CREATION = "BUSINESS_CREATION", _("Projet de création d'entreprise")
    TOP_ATHLETE = "TOP_ATHLETE", _("Sportif de haut niveau")


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
