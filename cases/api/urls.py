"""The /api/v1/ resources of the cases app (dossiers, records, reference data they use).

`config.api_urls` puts them under /api/v1/ with those of the apps above."""

from rest_framework.routers import DefaultRouter

from cases.api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("agencies", views.AgencyViewSet, basename="agency")
router.register("workers", views.WorkerViewSet, basename="worker")
router.register("client-companies", views.ClientCompanyViewSet, basename="client-company")
router.register("training-providers", views.TrainingProviderViewSet, basename="training-provider")
router.register("dossiers", views.DossierViewSet, basename="dossier")
router.register("missions", views.MissionViewSet, basename="mission")
router.register("documents", views.DocumentViewSet, basename="document")
# Before « certifications »: its detail route would otherwise take « registre » for an id.
router.register("certifications/registre", views.RegisterFicheViewSet, basename="register-fiche")
router.register("certifications", views.CertificationViewSet, basename="certification")
router.register("accords", views.AccordViewSet, basename="accord")
