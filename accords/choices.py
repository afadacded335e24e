"""The codes the law speaks in (DOMAIN.md §2, §7): dispositifs, kinds of employment, publics.

They belong to the accords app, the lowest layer, because rule sets are written in them.
"""

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


def dispositif_short(code: str) -> str:
    """The name a person reads in a title or a list: « CPI », « Pro-A (CDII) »; never the code."""
    return _SHORT.get(code, code)


_SHORT = {
    Dispositif.PRO_A_INTERIM: "Pro-A intérimaire",
    Dispositif.PRO_A_PERMANENT: "Pro-A permanent",
}


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


class AccessRoute(models.TextChoices):
    """How a certification of the RNCP register may be obtained (the export's « VoixdAccès »
    part, column `Si_Jury`): the code, and the register's own wording as its label."""

    APPRENTICESHIP = "apprenticeship", _("En contrat d'apprentissage")
    PROFESSIONALISATION = "professionalisation", _("En contrat de professionnalisation")
    EXPERIENCE = "experience", _("Par expérience")
    INDIVIDUAL = "individual", _("Par candidature individuelle")
    CONTINUING = "continuing", _("Après un parcours de formation continue")
    STUDENT = "student", _("Après un parcours de formation sous statut d'élève ou d'étudiant")
