from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from cases.api.mission_import import MissionImportView
from cases.api.rules_check import RulesCheckView
from config.api_docs import SchemaView, docs_view

admin.site.site_header = "Alternance intérim"
admin.site.site_title = "Alternance intérim"
admin.site.index_title = "Tableau de bord"

# The API's JSON errors under /api/, Django's pages elsewhere.
handler400 = "config.api.api_bad_request"
handler403 = "config.api.api_permission_denied"
handler404 = "config.api.api_not_found"
handler500 = "config.api.api_server_error"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/v1/reports/", include("reports.urls")),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SchemaView.as_view(), name="schema"),
    path("api/docs/", docs_view, name="api-docs"),
    path("api/v1/rules/check", RulesCheckView.as_view(), name="rules-check"),
    path("api/v1/mission-imports/", MissionImportView.as_view(), name="mission-import"),
]
