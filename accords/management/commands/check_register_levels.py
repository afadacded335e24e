from django.core.management.base import BaseCommand, CommandError

from accords.models import RegisterExport
from accords.register import register_level_differences


class Command(BaseCommand):
    help = (
        "Compare les niveaux des certifications RNCP des listes de branche (annexe de "
        "l'accord Pro-A 001…) à ceux du registre RNCP chargé, et liste les différences."
    )

    def handle(self, *args, **options):
        export = RegisterExport.objects.order_by("-export_date").first()
        if export is None:
            raise CommandError(
                "Aucun export du registre RNCP n'est chargé : chargez-en un avec "
                "manage.py import_rncp EXPORT.zip."
            )
        differences = register_level_differences()
        self.stdout.write(
            f"Registre RNCP : export du {export.export_date:%d/%m/%Y}. "
            f"Certifications à vérifier : {len(differences)}."
        )
        for difference in differences:
            self.stdout.write(f"  - {difference.message()}")
