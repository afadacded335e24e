from django.urls import path

from reports import api

app_name = "reports"

urlpatterns = [
    path("cpne/", api.CpneReportView.as_view(), name="cpne"),
    path("mission-jeunes/", api.MissionJeunesReportView.as_view(), name="mission-jeunes"),
]
