"""Reads for the API and the admin: every queryset scoped by `cases.permissions`.

Each list selector joins or prefetches what its representation shows, so that a page of
rows costs a constant number of queries whatever its size.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from cases.choices import FINAL_STATES, DeadlineKind, DeadlineStatus, DossierState, Role
from cases.models import (
    Agency,
    ClientCompany,
    Deadline,
    Document,
    Dossier,
    DossierEvent,
    Mission,
    TrainingProvider,
    User,
    Worker,
)
from cases.permissions import (
    agency_ids,
    is_administrator,
    scope_agencies,
    scope_by_agency,
    scope_dossiers,
    scope_dossiers_to_attach,
    scope_editable_dossiers,
    scope_queryset,
)
from cases.rules.obligations import dossier_obligations, settled


def agency_list(*, user) -> QuerySet[Agency]:
    return scope_agencies(Agency.objects.all(), user)


def worker_list(*, user) -> QuerySet[Worker]:
    return scope_by_agency(Worker.objects.all(), user)


def worker_duplicates(*, user, data: dict, exclude_pk: int | None = None) -> QuerySet[Worker]:
    """The workers `user` may see who are probably the person described by `data`: the same
    NIR, or the same name and birth date (case and spaces aside)."""
    same = Q(pk__in=[])
    if nir := data.get("nir"):
        same |= Q(nir=nir)
    last, first, born = data.get("last_name"), data.get("first_name"), data.get("birth_date")
    if last and first and born:
        same |= Q(last_name__iexact=last.strip(), first_name__iexact=first.strip(), birth_date=born)
    found = worker_list(user=user).filter(same).select_related("agency")
    return found.exclude(pk=exclude_pk) if exclude_pk else found


def client_company_list(*, user) -> QuerySet[ClientCompany]:
    """Client companies are shared by every agency: no personal data, no agency scope."""
    return scope_queryset(user, ClientCompany.objects.all())


def training_provider_list(*, user) -> QuerySet[TrainingProvider]:
    """Training providers are shared by every agency: no personal data, no agency scope."""
    return scope_queryset(user, TrainingProvider.objects.all())


def _pending_deadlines():
    return Deadline.objects.filter(
        status__in=(DeadlineStatus.OPEN, DeadlineStatus.BREACHED)
    ).order_by("safe_date", "pk")


def pending_deadlines(dossier: Dossier) -> list:
    """The dossier's deadlines still to do, the most pressing first."""
    return list(_pending_deadlines().filter(dossier=dossier))


def dossier_list(*, user) -> QuerySet[Dossier]:
    return scope_dossiers(Dossier.objects.all(), user).prefetch_related(
        # As lists (to_attr): read by PrefetchedManyRelatedField without a queryset per row.
        Prefetch(
            "client_companies",
            queryset=ClientCompany.objects.all(),
            to_attr="prefetched_client_companies",
        ),
        Prefetch("deadlines", queryset=_pending_deadlines(), to_attr="pending_deadlines"),
    )


def dossier_events(*, dossier: Dossier) -> QuerySet[DossierEvent]:
    return dossier.events.select_related("actor")


def dossier_obligations_settled(dossier: Dossier, deadlines: list | None = None) -> list:
    """The dossier's mission obligations as a person reads them: the missions' progress, or
    what the obligation's deadline settled (waived by a manager, cancelled with the dossier).
    `deadlines`: the dossier's deadlines when already read (the dossier page)."""
    if deadlines is None:
        deadlines = dossier.deadlines.filter(kind=DeadlineKind.MISSION_OBLIGATION)
    status = next((d.status for d in deadlines if d.kind == DeadlineKind.MISSION_OBLIGATION), None)
    return settled(dossier_obligations(dossier), status)


def dossier_stop_reason(dossier: Dossier) -> str:
    """Why a cancelled dossier stopped: its reason and the comment of the step that stopped
    it (« Avis FPE.TT défavorable : … »); empty for a dossier not cancelled."""
    if dossier.state != DossierState.CANCELLED:
        return ""
    event = (
        dossier.events.filter(to_state=DossierState.CANCELLED).order_by("-created", "-pk").first()
    )
    reason = dossier.get_cancellation_reason_display() if dossier.cancellation_reason else ""
    return " : ".join(filter(None, [reason, event.comment if event else ""]))


