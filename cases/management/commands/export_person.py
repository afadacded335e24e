"""Everything held about one person, as JSON (right of access)."""

import json

from django.core.management.base import BaseCommand, CommandError

from cases.models import SensitiveDataAccess, Worker
from cases.privacy import ExportEncoder, person_export


class Command(BaseCommand):
    help = "Exporte en JSON tout ce qui est conservé sur un salarié (droit d'accès)."

    def add_arguments(self, parser):
        parser.add_argument("worker", type=int, help="identifiant du salarié")
        parser.add_argument("--output", help="fichier de sortie (sinon la sortie standard)")

    def handle(self, *args, worker: int, output: str | None, **options):
        try:
            data = person_export(worker_id=worker)
        except Worker.DoesNotExist as exc:
            raise CommandError(f"Aucun salarié n° {worker}.") from exc
        # The export shows the NIR and the health data: it is a sensitive read like any other.
        SensitiveDataAccess.objects.create(
            worker_id=worker,
            username="manage.py export_person",
            nir=bool(data["worker"].get("nir")),
            health=True,
            channel=SensitiveDataAccess.Channel.EXPORT,
            where="manage.py export_person",
        )
        text = json.dumps(data, cls=ExportEncoder, ensure_ascii=False, indent=2)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            self.stderr.write(f"Export écrit dans {output}.")
        else:
            self.stdout.write(text)
