import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accords.importers import ImportParseError
from accords.selectors import list_summary
from accords.services import ImportResult, accords_import_file


class Command(BaseCommand):
    help = (
        "Importe les textes d'accords d'un ou plusieurs fichiers (impression BOCC ou page "
        "Légifrance). Un texte déjà importé n'est pas dupliqué ; un fichier illisible "
        "n'écrit rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FICHIER")
        parser.add_argument(
            "--json",
            action="store_true",
            help="Affiche un objet JSON par texte trouvé au lieu du résumé (l'import a lieu de même).",
        )

    def handle(self, *args, files, json: bool, **options):
        failures = []
        for name in files:
            try:
                results = accords_import_file(path=Path(name))
            except FileNotFoundError:
                failures.append(f"{name} : fichier introuvable")
                continue
            except ImportParseError as exc:
                failures.append(f"{name} : {exc} Rien n'a été enregistré pour ce fichier.")
                continue
            for line in _json_lines(results) if json else _summary_lines(name, results):
                self.stdout.write(line)
        if failures:
            raise CommandError("\n".join(failures))


def _json_lines(results: list[ImportResult]) -> list[str]:
    return [json.dumps(as_json(result), ensure_ascii=False) for result in results]


def as_json(result: ImportResult) -> dict:
    """What was read from one text, in the shape scripts rely on."""
    parsed = result.parsed
    return {
        "idcc": parsed.idcc or None,
        "kind": parsed.kind,
        "signature_date": _iso(parsed.signature_date),
        "title": parsed.title,
        "nor": parsed.nor or None,
        "article_count": len(parsed.articles),
        "certification_entries": len(parsed.certification_entries),
    }


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _summary_lines(name: str, results: list[ImportResult]) -> list[str]:
    created = sum(1 for result in results if result.created)
    lines = [
        f"{Path(name).name} : {len(results)} texte(s) lu(s), {created} créé(s), "
        f"{len(results) - created} déjà présent(s)."
    ]
    for result in results:
        lines.append(_text_line(result))
        if result.parsed.certification_entries:
            lines.extend(_list_lines(result))
    return lines


def _text_line(result: ImportResult) -> str:
    accord = result.accord
    signed = f", signé le {accord.signature_date:%d/%m/%Y}" if accord.signature_date else ""
    parts = [f"{accord.title[:100]} ({accord.get_kind_display()}{signed})"]
    parts.append(f"IDCC {accord.idcc}" if accord.idcc else "IDCC non indiqué")
    parts.append(f"NOR {accord.nor}" if accord.nor else "sans NOR")
    parts.append(f"{len(result.parsed.articles)} article(s)")
    parts.append("créé" if result.created else "déjà importé, inchangé")
    return "  - " + " — ".join(parts)


def _list_lines(result: ImportResult) -> list[str]:
    summary = list_summary(result.parsed.certification_entries)
    lines = [
        f"    Liste de certifications : {summary.entries} entrées, "
        f"{summary.distinct_codes} codes RNCP distincts, "
        f"{summary.excluded} exclue(s) de l'extension."
    ]
    for sector, count in summary.per_sector.items():
        lines.append(f"      {sector} : {count} entrée(s)")
    return lines
