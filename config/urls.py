from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

from accords.api.rules_check import RulesCheckView

admin.site.site_header = "Alternance intérim"
admin.site.site_title = "Alternance intérim"
admin.site.index_title = "Tableau de bord"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/v1/rules/check", RulesCheckView.as_view(), name="rules-check"),
]
