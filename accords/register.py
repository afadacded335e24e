"""Load an export of the RNCP register, and compare the branch lists' levels with it.

`register_import` is the one write path of the register (the `import_rncp` command is a thin
shell over it). It streams the export: the small parts (access routes, lineage) are folded into
compact indexes first, then the « Standard » part is read in chunks, each chunk upserted with
one query; memory stays flat whatever the size of the export.
"""

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from accords.choices import AccessRoute
from accords.importers.rncp import FicheRow, RegisterExportFile, RegisterFormatError
from accords.models import Certification, CertificationListEntry, RegisterExport, RegisterFiche

__all__ = ["RegisterFormatError", "register_import", "register_level_differences"]

CHUNK_SIZE = 2000
ROUTE_BITS = {code: 1 << i for i, code in enumerate(AccessRoute.values)}
FICHE_FIELDS = (
    "title",
    "level",
    "level_label",
    "decision_date",
    "effect_date",
    "end_date",
    "registration_type",
    "active",
    "routes",
    "successors",
)


@dataclass
class RegisterImportReport:
    """What loading an export changed, said in French by `summary()`."""

    export_date: object = None
    file_name: str = ""
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    skipped_rs: int = 0
    unknown_routes: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        lines = [
            f"Export du registre RNCP du {self.export_date:%d/%m/%Y} ({self.file_name}) : "
            f"{self.read} fiches RNCP lues.",
            f"Créées : {self.created} ; modifiées : {self.updated} ; inchangées : "
            f"{self.unchanged} ; désactivées : {self.deactivated}.",
        ]
        if self.skipped_rs:
            lines.append(f"Fiches du répertoire spécifique (RS) ignorées : {self.skipped_rs}.")
        for label, count in sorted(self.unknown_routes.items()):
            lines.append(f"Voie d'accès non reconnue, ignorée : « {label} » ({count} lignes).")
        return "\n".join(lines)


def _routes_index(export: RegisterExportFile, report: RegisterImportReport) -> dict[str, int]:
    """Each fiche's access routes as a bit mask (an int per fiche, not a list of strings)."""
    index: dict[str, int] = defaultdict(int)
    for code, route, label in export.routes():
        if route is None:
            report.unknown_routes[label] = report.unknown_routes.get(label, 0) + 1
        else:
            index[code] |= ROUTE_BITS[route]
    return index


def _successors_index(export: RegisterExportFile) -> dict[str, tuple[str, ...]]:
    """The fiches that replace each fiche: its own « Nouvelle_Certification » rows, and every
    fiche that names it as its « Ancienne_Certification »."""
    found: dict[str, set[str]] = defaultdict(set)
    for code, old, new in export.lineage():
        if new and new != code:
            found[code].add(new)
        if old and old != code:
            found[old].add(code)
    return {code: tuple(sorted(new)) for code, new in found.items()}


def _values(row: FicheRow, routes: int, successors: tuple[str, ...]) -> dict:
    return {
        "title": row.title[:1000],
        "level": row.level,
        "level_label": row.level_label,
        "decision_date": row.decision_date,
        "effect_date": row.effect_date,
        "end_date": row.end_date,
        "registration_type": row.registration_type[:100],
        "active": row.active,
        "routes": [code for code, bit in ROUTE_BITS.items() if routes & bit],
        "successors": list(successors),
    }


