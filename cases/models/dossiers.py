from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from accords.choices import dispositif_short
from accords.models import FundingProgramme
from accords.models.base import TimeStampedModel
from cases.choices import CancellationReason, Dispositif, DossierEventKind, DossierState
from cases.dossier_validation import validate_dossier_fields
from cases.permissions import transition_permission
from cases.validators import validate_certification_code
from cases.workflow.steps import STEPS, step_choices

S = DossierState
HOURS = {"max_digits": 7, "decimal_places": 2}
MONEY = {"max_digits": 12, "decimal_places": 2}


def step_transition(method):
    """Make `method` the django-fsm transition of the step of the same name.

    Source, target, label and roles come from the step's declaration (cases.workflow.steps);
    the condition keeps each dispositif on its own path.
    """
    declared = STEPS[method.__name__]
    return transition(
        field="state",
        source=sorted(declared.all_sources),
        target=declared.target,
        conditions=[declared.follows_path],
        permission=transition_permission(declared.name),
        custom={"label": declared.label, "admin": True},
    )(method)


class Dossier(ConcurrentTransitionMixin, TimeStampedModel):
    """One training contract (CPI, CAI, CIPI, CDPI, CAR, Pro-A), from draft to closure.

    The state changes only through the transition methods below, run by
    `cases.services.dossier_run_transition`, which locks, checks and records the event.
    """

    dispositif = models.CharField("dispositif", max_length=16, choices=Dispositif.choices)
    state = FSMField(
        "état", default=S.DRAFT, choices=DossierState.choices, protected=True, max_length=32
    )
    agency = models.ForeignKey(
        "cases.Agency", verbose_name="agence", on_delete=models.PROTECT, related_name="dossiers"
    )
    worker = models.ForeignKey(
        "cases.Worker", verbose_name="salarié", on_delete=models.PROTECT, related_name="dossiers"
    )
    case_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="chargé(e) de dossiers",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_dossiers",
    )
    certification_code = models.CharField(
        "certification visée (code)",
        max_length=20,
        blank=True,
        validators=[validate_certification_code],
        help_text="Code RNCP (ex. RNCP34860), CLEA ou CLEA_NUMERIQUE.",
    )
    certification_title = models.CharField(
        "intitulé de la certification", max_length=300, blank=True
    )
    training_provider = models.ForeignKey(
        "cases.TrainingProvider",
        verbose_name="organisme de formation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
    )
    client_companies = models.ManyToManyField(
        "cases.ClientCompany",
        verbose_name="entreprises utilisatrices",
        blank=True,
        related_name="dossiers",
    )
    afest = models.BooleanField("formation en situation de travail (AFEST)", default=False)

    contract_start = models.DateField("début du contrat")
    contract_end = models.DateField("fin du contrat")
    training_start = models.DateField("début de la formation", null=True, blank=True)
    training_end = models.DateField("fin de la formation", null=True, blank=True)
    planned_training_hours = models.DecimalField(
        "heures de formation prévues",
        **HOURS,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("9999"))],
    )
    planned_contract_hours = models.DecimalField(
        "heures de contrat prévues",
        **HOURS,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("99999"))],
        help_text="Vide : la durée légale hebdomadaire du jeu de règles, par semaine calendaire du "
        "contrat.",
    )
    funding_programme = models.CharField(
        "programme de financement",
        max_length=30,
        choices=FundingProgramme.choices,
        default=FundingProgramme.STANDARD,
        help_text="Le forfait horaire appliqué : cas général, programmes nationaux, publics "
        "prioritaires FPE.TT (taux choisi à la date que le taux désigne).",
    )
    training_cost = models.DecimalField(
        "coût pédagogique (€)",
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Coût de la formation ; sert à la part du surcoût quand le taux en prévoit.",
    )
    agency_tutor = models.CharField("tuteur en agence", max_length=200, blank=True)
    eu_tutor = models.CharField(
        "tuteur en entreprise utilisatrice (ou maître d'apprentissage)", max_length=200, blank=True
    )

    opinion_date = models.DateField("date de l'avis FPE.TT", null=True, blank=True)
    funds_requested_on = models.DateField("réservation demandée le", null=True, blank=True)
    funds_reserved_on = models.DateField("fonds réservés le", null=True, blank=True)
    funds_reference = models.CharField("référence de réservation", max_length=50, blank=True)
    reserved_amount = models.DecimalField(
        "montant réservé (€)",
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    deposit_date = models.DateField("date de dépôt à l'AKTO", null=True, blank=True)
    akto_reference = models.CharField("référence AKTO", max_length=50, blank=True, db_index=True)
    akto_decision_date = models.DateField("date de décision de l'AKTO", null=True, blank=True)
    training_started_on = models.DateField(
        "début réel de la formation",
        null=True,
        blank=True,
        help_text="Enregistré par l'étape « Démarrer la formation ».",
    )
    training_ended_on = models.DateField(
        "fin réelle de la formation",
        null=True,
        blank=True,
        help_text="Enregistrée par l'étape « Passer au suivi des missions » (Pro-A : par la "
        "demande de remboursement).",
    )
    reimbursement_requested_on = models.DateField("remboursement demandé le", null=True, blank=True)
    # The claim, recorded by the reimbursement request; the funding ledger holds it.
    claimed_hours = models.DecimalField(
        "heures de formation réalisées (demande)",
        **HOURS,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("9999"))],
    )
    claimed_amount = models.DecimalField(
        "montant demandé (€)",
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    deemed_decision = models.CharField(
        "décision réputée (silence de l'AKTO)",
        max_length=10,
        choices=[("accepted", "Réputé accepté"), ("refused", "Réputé refusé")],
        blank=True,
    )
    cancellation_reason = models.CharField(
        "motif d'annulation", max_length=20, choices=CancellationReason.choices, blank=True
    )
    notes = models.TextField("notes", blank=True)
    rule_set = models.ForeignKey(
        "accords.RuleSet",
        verbose_name="règles appliquées",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="dossiers",
        help_text="Le jeu de règles en vigueur au début du contrat, contre lequel le dossier "
        "est vérifié.",
    )
    error_codes = models.JSONField(
        "anomalies bloquantes au dernier contrôle", default=list, blank=True, editable=False
    )

    history = HistoricalRecords(verbose_name_plural="historique")

    class Meta:
        verbose_name = "dossier"
        verbose_name_plural = "dossiers"
        ordering = ["-contract_start", "-pk"]
        indexes = [
            models.Index(fields=["agency", "state"], name="dossier_agency_state_idx"),
            models.Index(fields=["state", "dispositif"], name="dossier_state_disp_idx"),
            models.Index(fields=["case_worker", "state"], name="dossier_caseworker_state_idx"),
            models.Index(fields=["contract_start"], name="dossier_contract_start_idx"),
            # The admin list of an agency, newest contracts first (covers its page query).
            models.Index(
                fields=["agency", "contract_start", "id"], name="dossier_agency_start_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(contract_end__gte=models.F("contract_start")),
                name="dossier_contract_dates_in_order",
                violation_error_message="La fin du contrat précède son début.",
            ),
            models.CheckConstraint(
                condition=models.Q(training_end__isnull=True)
                | models.Q(training_start__isnull=True)
                | models.Q(training_end__gte=models.F("training_start")),
                name="dossier_training_dates_in_order",
                violation_error_message="La fin de la formation précède son début.",
            ),
            models.CheckConstraint(
                condition=models.Q(training_ended_on__isnull=True)
                | models.Q(training_started_on__isnull=True)
                | models.Q(training_ended_on__gte=models.F("training_started_on")),
                name="dossier_actual_training_in_order",
                violation_error_message="La fin réelle de la formation précède son début réel.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dispositif_short} n° {self.pk} — {self.worker.name}"

    @property
    def dispositif_short(self) -> str:
        return dispositif_short(self.dispositif)

    def clean(self) -> None:
        validate_dossier_fields(self)

    # Transitions: thin verbs, one per step of cases.workflow.steps, which declares their
    # sources, target, label and roles; the service applies their form data and records the
    # event.

    @step_transition
    def request_opinion(self) -> None:
        """CAR: ask the FPE.TT reconversion team for its mandatory opinion."""

    @step_transition
    def give_opinion(self) -> None:
        """CAR: record the favourable opinion of the FPE.TT."""

    @step_transition
    def refuse_opinion(self) -> None:
        """CAR: record the unfavourable opinion of the FPE.TT, which stops the dossier."""

    @step_transition
    def request_funds(self) -> None:
        """Ask AKTO to reserve funds (the filing itself for CIPI and CDPI)."""

    @step_transition
    def reserve_funds(self) -> None:
        """Record AKTO's reservation: amount, reference, date."""

    @step_transition
    def submit(self) -> None:
        """Record the deposit with AKTO: date and AKTO reference."""

    @step_transition
    def accept(self) -> None:
        """Record AKTO's acceptance."""

    @step_transition
    def refuse(self) -> None:
        """Record AKTO's refusal (a comment is required)."""

    @step_transition
    def amend(self) -> None:
        """Reopen a refused dossier as a draft, to amend and resubmit it."""

    @step_transition
    def start_training(self) -> None:
        """The contract has started: training and missions alternate from now on."""

    @step_transition
    def start_follow_up(self) -> None:
        """Training is over (its actual end recorded): watch the post-training obligation."""

    @step_transition
    def request_reimbursement(self) -> None:
        """Ask AKTO to reimburse the training (and pay, for CAR)."""

    @step_transition
    def close(self) -> None:
        """Everything is paid and filed."""

    @step_transition
    def cancel(self) -> None:
        """Stop the dossier for good: rupture, abandonment, refusal or error (reason required)."""


class DossierEvent(models.Model):
    """One line of a dossier's history: who moved it, when, from where to where, and why."""

    dossier = models.ForeignKey(
        Dossier, verbose_name="dossier", on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="auteur",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created = models.DateTimeField("date", auto_now_add=True, db_index=True)
    kind = models.CharField(
        "type", max_length=40, choices=DossierEventKind.choices, default=DossierEventKind.TRANSITION
    )
    transition = models.CharField("étape", max_length=40, choices=step_choices, blank=True)
    from_state = models.CharField(
        "état de départ", max_length=32, choices=DossierState.choices, blank=True
    )
    to_state = models.CharField(
        "état d'arrivée", max_length=32, choices=DossierState.choices, blank=True
    )
    comment = models.TextField("commentaire", blank=True)
    data = models.JSONField("données saisies", default=dict, blank=True)

    class Meta:
        verbose_name = "événement du dossier"
        verbose_name_plural = "historique du dossier"
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["dossier", "-created"], name="event_dossier_created_idx")]

    def __str__(self) -> str:
        return f"{self.get_from_state_display()} → {self.get_to_state_display()}"
