"""Build, store and announce the periodic reports (once per kind and period)."""

import datetime as dt

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from cases.choices import Role
from cases.models import User
from cases.permissions import is_administrator
from notifications.choices import NotificationLevel
from notifications.services.notices import notify
from reports import downloads, exports, periods, services
from reports.models import StoredReport
from reports.pdf import report_pdf
from reports.scope import Scope

NOTICE_KINDS = {services.CPNE: "rapport-cpne", services.MISSION_JEUNES: "rapport-mj"}


def may_read_stored(user) -> bool:
    """Stored reports cover every agency: CPNE reporters and administrators only."""
    return user.is_active and (is_administrator(user) or user.role == Role.CPNE_REPORTER)


def stored_reports_for(user) -> QuerySet[StoredReport]:
    """The stored reports `user` may read, in the admin or anywhere else.

    Every stored report is built for all agencies (`_build`), so it goes only to the roles that
    read every agency's figures; an agency user's reports are the ones they build on their own
    scope (reports/scope.py), never a stored one.
    """
    if may_read_stored(user):
        return StoredReport.objects.all()
    return StoredReport.objects.none()


def _build(kind: str, period: periods.Period, as_of: dt.date) -> dict:
    """Every agency, small counts masked (a national, aggregated audience). Nobody is there to
    widen the period: a cohort of fewer than 5 people gives a report with every figure hidden."""
    everything = Scope()
    if kind == services.MISSION_JEUNES:
        return services.mission_jeunes_report(period, everything, refuse_narrow=False)
    return services.cpne_report(period, everything, as_of=as_of, refuse_narrow=False)


def stored_report_build(
    *, kind: str, period: periods.Period, as_of: dt.date | None = None
) -> tuple[StoredReport, bool]:
    """The stored report of `kind` for `period`, built, stored and announced if it does not
    exist yet; True when this call created it.

    The report row and its notices are written in one transaction, and the unique constraint
    on (kind, period) lets only one run insert the row: a repeated run, or a second worker
    racing the first, neither stores a second report nor notifies anybody twice, even if a
    reporter deleted or read the first notice meanwhile.
    """
    existing = StoredReport.objects.filter(kind=kind, period_code=period.code).first()
    if existing:
        return existing, False
    report = _build(kind, period, as_of or timezone.localdate())
    stored = StoredReport(
        kind=kind,
        period_code=period.code,
        period_start=period.start,
        period_end=period.end,
        payload=report,
    )
    stored.xlsx.save(
        downloads.filename(report, "xlsx"), ContentFile(exports.workbook_bytes(report)), save=False
    )
    stored.pdf.save(downloads.filename(report, "pdf"), ContentFile(report_pdf(report)), save=False)
    try:
        with transaction.atomic():
            stored.save()
            stored_report_announce(stored)
    except IntegrityError:  # another worker stored (and announced) it meanwhile
        stored.xlsx.delete(save=False)
        stored.pdf.delete(save=False)
        return StoredReport.objects.get(kind=kind, period_code=period.code), False
    return stored, True


def stored_report_announce(stored: StoredReport) -> int:
    """Tell every active CPNE reporter that the report is ready.

    Precondition: called in the transaction that inserted `stored` (`notify(dossier=None)` has
    no unique constraint of its own; the report row is the guard).
    """
    reporters = User.objects.filter(role=Role.CPNE_REPORTER, is_active=True)
    message = (
        f"{stored.get_kind_display()} {stored.period_code} disponible (du "
        f"{stored.period_start:%d/%m/%Y} au {stored.period_end:%d/%m/%Y}) : menu Rapports."
    )
    return notify(
        reporters,
        dossier=None,
        kind=f"{NOTICE_KINDS[stored.kind]}-{stored.period_code}",
        level=NotificationLevel.INFO,
        message=message,
    )


def build_previous_period(kind: str, today: dt.date | None = None) -> StoredReport:
    """On the first day after a period: build, store and announce its report (once)."""
    today = today or timezone.localdate()
    if kind == services.MISSION_JEUNES:
        period = periods.previous_half(today)
    else:
        period = periods.previous_year(today)
    stored, _ = stored_report_build(kind=kind, period=period, as_of=today)
    return stored
