"""Reads for the API and the admin: every queryset scoped by `cases.permissions`.

Each list selector joins or prefetches what its representation shows, so that a page of
rows costs a constant number of queries whatever its size.
"""

from django.db.models import QuerySet

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


def dossier_list(*, user) -> QuerySet[Dossier]:
    return scope_dossiers(Dossier.objects.all(), user).prefetch_related("client_companies")


def dossier_events(*, dossier: Dossier) -> QuerySet[DossierEvent]:
    return dossier.events.select_related("actor")


def mission_list(*, user) -> QuerySet[Mission]:
    return scope_by_agency(Mission.objects.all(), user, agency_path="worker__agency")


def document_list(*, user) -> QuerySet[Document]:
    """Documents follow their dossier: whoever sees the dossier sees its documents."""
    return Document.objects.filter(dossier__in=scope_dossiers(Dossier.objects.all(), user))
