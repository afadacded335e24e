"""The dossier changelist: its filters, its next-deadline annotation and a paginator that
never counts a big table in full."""

import datetime as dt

from django.contrib import admin
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.functional import cached_property

from cases.models import Agency, User
from cases.permissions import scope_agencies
from notifications.choices import DeadlineKind, DeadlineStatus
from notifications.models import Deadline

PENDING = (DeadlineStatus.OPEN, DeadlineStatus.BREACHED)
MISSION_RISK_DAYS = 30


def _pending(**filters):
    return Deadline.objects.filter(dossier=OuterRef("pk"), status__in=PENDING, **filters)


def with_next_deadline(queryset):
    """Annotate each dossier with its most pressing pending deadline (one subquery per column,
    evaluated only for the rows of the page)."""
    nearest = _pending().order_by("due", "pk")
    return queryset.annotate(
        next_due=Subquery(nearest.values("due")[:1]),
        next_safe_date=Subquery(nearest.values("safe_date")[:1]),
        next_label=Subquery(nearest.values("label")[:1]),
        next_status=Subquery(nearest.values("status")[:1]),
    )


class CappedCountPaginator(Paginator):
    """A paginator for big tables.

    It counts at most CAP rows (`SELECT COUNT(*) FROM (… LIMIT CAP)`), so a list of 100 000
    dossiers never counts them all; beyond CAP the list offers a search or a filter. A page is
    read in two steps: the primary keys of the page first (sorted on narrow rows), then the
    page's rows with their joins and annotations — computed for those rows only, where SQLite
    would otherwise compute them for every row it sorts.
    """

    CAP = 2000

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by().values("pk")[: self.CAP].count()

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        pks = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.filter(pk__in=pks).order_by()}
        return self._get_page([rows[pk] for pk in pks if pk in rows], number, self)


class _YesFilter(admin.SimpleListFilter):
    def lookups(self, request, model_admin):
        return [("1", "Oui")]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(self.condition())
        return queryset

    def condition(self) -> Q:
        raise NotImplementedError


class ToFileFilter(_YesFilter):
    title = "à déposer"
    parameter_name = "a_deposer"

    def condition(self) -> Q:
        return Q(
            Exists(_pending(kind__in=[DeadlineKind.AKTO_DEPOSIT, DeadlineKind.FUND_RESERVATION]))
        )


class OverdueFilter(_YesFilter):
    title = "en retard"
    parameter_name = "en_retard"

    def condition(self) -> Q:
        today = timezone.localdate()
        late = Deadline.objects.filter(dossier=OuterRef("pk")).filter(
            Q(status=DeadlineStatus.BREACHED) | Q(status=DeadlineStatus.OPEN, due__lt=today)
        )
        return Q(Exists(late))


class MissionRiskFilter(_YesFilter):
    title = "obligation de mission à risque"
    parameter_name = "mission_a_risque"

    def condition(self) -> Q:
        horizon = timezone.localdate() + dt.timedelta(days=MISSION_RISK_DAYS)
        return Q(Exists(_pending(kind=DeadlineKind.MISSION_OBLIGATION, due__lte=horizon)))


class AgencyFilter(admin.SimpleListFilter):
    """The user's agencies, read from the user, not from a DISTINCT over every dossier."""

    title = "agence"
    parameter_name = "agency__id__exact"

    def lookups(self, request, model_admin):
        return [(str(a.pk), str(a)) for a in scope_agencies(Agency.objects.all(), request.user)]

    def queryset(self, request, queryset):
        return queryset.filter(agency_id=self.value()) if self.value() else queryset


class CaseWorkerFilter(admin.SimpleListFilter):
    """The people of the user's agencies, read from the agencies, not from the dossiers."""

    title = "chargé(e) de dossiers"
    parameter_name = "case_worker__id__exact"

    def lookups(self, request, model_admin):
        agencies = scope_agencies(Agency.objects.all(), request.user)
        people = User.objects.filter(agencies__in=agencies).distinct().order_by("last_name")
        return [(str(u.pk), str(u)) for u in people]

    def queryset(self, request, queryset):
        return queryset.filter(case_worker_id=self.value()) if self.value() else queryset
