"""The admin's « Rapports » page: a period and scope form, the tables, the SVG charts and the
download links; plus the reports stored by Celery beat (CPNE reporters and administrators)."""

from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.safestring import mark_safe

from cases.admin.base import RoleAccessMixin
from reports import charts, scope, services
from reports.forms import ReportForm
from reports.models import StoredReport
from reports.stored import may_read_stored, stored_reports_for


@admin.register(StoredReport)
class StoredReportAdmin(RoleAccessMixin, admin.ModelAdmin):
    """The reports page for whoever may view reports; the stored reports, which cover every
    agency, only for the roles whose `view` reaches their rows (cases.permissions), and
    within what `stored_reports_for` lets them read."""

    list_display = ["__str__", "period_start", "period_end", "created"]

    def get_queryset(self, request):
        return stored_reports_for(request.user)

    def get_urls(self):
        return [
            path(
                "<int:pk>/telecharger/<str:fmt>/",
                self.admin_site.admin_view(self.download_view),
                name="reports_storedreport_download",
            ),
            *super().get_urls(),
        ]

    def download_view(self, request, pk: int, fmt: str):
        """A stored report's file, to CPNE reporters and administrators."""
        if not may_read_stored(request.user) or fmt not in ("xlsx", "pdf"):
            raise PermissionDenied
        stored = get_object_or_404(stored_reports_for(request.user), pk=pk)
        file = getattr(stored, fmt)
        if not file:
            raise Http404("Fichier absent.")
        return FileResponse(file.open("rb"), as_attachment=True, filename=file.name.split("/")[-1])

    def changelist_view(self, request, extra_context=None):
        """The reporting page itself (the index's « Rapports » link lands here)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = ReportForm(request.GET or None, user=request.user)
        context = {
            **self.admin_site.each_context(request),
            "title": "Rapports",
            "opts": self.model._meta,
            "form": form,
            "stored": self.get_queryset(request)[:20],
        }
        if form.is_bound and form.is_valid():
            context.update(self._report_context(request, form))
        return TemplateResponse(request, "admin/reports/report_page.html", context)

    def _report_context(self, request, form: ReportForm) -> dict:
        data = form.cleaned_data
        try:
            report_scope = scope.resolve(
                request.user,
                data["scope"],
                agency=data["agency"].pk if data.get("agency") else None,
                region=data.get("region") or "",
                company=data.get("company") or "",
            )
        except Exception as error:  # a scope the user may not read, or an unknown agency
            form.add_error(None, getattr(error, "messages", [str(error)])[0])
            return {}
        period = data["report_period"]
        try:
            if data["kind"] == services.MISSION_JEUNES:
                report = services.mission_jeunes_report(period, report_scope)
                url = reverse("reports:mission-jeunes")
            else:
                report = services.cpne_report(period, report_scope, data.get("dispositif") or None)
                url = reverse("reports:cpne")
        except ValidationError as error:  # a cohort too small, a period not in whole months
            form.add_error(None, error.messages[0])
            return {}
        query = form.api_query()
        downloads = [
            ("Classeur XLSX", f"{url}?{urlencode({**query, 'format': 'xlsx'})}"),
            ("Rapport PDF", f"{url}?{urlencode({**query, 'format': 'pdf'})}"),
        ]
        for tbl in report["tables"]:
            tbl["csv_url"] = f"{url}?{urlencode({**query, 'format': 'csv', 'table': tbl['key']})}"
            tbl["cells"] = [[row.get(c["key"]) for c in tbl["columns"]] for row in tbl["rows"]]
            tbl["total_cells"] = (
                [tbl["totals"].get(c["key"]) for c in tbl["columns"]] if tbl["totals"] else None
            )
        return {
            "report": report,
            "downloads": downloads,
            # Our own SVG: every text in it is escaped by reports.charts.
            "svgs": [(title, mark_safe(svg)) for title, svg in charts.report_svgs(report)],
        }
