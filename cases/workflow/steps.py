"""The steps of a dossier, each declared once (DOMAIN.md §3; STYLE.md habit 11).

A step is one move of the dossier's state machine. Its declaration holds all the product knows
of it: its name and French label; the states it leaves on each dispositif's path and the state
it reaches; the roles that may run it, and on which dossiers; the data it asks (model fields,
comment) and the date field of the event it records; what may block it; the deadline it meets;
the dispositifs it files with AKTO.

Every part of the product reads this table: the model's django-fsm transitions
(`cases.models.dossiers`), the role check (`cases.permissions.may_run_transition`), the step
forms (`cases.workflow.forms`), the admin's buttons and step pages, the API's transition
endpoint and its schema, the findings (`cases.workflow.checks`, `cases.rules.plan_checks`), the
document checklist, the AKTO package, the document requirements (reference data, refused at
load when they name an undeclared step) and the deadlines (`cases.deadlines`).

Pure data: this module imports nothing but the choices, so that any layer may read it.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from cases.choices import FINAL_STATES, DeadlineKind, Dispositif, DossierState, Role

D, S = Dispositif, DossierState

# The dispositif families of DOMAIN.md §3, « The path each dispositif takes through it ».
PRO_A = frozenset({D.PRO_A_INTERIM, D.PRO_A_PERMANENT})
DEPOSITED = frozenset({D.CPI, D.CAI}) | PRO_A  # optional pre-agreement, then deposit
RESERVATION_FILED = frozenset({D.CIPI, D.CDPI})  # the reservation request is their filing
DECIDED_BY_AKTO = DEPOSITED | {D.CAR}  # deposit, then AKTO's decision
FOLLOWED_UP = frozenset(D) - PRO_A  # a mission follow-up window after the training
EVERY_DISPOSITIF = frozenset(D)
NON_FINAL = tuple(s for s in S if s not in FINAL_STATES)


class Check(StrEnum):
    """What may block a step besides its own data (see cases.workflow.checks)."""

    DOCUMENTS = "documents"  # documents the reference data requires for the step
    PLAN = "plan"  # the plan rules of the rule set in force on the contract start
    FILING = "filing"  # tutors named, funding rate known (the agency files something)
    OPINION = "opinion"  # CAR: the favourable FPE.TT opinion is recorded
    RESERVATION = "reservation"  # CIPI, CDPI: funds reserved before the contract starts
    DEPOSIT_DELAY = "deposit_delay"  # the AKTO deposit deadline has passed (warning)
    POST_TRAINING = "post_training"  # missions after the training (warning)
    LEDGER = "ledger"  # the funding ledger adds up


@dataclass(frozen=True)
class Reach:
    """The dossiers on which a role may run a step; None leaves that side unrestricted.

    The agency scope (a case worker acts on their agencies' dossiers) is not a property of a
    step: `cases.permissions` checks it apart.
    """

    dispositifs: frozenset[str] | None = None
    states: frozenset[str] | None = None

    def covers(self, dispositif: str, state: str) -> bool:
        return (self.dispositifs is None or dispositif in self.dispositifs) and (
            self.states is None or state in self.states
        )


ANY = Reach()
# Case workers, agency managers and administrators run every step; a training manager only
# those of the Pro-A dossiers of permanent staff (cases.permissions, role table).
STAFF: Mapping[str, Reach] = MappingProxyType(
    {
        Role.CASE_WORKER: ANY,
        Role.AGENCY_MANAGER: ANY,
        Role.ADMINISTRATOR: ANY,
        Role.TRAINING_MANAGER: Reach(dispositifs=frozenset({D.PRO_A_PERMANENT})),
    }
)
# The FPE.TT advisor acts on a CAR awaiting its opinion only: records it, or cancels the CAR
# when the opinion is unfavourable.
STAFF_AND_FPETT = MappingProxyType(
    {
        **STAFF,
        Role.FPETT_ADVISOR: Reach(
            dispositifs=frozenset({D.CAR}), states=frozenset({S.OPINION_REQUESTED})
        ),
    }
)


@dataclass(frozen=True)
class NotBefore:
    """A date the step records cannot precede a date recorded by an earlier step."""

    field: str
    earlier: str
    message: str


@dataclass(frozen=True, eq=False)
class Step:
    """One step of the dossier machine (see the module docstring)."""

    name: str
    label: str
    target: str
    # dispositif → the states the step leaves from on that dispositif's path
    sources: Mapping[str, frozenset[str]]
    roles: Mapping[str, Reach] = field(default_factory=lambda: STAFF)
    # The model fields the step asks and records (its form); all required.
    fields: tuple[str, ...] = ()
    comment_required: bool = False
    # The date field of the real event the step records (AKTO's deposit, its decision…).
    on: str = ""
    not_before: tuple[NotBefore, ...] = ()
    checks: frozenset[Check] = frozenset({Check.DOCUMENTS})
    # The kind of deadline the step meets by recording its `on` date.
    meets: str = ""
    # The dispositifs whose filing with AKTO this step is (what the AKTO package prepares).
    files_with_akto: frozenset[str] = frozenset()

    @property
    def all_sources(self) -> frozenset[str]:
        """Every state the step leaves from on some path (the django-fsm `source`)."""
        return frozenset().union(*self.sources.values())

    @property
    def dispositifs(self) -> frozenset[str]:
        return frozenset(self.sources)

    @property
    def needs_form(self) -> bool:
        """Whether the step asks for something before it runs (else a click runs it)."""
        return bool(self.fields) or self.comment_required

    def allows(self, dispositif: str, state: str) -> bool:
        """Whether a dossier of `dispositif` in `state` may take this step (path only)."""
        return state in self.sources.get(dispositif, ())

    def follows_path(self, dossier) -> bool:
        """The django-fsm condition: the dossier's dispositif takes this step from its state."""
        return self.allows(dossier.dispositif, dossier.state)

    def reach(self, role: str) -> Reach | None:
        """The dossiers on which `role` may run the step; None when the role may not at all."""
        return self.roles.get(role)


def _from(dispositifs: Iterable[str], *states: str) -> dict[str, frozenset[str]]:
    return {dispositif: frozenset(states) for dispositif in dispositifs}


def _paths(*parts: dict[str, frozenset[str]]) -> Mapping[str, frozenset[str]]:
    merged: dict[str, frozenset[str]] = {}
    for part in parts:
        for dispositif, states in part.items():
            merged[dispositif] = merged.get(dispositif, frozenset()) | states
    return MappingProxyType(merged)


FILING_CHECKS = frozenset({Check.DOCUMENTS, Check.PLAN, Check.FILING, Check.DEPOSIT_DELAY})
AFTER_TRAINING_CHECKS = frozenset({Check.DOCUMENTS, Check.POST_TRAINING, Check.LEDGER})
DECISION = NotBefore(
    "akto_decision_date", "deposit_date", "La décision ne peut pas précéder le dépôt"
)

_DECLARED = (
    Step(
        name="request_opinion",
        label="Demander l'avis FPE.TT",
        target=S.OPINION_REQUESTED,
        sources=_paths(_from({D.CAR}, S.DRAFT)),
        checks=FILING_CHECKS,
    ),
    Step(
        name="give_opinion",
        label="Enregistrer l'avis favorable",
        target=S.OPINION_GIVEN,
        sources=_paths(_from({D.CAR}, S.OPINION_REQUESTED)),
        roles=STAFF_AND_FPETT,
        fields=("opinion_date",),
        on="opinion_date",
        checks=frozenset({Check.DOCUMENTS, Check.DEPOSIT_DELAY}),
        meets=DeadlineKind.FPETT_OPINION,
    ),
    Step(
        name="request_funds",
        label="Demander la réservation de fonds",
        target=S.FUNDS_REQUESTED,
        sources=_paths(_from(DEPOSITED | RESERVATION_FILED, S.DRAFT)),
        fields=("funds_requested_on",),
        on="funds_requested_on",
        checks=FILING_CHECKS,
        files_with_akto=RESERVATION_FILED,
    ),
    Step(
        name="reserve_funds",
        label="Enregistrer la réservation",
        target=S.FUNDS_RESERVED,
        sources=_paths(_from(DEPOSITED | RESERVATION_FILED, S.FUNDS_REQUESTED)),
        fields=("reserved_amount", "funds_reference", "funds_reserved_on"),
        on="funds_reserved_on",
        not_before=(
            NotBefore(
                "funds_reserved_on",
                "funds_requested_on",
                "La réservation ne peut pas précéder la demande",
            ),
        ),
        checks=frozenset({Check.DOCUMENTS, Check.DEPOSIT_DELAY}),
        meets=DeadlineKind.FUND_RESERVATION,
    ),
    Step(
        name="submit",
        label="Déposer à l'AKTO",
        target=S.SUBMITTED,
        sources=_paths(
            _from(DEPOSITED, S.DRAFT, S.FUNDS_RESERVED), _from({D.CAR}, S.OPINION_GIVEN)
        ),
        fields=("deposit_date", "akto_reference"),
        on="deposit_date",
        checks=FILING_CHECKS | {Check.OPINION},
        meets=DeadlineKind.AKTO_DEPOSIT,
        files_with_akto=DECIDED_BY_AKTO,
    ),
    Step(
        name="accept",
        label="Enregistrer l'accord de l'AKTO",
        target=S.ACCEPTED,
        sources=_paths(_from(DECIDED_BY_AKTO, S.SUBMITTED)),
        fields=("akto_decision_date",),
        on="akto_decision_date",
        not_before=(DECISION,),
        meets=DeadlineKind.AKTO_DECISION,
    ),
    Step(
        name="refuse",
        label="Enregistrer le refus de l'AKTO",
        target=S.REFUSED,
        sources=_paths(_from(DECIDED_BY_AKTO, S.SUBMITTED)),
        fields=("akto_decision_date",),
        comment_required=True,
        on="akto_decision_date",
        not_before=(DECISION,),
        meets=DeadlineKind.AKTO_DECISION,
    ),
    Step(
        name="amend",
        label="Reprendre le dossier (modifier et redéposer)",
        target=S.DRAFT,
        sources=_paths(_from(DECIDED_BY_AKTO, S.REFUSED)),
    ),
    Step(
        name="start_training",
        label="Démarrer la formation",
        target=S.IN_TRAINING,
        sources=_paths(
            _from(DECIDED_BY_AKTO, S.ACCEPTED), _from(RESERVATION_FILED, S.FUNDS_RESERVED)
        ),
        checks=frozenset({Check.DOCUMENTS, Check.PLAN, Check.RESERVATION}),
    ),
    Step(
        name="start_follow_up",
        label="Passer au suivi des missions",
        target=S.MISSION_FOLLOW_UP,
        sources=_paths(_from(FOLLOWED_UP, S.IN_TRAINING)),
    ),
    Step(
        name="request_reimbursement",
        label="Demander le remboursement",
        target=S.REIMBURSEMENT_REQUESTED,
        sources=_paths(_from(FOLLOWED_UP, S.MISSION_FOLLOW_UP), _from(PRO_A, S.IN_TRAINING)),
        fields=("reimbursement_requested_on", "claimed_hours", "claimed_amount"),
        on="reimbursement_requested_on",
        checks=AFTER_TRAINING_CHECKS,
        meets=DeadlineKind.REIMBURSEMENT_REQUEST,
    ),
    Step(
        name="close",
        label="Clôturer le dossier",
        target=S.CLOSED,
        sources=_paths(_from(EVERY_DISPOSITIF, S.REIMBURSEMENT_REQUESTED)),
        checks=AFTER_TRAINING_CHECKS,
    ),
    Step(
        name="cancel",
        label="Annuler le dossier",
        target=S.CANCELLED,
        sources=_paths(_from(EVERY_DISPOSITIF, *NON_FINAL)),
        roles=STAFF_AND_FPETT,
        fields=("cancellation_reason",),
        comment_required=True,
        # Stopping a dossier never depends on what it lacks.
        checks=frozenset(),
    ),
)

# Every step by name, in the order of a dossier's life.
STEPS: Mapping[str, Step] = MappingProxyType({step.name: step for step in _DECLARED})
STEP_NAMES: tuple[str, ...] = tuple(STEPS)
# The dossier fields only steps write (read-only in the admin's and the API's edit forms).
STEP_FIELDS: tuple[str, ...] = tuple(dict.fromkeys(f for s in _DECLARED for f in s.fields))


def step_choices() -> list[tuple[str, str]]:
    """Each step's name and French label: the `choices` of the model fields naming a step.

    A callable, so that migrations refer to the declaration instead of copying it.
    """
    return [(step.name, step.label) for step in _DECLARED]


def steps_meeting(deadline_kind: str) -> list[Step]:
    """The steps whose recorded date meets a deadline of `deadline_kind`."""
    return [s for s in _DECLARED if s.meets == deadline_kind]


def filing_step(dispositif: str) -> Step:
    """The step that files a dossier of `dispositif` with AKTO (CIPI, CDPI: the reservation)."""
    return next(s for s in _DECLARED if dispositif in s.files_with_akto)


def requirement_error(dispositif: str, name: str) -> str | None:
    """Why a document requirement may not name step `name` for `dispositif` (None: it may)."""
    declared = STEPS.get(name)
    if declared is None:
        return f"l'étape « {name} » n'existe pas (étapes : {', '.join(STEP_NAMES)})"
    if dispositif not in declared.sources:
        return f"un dossier {dispositif} ne passe jamais par l'étape « {declared.label} »"
    if Check.DOCUMENTS not in declared.checks:
        return f"l'étape « {declared.label} » ne dépend d'aucune pièce"
    return None


def steps_from(dispositif: str, state: str) -> list[Step]:
    """The steps the path of `dispositif` offers from `state`, whoever runs them."""
    return [s for s in _DECLARED if s.allows(dispositif, state)]
