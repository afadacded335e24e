"""The dossier changelist: its filters, its next-deadline annotation and a paginator that
never counts a big table in full."""

import datetime as dt

from django.contrib import admin
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import smart_split, unescape_string_literal

from cases.choices import DeadlineKind, DeadlineStatus
from cases.models import Agency, Deadline, User, Worker
from cases.permissions import scope_agencies
from cases.rules.engine import french_number
from cases.rules.obligations import OPEN, obligations_by_dossier

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
        """The dossiers that answer « Oui »: each filter below says which."""
        raise NotImplementedError


class ToFileFilter(_YesFilter):
    """Many dossiers match (every draft): walking the list in order and probing each dossier's
    deadlines finds a page sooner than reading every pending deadline first."""

    title = "à déposer"
    parameter_name = "a_deposer"

    def condition(self) -> Q:
        return Q(
            Exists(_pending(kind__in=[DeadlineKind.AKTO_DEPOSIT, DeadlineKind.FUND_RESERVATION]))
        )


def overdue_dossier_ids(today: dt.date) -> QuerySet:
    """The ids of dossiers with a breached deadline or an open one past its due date.

    Read from the deadlines through their (status, due) index, then matched to the dossiers
    by primary key: an EXISTS per dossier would probe every dossier of the agency instead.
    """
    return Deadline.objects.filter(
        Q(status=DeadlineStatus.BREACHED) | Q(status=DeadlineStatus.OPEN, due__lt=today)
    ).values_list("dossier_id", flat=True)


# Up to this many dossier ids are read first and handed to the list as values.
FEW_IDS = 5000


def few_or_subquery(ids: QuerySet) -> list[int] | QuerySet:
    """The ids as values when there are few, else the subquery itself.

    Overdue and at-risk deadlines are few among the open ones, but PostgreSQL's statistics
    cannot see it (open deadlines are spread over every date): with the subquery it expects
    thousands of matches and walks the agency's 100 000 dossiers probing each one's
    deadlines (0.6 s at 1 000 000 dossiers). Read first through the (status, due) index, the
    ids are found by primary key. Past FEW_IDS the subquery stays: slower, never wrong.
    """
    values = list(ids.order_by()[: FEW_IDS + 1])
    return ids if len(values) > FEW_IDS else sorted(set(values))


class OverdueFilter(_YesFilter):
    title = "en retard"
    parameter_name = "en_retard"

    def condition(self) -> Q:
        return Q(pk__in=few_or_subquery(overdue_dossier_ids(timezone.localdate())))


class MissionRiskFilter(_YesFilter):
    """Dossiers whose mission obligation is not met and whose window closes within
    MISSION_RISK_DAYS days, or has closed (cases.rules.obligations).

    The obligation's deadline holds that progress: `deadlines_sync` keeps its due date on the
    window's end and its status on the verdict (met or not). The list then shows each
    obligation's hours done and needed, window end and days left (`obligation_progress`).
    """

    title = "obligation de mission à risque"
    parameter_name = "mission_a_risque"

    @classmethod
    def active(cls, request) -> bool:
        return request.GET.get(cls.parameter_name) == "1"

    def condition(self) -> Q:
        """Few dossiers match: their ids come from the (status, due) index, as « en retard »."""
        horizon = timezone.localdate() + dt.timedelta(days=MISSION_RISK_DAYS)
        at_risk = Deadline.objects.filter(
            status__in=PENDING, kind=DeadlineKind.MISSION_OBLIGATION, due__lte=horizon
        )
        return Q(pk__in=few_or_subquery(at_risk.values_list("dossier_id", flat=True)))


def attach_obligations(dossiers: list, today: dt.date) -> None:
    """Give each dossier of a page its obligations' progress (two queries for the page)."""
    found = obligations_by_dossier(dossiers, today=today)
    for dossier in dossiers:
        dossier.obligations = found.get(dossier.pk, [])


def _progress_text(found) -> str:
    days = f"{found.days_left} j" if found.verdict == OPEN else found.verdict_label.lower()
    return (
        f"{french_number(found.hours_done)} h sur {french_number(found.hours_needed)} h — "
        f"fin le {found.window_end:%d/%m/%Y}{' provisoire' if found.provisional else ''} "
        f"({days})"
    )


@admin.display(description="obligation de missions")
def obligation_progress(dossier) -> str:
    """Hours done and needed, window end and days left of each obligation (list column)."""
    found = getattr(dossier, "obligations", None)
    if not found:
        return "—"
    return format_html_join(
        mark_safe("<br>"),
        '<span class="obligation obligation-{}">{}</span>',
        ((o.verdict, _progress_text(o)) for o in found),
    )


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


def search_terms(search_term: str) -> list[str]:
    """The words of a search, as the admin splits them (quotes keep a phrase together)."""
    bits = []
    for bit in smart_split(search_term):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)
        if bit:
            bits.append(bit)
    return bits


def dossier_search(queryset: QuerySet, search_term: str, *, with_nir: bool) -> QuerySet:
    """Dossiers matching every word of `search_term`, as the admin's search fields would.

    Each word matches the worker's last or first name (contains; not for a word with a
    digit), the worker's full NIR (only when `with_nir`: a search would otherwise confirm a
    number) or the AKTO reference (both exact). The workers are looked up first, on their
    own (narrow) table and name index, the NIR through its index; the dossiers then by
    worker id and the reference through its index — not a name `LIKE` over a join for every
    dossier of the agency, nor a case-insensitive `LIKE` on the NIR and the reference, which
    no index serves.
    """
    # Each word is asked among the dossiers in view (the user's agencies, the filters): a
    # common name matches thousands of dossiers in the whole network. The dossiers in view,
    # not the result of the previous words, which each word's questions would otherwise
    # nest and ask again.
    in_view = queryset.order_by().values("pk")
    for bit in search_terms(search_term):
        # Exact values, case aside, matched through their indexes: as typed, in upper and in
        # lower case (a NIR has at most one letter, 2A or 2B; AKTO references are upper case).
        exact = {bit, bit.upper(), bit.lower()}
        # One indexed question per field, united: an OR of them would read every dossier.
        found = in_view.filter(akto_reference__in=exact)
        if not any(char.isdigit() for char in bit):
            # A word with a digit is a reference or a NIR, never part of a person's name: it
            # is not looked for among the names (on PostgreSQL through the trigram indexes of
            # migration 0009, elsewhere by reading the workers).
            by_name = Worker.objects.filter(
                Q(last_name__icontains=bit) | Q(first_name__icontains=bit)
            )
            found = found.union(in_view.filter(worker_id__in=by_name.order_by().values("pk")))
        if with_nir:
            nir = Worker.objects.filter(nir__in=exact).order_by().values("pk")
            found = found.union(in_view.filter(worker_id__in=nir))
        queryset = queryset.filter(pk__in=found)
    return queryset
