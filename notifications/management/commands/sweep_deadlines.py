import json

from django.core.management.base import BaseCommand

from notifications.services.sweep import sweep
from notifications.tasks import sweep_deadlines


class Command(BaseCommand):
    help = (
        "Lance tout de suite le balayage des échéances (rappels, retards, escalades, silence "
        "de l'AKTO) et affiche son bilan en JSON. --enqueue : le confie à un worker Celery."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="Mettre le balayage en file pour un worker."
        )

    def handle(self, *args, enqueue: bool = False, **options):
        if enqueue:
            result = sweep_deadlines.delay()
            self.stdout.write(json.dumps({"enqueued": result.id}))
            return
        self.stdout.write(json.dumps(sweep().as_dict()))
