"""/api/v1/: the routes of every app, in one namespace (`api:`)."""

from rest_framework.routers import DefaultRouter

from cases.api.urls import router as cases_router
from notifications.api import router as notifications_router

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
for app_router in (cases_router, notifications_router):
    for prefix, viewset, basename in app_router.registry:
        router.register(prefix, viewset, basename=basename)

urlpatterns = router.urls
