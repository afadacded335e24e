import csv

from django.core.management.base import BaseCommand, CommandError

from accords.selectors import accord_by_reference, certification_entries

COLUMNS = (
    "sector",
    "sub_sector",
    "job",
    "certification",
    "rncp_code",
    "level",
    "excluded_from_extension",
)


class Command(BaseCommand):
    help = (
        "Exporte en CSV la liste de certifications d'un accord (désigné par son NOR ou son "
        "identifiant) : la liste que la CPNE publie et révise."
    )

    def add_arguments(self, parser):
        parser.add_argument("accord", metavar="ACCORD", help="NOR ou identifiant de l'accord.")
        parser.add_argument("--output", metavar="FICHIER", help="Fichier CSV à écrire.")

    def handle(self, *args, accord: str, output: str | None, **options):
        found = accord_by_reference(accord)
        if found is None:
            raise CommandError(f"Aucun accord ne correspond à « {accord} » (NOR ou identifiant).")
        if output:
            with open(output, "w", encoding="utf-8", newline="") as stream:
                count = write_csv(found, stream)
            self.stderr.write(f"{count} entrée(s) écrite(s) dans {output}.")
        else:
            write_csv(found, self.stdout)


def write_csv(accord, stream) -> int:
    """Write the accord's list to `stream`; return the number of rows."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for entry in certification_entries(accord):
        writer.writerow(
            (
                entry.sector,
                entry.sub_sector,
                entry.job,
                entry.title_as_listed or entry.certification.title,
                entry.certification.code,
                "" if entry.certification.level is None else entry.certification.level,
                "oui" if entry.excluded_from_extension else "non",
            )
        )
        count += 1
    return count
