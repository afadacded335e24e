"""The steps of a dossier, each declared once (DOMAIN.md §3; STYLE.md habit 11).

A step is one move of the dossier's state machine. Its declaration holds all the product knows
of it: its name and French label; the states it leaves on each dispositif's path and the state
it reaches; the roles that may run it, and on which dossiers; the data it asks (model fields,
comment, facts asked once), the date field of the event it records and the order of the dates
(`NotBefore`); what the calendar must allow (`Guard`); what else may block it; the deadline it
meets; the dispositifs it files with AKTO.

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

from cases.choices import (
    FINAL_STATES,
    CancellationReason,
    DeadlineKind,
    Dispositif,
    DossierState,
    Role,
)

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
    GUARDS = "guards"  # the step's calendar guards (its `guards`), always blocking
    FACTS = "facts"  # facts an earlier step should have recorded (dossiers kept from before)


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
    """A date the step records cannot precede a date recorded by an earlier step (or the
    contract start): the step's form refuses it, in French, naming the earlier date."""

    field: str
    earlier: str
    message: str


class GuardKind(StrEnum):
    """What a calendar guard waits for (cases.workflow.guards evaluates it)."""

    REACHED = "reached"  # today is on or after the dossier's date `field` (else `fallback`)
    SETTLED = "settled"  # every mission obligation met, or waived by an agency manager


