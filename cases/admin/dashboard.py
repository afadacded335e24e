"""Reads for the admin home page: each role's desk, what needs the user's action (no writes).

`DESKS` says which panels each role's home page shows; every panel reads the scoped
selectors of `cases.permissions`, never a permission of its own.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from cases.choices import (
    FINAL_STATES,
    DeadlineKind,
    DeadlineStatus,
    Dispositif,
    DossierState,
    Role,
)
from cases.models import Deadline, Dossier, DossierEvent, User
from cases.permissions import WAIVE, is_administrator, scope_dossiers, scope_queryset
from cases.selectors import TeamMemberLoad, team_load

SOON_DAYS = 3
WEEK_DAYS = 7
ROWS_PER_GROUP = 50
PENDING = (DeadlineStatus.OPEN, DeadlineStatus.BREACHED)

# The one step that meets each kind of deadline, as the case worker reads it.
NEXT_STEP = {
    DeadlineKind.AKTO_DEPOSIT: "Préparer et déposer le dossier à l'AKTO",
    DeadlineKind.AKTO_DECISION: "Relancer l'AKTO puis enregistrer sa décision",
    DeadlineKind.FUND_RESERVATION: "Obtenir la réservation des fonds",
    DeadlineKind.FPETT_OPINION: "Obtenir l'avis du pôle reconversion FPE.TT",
    DeadlineKind.MISSION_OBLIGATION: "Proposer et enregistrer des missions",
    DeadlineKind.REIMBURSEMENT_REQUEST: "Demander le remboursement à l'AKTO",
}


@dataclass
class DashboardRow:
    deadline: Deadline
    next_step: str

    @property
    def dossier(self) -> Dossier:
        return self.deadline.dossier


# The panels of each role's desk (README « Le bureau de chaque rôle »).
TODAY, WAITING, STATES, TEAM, WAIVERS = "today", "waiting", "states", "team", "waivers"
OPINIONS, PRO_A, REPORTS, ADMINISTRATION = "opinions", "pro_a", "reports", "administration"
DESKS: dict[str, tuple[str, ...]] = {
    Role.CASE_WORKER: (TODAY, WAITING, STATES),
    Role.AGENCY_MANAGER: (TODAY, WAIVERS, TEAM, STATES),
    Role.TRAINING_MANAGER: (PRO_A, TODAY, STATES),
    Role.FPETT_ADVISOR: (OPINIONS,),
    Role.CPNE_REPORTER: (REPORTS,),
    Role.ADMINISTRATOR: (ADMINISTRATION, STATES),
}


def desk_of(user) -> tuple[str, ...]:
    if is_administrator(user):
        return DESKS[Role.ADMINISTRATOR]
    return DESKS.get(user.role, ())


@dataclass
class OpinionRequest:
    """A CAR dossier awaiting the FPE.TT opinion, and the step that asked for it."""

    dossier: Dossier
    asked_on: dt.datetime | None
    asked_by: str
    comment: str


@dataclass
class Dashboard:
    overdue: list[DashboardRow] = field(default_factory=list)
    soon: list[DashboardRow] = field(default_factory=list)
    this_week: list[DashboardRow] = field(default_factory=list)
    state_counts: list[tuple[str, str, int]] = field(default_factory=list)
    team: list[TeamMemberLoad] = field(default_factory=list)
    is_manager: bool = False
    panels: tuple[str, ...] = ()
    may_add_dossier: bool = False
    waiting: list[Dossier] = field(default_factory=list)
    waivers: list[Deadline] = field(default_factory=list)
    opinions: list[OpinionRequest] = field(default_factory=list)
    pro_a: list[Dossier] = field(default_factory=list)

    def shows(self, panel: str) -> bool:
        return panel in self.panels


def urgency(due: dt.date | None, status: str = DeadlineStatus.OPEN, today=None) -> str:
    """`overdue`, `soon` (within 3 days), `week` (within 7 days), `later` or `none`."""
    if due is None:
        return "none"
    today = today or timezone.localdate()
    if status == DeadlineStatus.BREACHED or due < today:
        return "overdue"
    if due <= today + dt.timedelta(days=SOON_DAYS):
        return "soon"
    if due <= today + dt.timedelta(days=WEEK_DAYS):
        return "week"
    return "later"


def _my_dossiers(user):
    """A manager watches the agency's dossiers, anyone else the dossiers assigned to them."""
    dossiers = scope_dossiers(Dossier.objects.all(), user)
    if user.role in (Role.AGENCY_MANAGER, Role.ADMINISTRATOR) or user.is_superuser:
        return dossiers
    return dossiers.filter(case_worker=user)


