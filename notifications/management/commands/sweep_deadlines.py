import json

from django.core.management.base import BaseCommand

from notifications.services.sweep import sweep


class Command(BaseCommand):
    help = "Lance tout de suite le balayage des échéances (rappels, retards, escalades, silence de l'AKTO)."

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(sweep().as_dict()))
