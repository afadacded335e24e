import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from bench.loadgen import LoadRefused, generate_load


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Date invalide : « {value} » (format attendu : AAAA-MM-JJ).") from exc


class Command(BaseCommand):
    help = (
        "Génère un jeu de données synthétique réaliste (agences, salariés, dossiers, missions, "
        "échéances…) dans une base sans dossier, pour les mesures de performance."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dossiers", type=int, required=True, help="Nombre de dossiers.")
        parser.add_argument(
            "--seed", type=int, default=1, help="Graine (même graine, mêmes données)."
        )
        parser.add_argument(
            "--today",
            type=_day,
            default=None,
            help="Jour de référence AAAA-MM-JJ (par défaut : aujourd'hui), pour rejouer à l'identique.",
        )
        parser.add_argument("--no-progress", action="store_true", help="Sans barre de progression.")

    def handle(self, *args, dossiers, seed, today, no_progress, **options):
        if dossiers < 1:
            raise CommandError("Le nombre de dossiers doit être au moins 1.")
        try:
            summary = generate_load(
                dossiers=dossiers,
                seed=seed,
                today=today,
                progress=not no_progress,
                stream=self.stderr._out,
            )
        except LoadRefused as exc:
            raise CommandError(str(exc)) from exc
        width = max(len(name) for name in summary.counts)
        for table, count in sorted(summary.counts.items()):
            self.stdout.write(f"{table:<{width}}  {count:>12,}".replace(",", " "))
        self.stdout.write(f"Terminé en {summary.seconds:.1f} s.")
