"""Reads for the admin home page: what needs the user's action, by urgency (no writes)."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from cases.choices import FINAL_STATES, DeadlineKind, DeadlineStatus, DossierState, Role
from cases.models import Deadline, Dossier
from cases.permissions import scope_dossiers
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


@dataclass
class Dashboard:
    overdue: list[DashboardRow] = field(default_factory=list)
    soon: list[DashboardRow] = field(default_factory=list)
    this_week: list[DashboardRow] = field(default_factory=list)
    state_counts: list[tuple[str, str, int]] = field(default_factory=list)
    team: list[TeamMemberLoad] = field(default_factory=list)
    is_manager: bool = False


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


def dashboard_for(user, *, today: dt.date | None = None) -> Dashboard:
    """The home page of `user`: pressing deadlines, unread notices, dossiers per state."""
    today = today or timezone.localdate()
    board = Dashboard(is_manager=user.role == Role.AGENCY_MANAGER)
    for deadline in _pressing_deadlines(user, today)[: 3 * ROWS_PER_GROUP]:
        row = DashboardRow(deadline, NEXT_STEP.get(deadline.kind, deadline.label))
        group = {"overdue": board.overdue, "soon": board.soon, "week": board.this_week}[
            urgency(deadline.due, deadline.status, today)
        ]
        if len(group) < ROWS_PER_GROUP:
            group.append(row)
    counts = Counter(
        dict(
            scope_dossiers(Dossier.objects.all(), user)
            .values_list("state")
            .annotate(n=Count("pk"))
            .order_by()
        )
    )
    board.state_counts = [
        (state.value, state.label, counts[state.value]) for state in DossierState if counts[state]
    ]
    if board.is_manager:
        board.team = team_load(user=user, today=today, soon_days=SOON_DAYS)
    return board
