from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cases.demo.seed import demo_users_file, seed


class Command(BaseCommand):
    help = (
        "Crée les données de démonstration (agences, comptes, salariés, dossiers). "
        "Idempotent. Réservé au développement."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Autoriser l'exécution avec DEBUG désactivé."
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Les données de démonstration sont réservées au développement "
                "(DEBUG=true, ou --force)."
            )
        accounts = seed(settings.VAR_DIR)
        self.stdout.write("Comptes de démonstration (développement uniquement) :")
        for account in accounts:
            self.stdout.write(
                f"  {account['role']:<17} {account['username']:<22} {account['password']}"
            )
        self.stdout.write(f"(enregistrés dans {demo_users_file(settings.VAR_DIR)})")
