import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from accords.models.base import TimeStampedModel
from cases.choices import CertificationLevel, Employment, FitnessStatus, PublicCode
from cases.validators import nir_end, validate_nir

# Boolean situation fields and the public code each one stands for (DOMAIN.md §7).
PUBLIC_FLAGS: dict[str, PublicCode] = {
    "rsa": PublicCode.RSA,
    "ass": PublicCode.ASS,
    "aah": PublicCode.AAH,
    "disability": PublicCode.DISABILITY,
    "basic_skills_gap": PublicCode.BASIC_SKILLS_GAP,
    "refugee": PublicCode.REFUGEE,
    "no_experience_low_qualification": PublicCode.NO_EXPERIENCE_LOW_QUALIFICATION,
    "no_work_1y": PublicCode.NO_WORK_1Y,
    "etti_followed": PublicCode.ETTI_FOLLOWED,
    "career_change": PublicCode.CAREER_CHANGE,
    "former_cui": PublicCode.FORMER_CUI,
    "mission_locale": PublicCode.MISSION_LOCALE,
    "no_secondary_diploma": PublicCode.NO_SECONDARY_DIPLOMA,
    "at_mp": PublicCode.AT_MP,
    "partial_activity": PublicCode.PARTIAL_ACTIVITY,
    "business_creation": PublicCode.BUSINESS_CREATION,
    "top_athlete": PublicCode.TOP_ATHLETE,
}

# Fields that are health data (DOMAIN.md §5): shown only to the roles allowed to see them.
HEALTH_FIELDS = ("at_mp", "at_mp_date", "fitness_status")


class Worker(TimeStampedModel):
    """A temp worker or a permanent employee whose training the agency runs."""

    agency = models.ForeignKey(
        "cases.Agency", verbose_name="agence", on_delete=models.PROTECT, related_name="workers"
    )
    last_name = models.CharField("nom", max_length=100)
    first_name = models.CharField("prénom", max_length=100)
    birth_date = models.DateField("date de naissance")
    nir = models.CharField(
        "NIR (n° de sécurité sociale)",
        max_length=15,
        blank=True,
        validators=[validate_nir],
        db_index=True,
    )
    employment = models.CharField("contrat de travail", max_length=4, choices=Employment.choices)
    highest_level = models.PositiveSmallIntegerField(
        "plus haut niveau de certification",
        choices=CertificationLevel.choices,
        default=CertificationLevel.NONE,
    )

    job_seeker_since = models.DateField("inscrit à France Travail depuis", null=True, blank=True)
    rsa = models.BooleanField("bénéficiaire du RSA", default=False)
    ass = models.BooleanField("bénéficiaire de l'ASS", default=False)
    aah = models.BooleanField("bénéficiaire de l'AAH", default=False)
    disability = models.BooleanField(
        "bénéficiaire de l'obligation d'emploi (handicap, RQTH)", default=False
    )
    basic_skills_gap = models.BooleanField("ne maîtrise pas les savoirs de base", default=False)
    refugee = models.BooleanField("réfugié ou demandeur d'asile", default=False)
    no_experience_low_qualification = models.BooleanField(
        "sans expérience ni diplôme au-delà du niveau 3", default=False
    )
    no_work_1y = models.BooleanField("sans activité depuis au moins un an", default=False)
    etti_followed = models.BooleanField("suivi par une ETTI", default=False)
    career_change = models.BooleanField("en reconversion professionnelle", default=False)
    former_cui = models.BooleanField("ancien titulaire d'un CUI", default=False)
    mission_locale = models.BooleanField("suivi par une mission locale", default=False)
    no_secondary_diploma = models.BooleanField(
        "sans diplôme du second cycle ni diplôme professionnel", default=False
    )
    partial_activity = models.BooleanField("en activité partielle", default=False)
    business_creation = models.BooleanField("projet de création d'entreprise", default=False)
    top_athlete = models.BooleanField("sportif de haut niveau", default=False)

    at_mp = models.BooleanField(
        "AT/MP survenu en mission", default=False, help_text="Donnée de santé."
    )
    at_mp_date = models.DateField("date de l'AT/MP", null=True, blank=True)
    fitness_status = models.CharField(
        "aptitude", max_length=10, choices=FitnessStatus.choices, blank=True, default=""
    )

    other_agencies_branch_hours = models.DecimalField(
        "heures déclarées dans la branche (autres agences, période d'ancienneté)",
        help_text="Heures dans la branche du travail temporaire chez d'autres agences, sur la "
        "période d'ancienneté du jeu de règles en vigueur (CDPI).",
        max_digits=7,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("9000"))],
    )
    other_agencies_hours_declared_on = models.DateField(
        "heures déclarées le", null=True, blank=True
    )
    anonymised_on = models.DateField(
        "anonymisé le",
        null=True,
        blank=True,
        editable=False,
        help_text="Identité, NIR, date de naissance précise et détails de santé effacés "
        "(manage.py anonymise_closed).",
    )

    # Who changed the record and when. The NIR and the health data are left out: the history
    # must not keep copies of them beyond the record itself (an anonymised worker would
    # otherwise remain readable in it).
    history = HistoricalRecords(
        verbose_name_plural="historique", excluded_fields=["nir", *HEALTH_FIELDS]
    )

    class Meta:
        verbose_name = "salarié"
        verbose_name_plural = "salariés"
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["last_name", "first_name"], name="worker_name_idx")]

    def __str__(self) -> str:
        """The name and what tells namesakes apart: birth date, the NIR's last digits (as the
        mask shows them to every role) and the agency when it is at hand (no extra query)."""
        details = [f"né(e) le {self.birth_date:%d/%m/%Y}"] if self.birth_date else []
        if end := nir_end(self.nir):
            details.append(f"NIR {end}")
        if Worker.agency.is_cached(self):
            details.append(self.agency.name)
        return f"{self.name} ({', '.join(details)})" if details else self.name

    @property
    def name(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}"

    def age_on(self, day: dt.date) -> int:
        """Whole years on `day` (DOMAIN.md §7, « Age »)."""
        return relativedelta(day, self.birth_date).years

    def public_codes(self, on: dt.date) -> set[str]:
        """The worker's public codes on `on` (DOMAIN.md §7), derived from the situation fields."""
        codes = {str(code) for field, code in PUBLIC_FLAGS.items() if getattr(self, field)}
        if self.job_seeker_since and self.job_seeker_since <= on:
            codes.add(PublicCode.JOB_SEEKER)
            if self.job_seeker_since + relativedelta(years=1) < on:
                codes.add(PublicCode.JOB_SEEKER_LONG_TERM)
        if self.fitness_status == FitnessStatus.UNFIT_FORMER_JOB:
            codes.add(PublicCode.UNFIT_FORMER_JOB)
        return codes
