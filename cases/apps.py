from django.apps import AppConfig
from django.db.models.signals import m2m_changed


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Dossiers"

    def ready(self) -> None:
        from cases.models import User
        from cases.permissions import forget_agency_ids

        m2m_changed.connect(
            forget_agency_ids,
            sender=User.agencies.through,
            dispatch_uid="cases.forget_agency_ids",
        )
