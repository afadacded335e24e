from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accords.register import RegisterFormatError, register_import, register_level_differences


class Command(BaseCommand):
    help = (
        "Charge un export du registre RNCP de France Compétences (archive zip "
        "export_fiches_CSV_*_AAAA_MM_JJ.csv) : crée ou met à jour les fiches, retire celles "
        "que l'export ne liste plus. Un second chargement du même export ne change rien ; un "
        "fichier qui n'est pas un export n'écrit rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", metavar="EXPORT.zip")

    def handle(self, *args, export: str, **options):
        path = Path(export)
        if not path.is_file():
            raise CommandError(f"{export} : fichier introuvable.")
        try:
            report = register_import(path=path)
        except RegisterFormatError as error:
            raise CommandError(f"{error} Rien n'a été enregistré.") from error
        self.stdout.write(report.summary())
        differences = register_level_differences()
        if differences:
            self.stdout.write(
                f"Listes de branche : {len(differences)} certification(s) à vérifier "
                "(niveau différent du registre ou absente du registre) ; détail : "
                "manage.py check_register_levels."
            )