def mission_list(*, user) -> QuerySet[Mission]:
    return scope_queryset(user, Mission.objects.all())


def document_list(*, user) -> QuerySet[Document]:
    """Documents follow their dossier (cases.permissions: the same reach for both)."""
    return scope_queryset(user, Document.objects.all())


def dossier_choices(*, user) -> QuerySet[Dossier]:
    """The dossiers `user` may attach a document or a mission to: those they may edit, and
    those the role table lets them add a document to (the FPE.TT advisor: a CAR awaiting its
    opinion, for the opinion only — the service checks the kind)."""
    dossiers = Dossier.objects.select_related("worker")
    return scope_editable_dossiers(dossiers, user) | scope_dossiers_to_attach(
        user, dossiers, "cases.document"
    )


def colleague_list(*, user) -> QuerySet[User]:
    """The people `user` may name on a dossier (its case worker): those of their agencies."""
    if is_administrator(user):
        return User.objects.all()
    return User.objects.filter(agencies__in=sorted(agency_ids(user))).distinct()


# What a form (admin or API) may offer for a relation to each model: the records the user may
# use, read through the same scoping as the lists. A relation to a model missing here offers
# nothing, so that a new one is scoped before it is usable.
CHOICES = {
    Agency: agency_list,
    Worker: worker_list,
    Dossier: dossier_choices,
    User: colleague_list,
    ClientCompany: client_company_list,
    TrainingProvider: training_provider_list,
    Mission: mission_list,
    Document: document_list,
}


def choices_for(model, *, user) -> QuerySet:
    """The records of `model` that `user` may choose in a form, or none."""
    selector = CHOICES.get(model)
    return selector(user=user) if selector else model._default_manager.none()


def organisation_user_agencies(organisation: ClientCompany | TrainingProvider) -> set[int]:
    """The agencies whose dossiers or missions use a client company or training provider."""
    agencies = set(organisation.dossiers.values_list("agency_id", flat=True))
    if isinstance(organisation, ClientCompany):
        agencies |= set(organisation.missions.values_list("worker__agency_id", flat=True))
    return agencies


@dataclass(frozen=True)
class TeamMemberLoad:
    """One line of an agency manager's team panel."""

    case_worker_id: int | None  # None: the dossiers nobody is assigned to
    name: str
    open_dossiers: int = 0
    overdue_deadlines: int = 0
    due_soon: int = 0


def team_load(*, user, today: dt.date, soon_days: int = 3) -> list[TeamMemberLoad]:
    """Per case worker of `user`'s agencies: dossiers in progress, deadlines overdue (breached,
    or open past their due date) and open deadlines due within `soon_days`.

    The figures are counted by the database in one grouped query over the dossiers `user`
    may see; a second query lists the agencies' case workers, so that a case worker with
    nothing to do shows with zeros. The most overdue first.
    """
    horizon = today + dt.timedelta(days=soon_days)
    overdue = Q(deadlines__status=DeadlineStatus.BREACHED) | Q(
        deadlines__status=DeadlineStatus.OPEN, deadlines__due__lt=today
    )
    soon = Q(deadlines__status=DeadlineStatus.OPEN, deadlines__due__range=(today, horizon))
    counts = {
        row["case_worker_id"]: row
        for row in scope_dossiers(Dossier.objects.all(), user)
        .exclude(state__in=FINAL_STATES)
        .values("case_worker_id")
        .annotate(
            open_dossiers=Count("pk", distinct=True),
            overdue_deadlines=Count("deadlines", filter=overdue),
            due_soon=Count("deadlines", filter=soon),
        )
        .order_by()
    }
    agencies = scope_agencies(Agency.objects.all(), user)
    people = User.objects.filter(
        Q(agencies__in=agencies, role=Role.CASE_WORKER) | Q(pk__in=[pk for pk in counts if pk])
    ).distinct()
    keys = ("open_dossiers", "overdue_deadlines", "due_soon")
    lines = [
        TeamMemberLoad(person.pk, str(person), *(counts.get(person.pk, {}).get(k, 0) for k in keys))
        for person in people
    ]
    if None in counts:
        lines.append(TeamMemberLoad(None, "Non attribué", *(counts[None][k] for k in keys)))
    return sorted(lines, key=lambda line: (-line.overdue_deadlines, -line.open_dossiers, line.name))
