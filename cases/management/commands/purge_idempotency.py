"""Forget the expired idempotency keys and form tokens (beat runs it hourly as a task)."""

from django.core.management.base import BaseCommand

from cases.idempotency import idempotency_records_purge


class Command(BaseCommand):
    help = (
        "Supprime les clés d'idempotence de l'API (et les réponses conservées) et les jetons "
        "de formulaire expirés (plus vieux que IDEMPOTENCY_TTL_HOURS)."
    )

    def handle(self, *args, **options):
        deleted = idempotency_records_purge()
        self.stdout.write(
            f"{deleted['idempotency_keys']} clé(s) d'idempotence et "
            f"{deleted['form_submissions']} jeton(s) de formulaire supprimés."
        )
