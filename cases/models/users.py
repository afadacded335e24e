from django.contrib.auth.models import AbstractUser
from django.db import models

from cases.choices import Role


class User(AbstractUser):
    """A person who uses the product: a role, and the agencies whose dossiers they handle."""

    role = models.CharField("rôle", max_length=20, choices=Role.choices, default=Role.CASE_WORKER)
    agencies = models.ManyToManyField(
        "cases.Agency", verbose_name="agences", related_name="users", blank=True
    )

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"

    def __str__(self) -> str:
        return self.get_full_name() or self.username