@dataclass(frozen=True)
class Guard:
    """A condition of the calendar a step waits for; until it holds, a blocking finding.

    `source` names the text that sets the condition, or the product (« Règle du produit »)
    when no text does; `param` names the rule-set parameter whose citation replaces it when
    the rule set in force holds one. A guard on a date the step itself asks is checked once
    that date is typed (the form asks it; it is never in the future).
    """

    kind: str
    code: str
    field: str = ""
    fallback: str = ""
    source: str = ""
    param: str = ""
    # What is missing and what to do, in French; `{date}` is the date waited for.
    message: str = ""


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
    # Facts an earlier step records, asked (required) only when the dossier lacks them: the
    # actual training end for Pro-A (no follow-up step), dates of dossiers kept from before.
    asks_once: tuple[str, ...] = ()
    comment_required: bool = False
    # Values the step writes itself, whatever the form says (the reason of a stop).
    sets: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    # The date field of the real event the step records (AKTO's deposit, its decision…).
    on: str = ""
    not_before: tuple[NotBefore, ...] = ()
    guards: tuple[Guard, ...] = ()
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
        return bool(self.fields) or bool(self.asks_once) or self.comment_required

    @property
    def asked(self) -> tuple[str, ...]:
        """Every model field the step's form may ask."""
        return self.fields + self.asks_once

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
TRAINING_IN_ORDER = NotBefore(
    "training_ended_on",
    "training_started_on",
    "La fin réelle de la formation ne peut pas précéder son début réel",
)
# Where no text sets a condition, the product does (README, « Cycle de vie d'un dossier »).
PRODUCT_RULE = "Règle du produit (README, « Cycle de vie d'un dossier »)"
TRAINING_ENDED = Guard(
    kind=GuardKind.REACHED,
    code="training_not_ended",
    field="training_ended_on",
    source="003 (fiches CIPI, CDPI, CAR : le remboursement est demandé après la formation)",
    param="reimbursement",
    message="La formation n'est pas terminée (fin réelle le {date}) : le remboursement ne "
    "peut être demandé qu'à partir de ce jour.",
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
    # An unfavourable opinion stops the CAR: its favourable opinion is mandatory (003, fiche
    # CAR), so no later step may follow. The comment is the reason, shown on the dossier.
    Step(
        name="refuse_opinion",
        label="Enregistrer l'avis défavorable",
        target=S.CANCELLED,
        sources=_paths(_from({D.CAR}, S.OPINION_REQUESTED)),
        roles=STAFF_AND_FPETT,
        fields=("opinion_date",),
        comment_required=True,
        sets=MappingProxyType({"cancellation_reason": CancellationReason.FPETT_UNFAVOURABLE}),
        on="opinion_date",
        checks=frozenset({Check.DOCUMENTS}),
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
        not_before=(
            NotBefore("deposit_date", "opinion_date", "Le dépôt ne peut pas précéder l'avis"),
            NotBefore(
                "deposit_date", "funds_reserved_on", "Le dépôt ne peut pas précéder la réservation"
            ),
        ),
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
        fields=("training_started_on",),
        on="training_started_on",
        not_before=(
            NotBefore(
                "training_started_on",
                "contract_start",
                "La formation ne peut pas commencer avant le début du contrat",
            ),
        ),
        guards=(
            Guard(
                kind=GuardKind.REACHED,
                code="training_not_started",
                field="training_start",
                fallback="contract_start",
                source=PRODUCT_RULE,
                message="La formation ne commence que le {date} : « Démarrer la formation » "
                "sera possible ce jour-là. Si elle a commencé plus tôt, corrigez d'abord la "
                "date de début de la formation (ou du contrat) du dossier.",
            ),
        ),
        checks=frozenset({Check.DOCUMENTS, Check.PLAN, Check.RESERVATION, Check.GUARDS}),
    ),
    Step(
        name="start_follow_up",
        label="Passer au suivi des missions",
        target=S.MISSION_FOLLOW_UP,
        sources=_paths(_from(FOLLOWED_UP, S.IN_TRAINING)),
        # The actual training end opens the follow-up window.
        fields=("training_ended_on",),
        asks_once=("training_started_on",),
        on="training_ended_on",
        not_before=(TRAINING_IN_ORDER,),
        guards=(
            Guard(
                kind=GuardKind.REACHED,
                code="training_not_ended",
                field="training_ended_on",
                source=PRODUCT_RULE,
                message="La formation n'est pas terminée (fin réelle le {date}) : le suivi "
                "des missions commence le lendemain de la fin réelle de la formation.",
            ),
        ),
        checks=frozenset({Check.DOCUMENTS, Check.GUARDS, Check.FACTS}),
    ),
    Step(
        name="request_reimbursement",
        label="Demander le remboursement",
        target=S.REIMBURSEMENT_REQUESTED,
        sources=_paths(_from(FOLLOWED_UP, S.MISSION_FOLLOW_UP), _from(PRO_A, S.IN_TRAINING)),
        fields=("reimbursement_requested_on", "claimed_hours", "claimed_amount"),
        # Pro-A has no follow-up step: its request records the actual training end.
        asks_once=("training_started_on", "training_ended_on"),
        on="reimbursement_requested_on",
        not_before=(
            TRAINING_IN_ORDER,
            NotBefore(
                "reimbursement_requested_on",
                "training_ended_on",
                "Le remboursement ne peut pas être demandé avant la fin réelle de la formation",
            ),
        ),
        guards=(TRAINING_ENDED,),
        checks=AFTER_TRAINING_CHECKS | {Check.GUARDS, Check.FACTS},
        meets=DeadlineKind.REIMBURSEMENT_REQUEST,
    ),
    Step(
        name="close",
        label="Clôturer le dossier",
        target=S.CLOSED,
        sources=_paths(_from(EVERY_DISPOSITIF, S.REIMBURSEMENT_REQUESTED)),
        guards=(
            Guard(
                kind=GuardKind.SETTLED,
                code="obligation_not_settled",
                # The obligation's own source (its rule set) is cited with each finding.
                source="003 (fiches CIPI, CDPI, CAR : obligations de missions)",
            ),
        ),
        checks=AFTER_TRAINING_CHECKS | {Check.GUARDS, Check.FACTS},
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
STEP_FIELDS: tuple[str, ...] = tuple(dict.fromkeys(f for s in _DECLARED for f in s.asked))


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


def facts_recorded(dispositif: str, state: str) -> frozenset[str]:
    """The dates every way to `state` on `dispositif`'s path has recorded (its steps' `on`
    and the facts they ask once).

    A fixed point over the declared paths (the refusal loop included): a date is expected in
    a state when every step reaching it comes from a state where it was expected, or records
    it. Cancellation records no fact of the path.
    """
    path = [s for s in _DECLARED if dispositif in s.sources and s.target != S.CANCELLED]
    records = {s.name: frozenset(filter(None, (s.on, *s.asks_once))) for s in path}
    everything = frozenset().union(*records.values())
    known: dict[str, frozenset[str]] = {S.DRAFT: frozenset()}
    changed = True
    while changed:
        changed = False
        for step in path:
            for source in step.sources[dispositif]:
                if source not in known:
                    continue
                reached = known[source] | records[step.name]
                if step.target == S.DRAFT:
                    continue
                now = known.get(step.target, everything) & reached
                if step.target not in known or now != known[step.target]:
                    known[step.target] = now
                    changed = True
    return known.get(state, frozenset())
