"""Reads for the API and the admin: every queryset scoped by `cases.permissions`.

Each list selector joins or prefetches what its representation shows, so that a page of
rows costs a constant number of queries whatever its size.
"""

from django.db.models import Prefetch, QuerySet

from cases.models import (
    Agency,
    ClientCompany,
    Document,
    Dossier,
    DossierEvent,
    Mission,
    TrainingProvider,
    Worker,
)
from cases.permissions import (
    may_see_individual_data,
    scope_agencies,
    scope_by_agency,
    scope_dossiers,
)


def agency_list(*, user) -> QuerySet[Agency]:
    return scope_agencies(Agency.objects.all(), user)


def worker_list(*, user) -> QuerySet[Worker]:
    return scope_by_agency(Worker.objects.all(), user)


def client_company_list(*, user) -> QuerySet[ClientCompany]:
    """Client companies are shared by every agency: no personal data, no agency scope."""
    queryset = ClientCompany.objects.all()
    return queryset if may_see_individual_data(user) else queryset.none()


def training_provider_list(*, user) -> QuerySet[TrainingProvider]:
    """Training providers are shared by every agency: no personal data, no agency scope."""
    queryset = TrainingProvider.objects.all()
    return queryset if may_see_individual_data(user) else queryset.none()


def _pending_deadlines():
    from notifications.choices import DeadlineStatus
    from notifications.models import Deadline

    return Deadline.objects.filter(
        status__in=(DeadlineStatus.OPEN, DeadlineStatus.BREACHED)
    ).order_by("safe_date", "pk")


def pending_deadlines(dossier: Dossier) -> list:
    """The dossier's deadlines still to do, the most pressing first."""
    return list(_pending_deadlines().filter(dossier=dossier))


def dossier_list(*, user) -> QuerySet[Dossier]:
    return scope_dossiers(Dossier.objects.all(), user).prefetch_related(
        "client_companies",
        Prefetch("deadlines", queryset=_pending_deadlines(), to_attr="pending_deadlines"),
    )


def dossier_events(*, dossier: Dossier) -> QuerySet[DossierEvent]:
    return dossier.events.select_related("actor")


def mission_list(*, user) -> QuerySet[Mission]:
    return scope_by_agency(Mission.objects.all(), user, agency_path="worker__agency")


def document_list(*, user) -> QuerySet[Document]:
    """Documents follow their dossier: whoever sees the dossier sees its documents."""
    return Document.objects.filter(dossier__in=scope_dossiers(Dossier.objects.all(), user))
