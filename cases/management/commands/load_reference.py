from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

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
            summary = import_string(path)()
            self.stdout.write(f"{summary}")