def _fingerprint(values: dict) -> str:
    text = "\x1f".join(str(values[name]) for name in FICHE_FIELDS)
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def _chunks(rows: Iterable[FicheRow], size: int) -> Iterator[list[FicheRow]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _upsert_chunk(
    chunk: list[FicheRow],
    export: RegisterExport,
    routes: dict[str, int],
    successors: dict[str, tuple[str, ...]],
    report: RegisterImportReport,
) -> None:
    by_code = {row.code: row for row in chunk}  # a fiche listed twice: the last row wins
    existing = {
        code: (fingerprint, active, in_latest)
        for code, fingerprint, active, in_latest in RegisterFiche.objects.filter(
            code__in=by_code
        ).values_list("code", "fingerprint", "active", "in_latest_export")
    }
    to_write = []
    for code, row in by_code.items():
        values = _values(row, routes.get(code, 0), successors.get(code, ()))
        fingerprint = _fingerprint(values)
        before = existing.get(code)
        if before is None:
            report.created += 1
        elif before[0] == fingerprint and before[2]:
            report.unchanged += 1
            continue
        else:
            report.updated += 1
            report.deactivated += before[1] and not row.active
        to_write.append(
            RegisterFiche(
                code=code,
                fingerprint=fingerprint,
                in_latest_export=True,
                export=export,
                **values,
            )
        )
    if to_write:
        RegisterFiche.objects.bulk_create(
            to_write,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=[*FICHE_FIELDS, "fingerprint", "in_latest_export", "export"],
        )
    # The fiches left as they were still came with this export.
    RegisterFiche.objects.filter(code__in=by_code).exclude(export=export).update(export=export)


def register_import(*, path: Path | str, chunk_size: int = CHUNK_SIZE) -> RegisterImportReport:
    """Load an RNCP export: upsert its fiches, retire those it no longer lists, record it.

    All or nothing: a file that is not an export raises RegisterFormatError (file and line)
    and the transaction leaves the register as it was. Loading the same export twice changes
    no fiche (the report says so: every fiche « inchangée »).
    """
    with RegisterExportFile(path) as export_file, transaction.atomic():
        report = RegisterImportReport(
            export_date=export_file.export_date, file_name=export_file.name
        )
        routes = _routes_index(export_file, report)
        successors = _successors_index(export_file)
        export, _ = RegisterExport.objects.update_or_create(
            export_date=export_file.export_date,
            defaults={"file_name": export_file.name[:255], "imported_at": timezone.now()},
        )
        for chunk in _chunks(_rncp_only(export_file.fiches(), report), chunk_size):
            report.read += len(chunk)
            _upsert_chunk(chunk, export, routes, successors, report)
        _retire_absent(export, report)
        RegisterExport.objects.filter(pk=export.pk).update(
            fiche_count=report.read,
            created_count=report.created,
            updated_count=report.updated,
            unchanged_count=report.unchanged,
            deactivated_count=report.deactivated,
        )
    return report


def _rncp_only(rows: Iterable[FicheRow], report: RegisterImportReport) -> Iterator[FicheRow]:
    """The RNCP fiches: the product's targets are RNCP certifications (and CléA, not a fiche)."""
    for row in rows:
        if row.code.startswith("RNCP"):
            yield row
        else:
            report.skipped_rs += 1


def _retire_absent(export: RegisterExport, report: RegisterImportReport) -> None:
    """A fiche the export no longer lists is no longer active (it stays, for old dossiers)."""
    absent = RegisterFiche.objects.filter(in_latest_export=True).exclude(export=export)
    report.deactivated += absent.filter(active=True).count()
    report.updated += absent.count()
    absent.update(in_latest_export=False, active=False)


@dataclass(frozen=True)
class LevelDifference:
    code: str
    title: str
    list_level: int | None
    register_level: int | None
    in_register: bool

    def message(self) -> str:
        def level(value):
            return f"niveau {value}" if value is not None else "sans niveau"

        if not self.in_register:
            return f"{self.code} ({self.title}) : absente du registre RNCP chargé."
        return (
            f"{self.code} ({self.title}) : {level(self.list_level)} dans la liste de branche, "
            f"{level(self.register_level)} au registre RNCP."
        )


def register_level_differences() -> list[LevelDifference]:
    """The RNCP certifications of the accords' lists whose level differs from the register's,
    or that the register does not hold. Empty when no register is loaded."""
    if not RegisterExport.objects.exists():
        return []
    listed = (
        Certification.objects.filter(
            code__startswith="RNCP",
            pk__in=CertificationListEntry.objects.values("certification_id"),
        )
        .order_by("code")
        .values_list("code", "title", "level")
    )
    register = dict(
        RegisterFiche.objects.filter(code__in=[code for code, _, _ in listed]).values_list(
            "code", "level"
        )
    )
    return [
        LevelDifference(
            code=code,
            title=title,
            list_level=level,
            register_level=register.get(code),
            in_register=code in register,
        )
        for code, title, level in listed
        if code not in register or register[code] != level
    ]
