"""Anonymise the people whose dossiers have all been closed longer than the retention period."""

from django.core.management.base import BaseCommand, CommandError

from cases.privacy import worker_anonymise, workers_to_anonymise


class Command(BaseCommand):
    help = (
        "Anonymise les salariés dont tous les dossiers sont clos ou annulés depuis plus de "
        "--older-than jours (noms, NIR, date de naissance précise, détails de santé, notes, "
        "fichiers). Simulation par défaut ; --wet-run pour agir."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, required=True, metavar="JOURS")
        parser.add_argument("--wet-run", action="store_true", help="anonymiser pour de bon")
        parser.add_argument("--limit", type=int, default=None, help="au plus N personnes")

    def handle(self, *args, older_than: int, wet_run: bool, limit: int | None, **options):
        if older_than < 0:
            raise CommandError("--older-than doit être un nombre de jours positif.")
        if limit is not None and limit < 1:
            raise CommandError("--limit doit être au moins 1.")
        candidates = workers_to_anonymise(older_than_days=older_than).values_list("pk", flat=True)
        ids = list(candidates[:limit] if limit else candidates)
        if not wet_run:
            self.stdout.write(
                f"Simulation : {len(ids)} salarié(s) seraient anonymisé(s) "
                f"(n° {', '.join(map(str, ids)) or '—'}). Relancez avec --wet-run pour agir."
            )
            return
        done = sum(worker_anonymise(worker_id=pk, older_than_days=older_than) for pk in ids)
        self.stdout.write(f"Anonymisé(s) : {done} salarié(s).")
