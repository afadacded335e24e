from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Dossiers"

    def ready(self) -> None:
        from cases import admin_ledger  # noqa: F401  (the ledger admin lives outside admin.py)
