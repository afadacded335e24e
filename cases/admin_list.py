"""The dossier changelist: its filters, its next-deadline annotation and a paginator that
never counts a big table in full."""

import datetime as dt

from django.contrib import admin
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.functional import cached_property

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
    """Counts at most CAP rows: `SELECT COUNT(*) FROM (… LIMIT CAP)` stays cheap on 100 000
    dossiers; beyond it the list offers CAP rows' worth of pages and a search or filter."""

    CAP = 2000

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by().values("pk")[: self.CAP].count()


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
