from django.apps import AppConfig
from django.db.models.signals import m2m_changed

from cases.permissions import forget_agency_ids


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Dossiers"

    def ready(self) -> None:
        m2m_changed.connect(
            forget_agency_ids,
            sender="cases.User_agencies",  # the membership table, by name: no model import
            dispatch_uid="cases.forget_agency_ids",
        )