def _pressing_deadlines(user, today: dt.date):
    return (
        Deadline.objects.filter(
            status__in=PENDING,
            due__lte=today + dt.timedelta(days=WEEK_DAYS),
            dossier__in=_my_dossiers(user).exclude(state__in=FINAL_STATES),
        )
        .select_related("dossier__worker", "dossier__agency", "dossier__case_worker")
        .order_by("due", "pk")
    )


def _waiting_dossiers(user) -> list[Dossier]:
    """The user's dossiers in progress, the one untouched for the longest first."""
    return list(
        _my_dossiers(user)
        .exclude(state__in=FINAL_STATES)
        .select_related("worker")
        .order_by("updated", "pk")[:ROWS_PER_GROUP]
    )


def _waivers_to_decide(user, today: dt.date) -> list[Deadline]:
    """Deadlines breached, or open and due within 3 days, that `user` may lift (the role table's
    `waive` reach: a manager's agencies); the oldest first."""
    at_risk = Q(status=DeadlineStatus.BREACHED) | Q(
        status=DeadlineStatus.OPEN, due__lte=today + dt.timedelta(days=SOON_DAYS)
    )
    deadlines = scope_queryset(user, Deadline.objects.all(), WAIVE)
    return list(
        deadlines.filter(at_risk)
        .exclude(dossier__state__in=FINAL_STATES)
        .select_related("dossier__worker", "dossier__case_worker")
        .order_by("due", "pk")[:ROWS_PER_GROUP]
    )


def _opinions_asked(user) -> list[OpinionRequest]:
    """CAR dossiers awaiting the FPE.TT opinion that `user` may see, the oldest request first."""
    asked = DossierEvent.objects.filter(
        dossier=OuterRef("pk"), to_state=DossierState.OPINION_REQUESTED
    ).order_by("-created", "-pk")
    dossiers = (
        scope_dossiers(Dossier.objects.all(), user)
        .filter(dispositif=Dispositif.CAR, state=DossierState.OPINION_REQUESTED)
        .select_related("worker", "agency", "case_worker")
        .annotate(
            asked_on=Subquery(asked.values("created")[:1]),
            asked_by_id=Subquery(asked.values("actor_id")[:1]),
            asked_comment=Subquery(asked.values("comment")[:1]),
        )
        .order_by("asked_on", "pk")[:ROWS_PER_GROUP]
    )
    rows = list(dossiers)
    names = {
        person.pk: str(person)
        for person in User.objects.filter(pk__in={d.asked_by_id for d in rows} - {None})
    }
    return [
        OpinionRequest(d, d.asked_on, names.get(d.asked_by_id, ""), d.asked_comment or "")
        for d in rows
    ]


def _pro_a_dossiers(user) -> list[Dossier]:
    return list(
        scope_dossiers(Dossier.objects.all(), user)
        .filter(dispositif__in=(Dispositif.PRO_A_INTERIM, Dispositif.PRO_A_PERMANENT))
        .exclude(state__in=FINAL_STATES)
        .select_related("worker", "case_worker")
        .order_by("contract_start", "pk")[:ROWS_PER_GROUP]
    )


def _today(board: Dashboard, user, today: dt.date) -> None:
    for deadline in _pressing_deadlines(user, today)[: 3 * ROWS_PER_GROUP]:
        row = DashboardRow(deadline, NEXT_STEP.get(deadline.kind, deadline.label))
        group = {"overdue": board.overdue, "soon": board.soon, "week": board.this_week}[
            urgency(deadline.due, deadline.status, today)
        ]
        if len(group) < ROWS_PER_GROUP:
            group.append(row)


def _state_counts(user) -> list[tuple[str, str, int]]:
    counts = Counter(
        dict(
            scope_dossiers(Dossier.objects.all(), user)
            .values_list("state")
            .annotate(n=Count("pk"))
            .order_by()
        )
    )
    return [
        (state.value, state.label, counts[state.value]) for state in DossierState if counts[state]
    ]


def dashboard_for(user, *, today: dt.date | None = None) -> Dashboard:
    """The home page of `user`: the panels of their role's desk (DESKS), each filled here."""
    today = today or timezone.localdate()
    board = Dashboard(
        is_manager=user.role == Role.AGENCY_MANAGER,
        panels=desk_of(user),
        may_add_dossier=user.has_perm("cases.add_dossier"),
    )
    if board.shows(TODAY):
        _today(board, user, today)
    if board.shows(WAITING):
        board.waiting = _waiting_dossiers(user)
    if board.shows(STATES):
        board.state_counts = _state_counts(user)
    if board.shows(TEAM):
        board.team = team_load(user=user, today=today, soon_days=SOON_DAYS)
    if board.shows(WAIVERS):
        board.waivers = _waivers_to_decide(user, today)
    if board.shows(OPINIONS):
        board.opinions = _opinions_asked(user)
    if board.shows(PRO_A):
        board.pro_a = _pro_a_dossiers(user)
    return board
