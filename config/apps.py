"""App configurations the project adjusts: what a person reads in the admin's menu."""

from axes.apps import AppConfig as AxesAppConfig


class AxesConfig(AxesAppConfig):
    """django-axes (login throttling) under a French heading instead of « AXES »."""

    verbose_name = "Connexions refusées et tentatives"
