from django.apps import AppConfig


class AccordsConfig(AppConfig):
    name = "accords"
    verbose_name = "Accords et règles"
