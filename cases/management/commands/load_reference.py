from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from cases.reference import ReferenceDataError

# Each loader is idempotent and returns a one-line French summary.
LOADERS = [
    "cases.reference.load_document_requirements",
    "accords.reference_accords.load_pro_a_accords",
    "accords.reference_rules.load_rule_sets",
    "notifications.reference.load_reminder_offsets",
]


class Command(BaseCommand):
    help = "Charge les données de référence (pièces requises, accords, règles, taux, rappels). Idempotent."

    def handle(self, *args, **options):
        for path in LOADERS:
            try:
                summary = import_string(path)()
            except ReferenceDataError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"{summary}")
