"""Import missions and their hours from an agency's back-office export (CSV or XLSX).

The agency's columns are named once (`MissionImportMapping`) and kept. An import runs in one
of three modes: `preview` writes nothing (django-import-export's dry run, rolled back) and says
what each row would do; `all` writes only if every row is valid, and otherwise nothing;
`valid_rows` writes the valid rows and leaves the others. Each row is a mission found again by
its contract number within the agency (an import run twice changes nothing the second time),
written by the missions service; then each dossier it touched is refreshed once (deadlines,
obligations, blocking findings). Every run that could write is logged (`MissionImport`).
"""

import hashlib
from dataclasses import dataclass, field
from pathlib import PurePath

from django.db import transaction
from import_export.formats.base_formats import CSV, XLSX
from import_export.results import RowResult

from cases import selectors
from cases.exceptions import DossierForbidden, DossierNotFound
from cases.mission_resource import (
    COLUMN_OF_FIELD,
    CONTRACT,
    DOSSIER,
    END,
    HOURS,
    NIR,
    SIRET,
    START,
    MissionResource,
)
from cases.models import Agency, Dossier, MissionImport, MissionImportMapping
from cases.permissions import ADD, CHANGE, may
from cases.refresh import dossier_refresh

PREVIEW, ALL, VALID_ROWS = "preview", "all", "valid_rows"
MODES = (PREVIEW, ALL, VALID_ROWS)

# key: (mapping field, what the column holds, required, how to fix a wrong value)
COLUMNS = {
    CONTRACT: (
        "contract_number_column",
        "n° de contrat",
        True,
        "Indiquez le n° du contrat de mission tel qu'il figure dans le logiciel de l'agence, "
        "une seule fois par fichier.",
    ),
    NIR: (
        "nir_column",
        "NIR du salarié",
        True,
        "Indiquez le NIR (15 caractères) d'un salarié de cette agence ; "
        "si le salarié n'a pas encore de fiche, créez-la d'abord.",
    ),
    SIRET: (
        "client_siret_column",
        "SIRET de l'entreprise utilisatrice",
        True,
        "Indiquez les 14 chiffres du SIRET d'une entreprise utilisatrice enregistrée ; "
        "créez-la d'abord si besoin.",
    ),
    START: (
        "start_column",
        "date de début",
        True,
        "Écrivez la date au format JJ/MM/AAAA (par exemple 02/03/2026).",
    ),
    END: (
        "end_column",
        "date de fin",
        True,
        "Écrivez la date au format JJ/MM/AAAA, au plus tôt le jour du début.",
    ),
    HOURS: (
        "hours_column",
        "heures",
        True,
        "Écrivez un nombre d'heures positif, au plus 2 000, par exemple 35 ou 35,5.",
    ),
    DOSSIER: (
        "dossier_column",
        "n° de dossier",
        False,
        "Indiquez le n° d'un dossier de ce salarié dans l'agence, ou laissez la cellule vide.",
    ),
}
MAPPING_FIELDS = frozenset(spec[0] for spec in COLUMNS.values())
FORMATS = {".csv": CSV, ".xlsx": XLSX}


@dataclass(frozen=True)
class RowError:
    """What is wrong on a line of the file, in which column, and how to put it right."""

    line: int | None
    column: str
    message: str
    fix: str

    def __str__(self) -> str:
        where = f"Ligne {self.line}" if self.line else "Fichier"
        column = f", colonne « {self.column} »" if self.column else ""
        return f"{where}{column} : {self.message} {self.fix}".strip()


@dataclass
class ImportReport:
    mode: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    written: bool = False
    log: MissionImport | None = None
    lines: list[tuple[int, str]] = field(default_factory=list)  # (line, new/update/skip)

    @property
    def invalid(self) -> int:
        return len({e.line for e in self.errors if e.line})

    @property
    def file_refused(self) -> bool:
        """An error of the file as a whole (format, columns), not of one of its rows."""
        return any(e.line is None for e in self.errors)


def mission_import_agencies(*, by):
    """The agencies whose missions `by` may import."""
    if not by.has_perm("cases.add_missionimport"):
        return Agency.objects.none()
    return selectors.agency_list(user=by)


def mission_import_mapping_of(agency: Agency) -> MissionImportMapping:
    """The agency's kept columns, or the defaults (unsaved) before its first import."""
    mapping = MissionImportMapping.objects.filter(agency=agency).first()
    return mapping or MissionImportMapping(agency=agency)


@transaction.atomic
def mission_import_mapping_save(*, by, agency: Agency, data: dict) -> MissionImportMapping:
    """Keep the agency's columns (back-office column name of each mission field)."""
    unknown = sorted(set(data) - MAPPING_FIELDS)
    if unknown:
        raise ValueError(f"fields not editable here: {', '.join(unknown)}")
    _require_agency(by, agency)
    mapping = MissionImportMapping.objects.select_for_update().filter(agency=agency).first()
    adding = mapping is None
    mapping = mapping or MissionImportMapping(agency=agency)
    if not may(by, ADD if adding else CHANGE, mapping):
        raise DossierForbidden("Votre rôle ne permet pas de régler les colonnes d'import.")
    for name, value in data.items():
        setattr(mapping, name, " ".join(str(value or "").split()))
    mapping.full_clean()
    mapping.save()
    return mapping


def mission_import(
    *, by, agency: Agency, file_name: str, content: bytes, mode: str = PREVIEW
) -> ImportReport:
    """Read a back-office export of `agency`'s missions and import it in `mode` (see above)."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode}")
    _require_agency(by, agency)
    if not may(by, ADD, MissionImport(agency=agency, by=by)):
        raise DossierForbidden("Votre rôle ne permet pas d'importer des missions.")
    mapping = mission_import_mapping_of(agency)
    report = ImportReport(mode=mode)
    dataset, file_errors = _read(file_name, content, mapping)
    if file_errors:
        report.errors = file_errors
        if mode != PREVIEW:
            report.log = _log(by, agency, file_name, content, report)
        return report
    with transaction.atomic():
        resource = MissionResource(by=by, agency=agency)
        result = resource.import_data(
            dataset,
            dry_run=mode == PREVIEW,
            use_transactions=True,
            rollback_on_validation_errors=mode == ALL,
        )
        _fill(report, result, mapping)
        report.written = (
            mode != PREVIEW
            and not result.has_errors()
            and not (mode == ALL and result.has_validation_errors())
        )
        if report.written:
            for dossier in Dossier.objects.filter(pk__in=resource.touched_dossier_ids):
                dossier_refresh(dossier)
        if mode != PREVIEW:
            report.log = _log(by, agency, file_name, content, report)
    return report


def _require_agency(by, agency: Agency) -> None:
    if not mission_import_agencies(by=by).filter(pk=agency.pk).exists():
        raise DossierNotFound("Cette agence n'est pas l'une des vôtres.")


def _column_label(mapping: MissionImportMapping, key: str) -> str:
    name = getattr(mapping, COLUMNS[key][0])
    return name or COLUMNS[key][1]


def _read(file_name: str, content: bytes, mapping: MissionImportMapping):
    """The rows of the file with their columns renamed to the mission's fields, or why not."""
    suffix = PurePath(file_name).suffix.lower()
    if suffix not in FORMATS:
        return None, [
            RowError(
                None,
                "",
                f"Le fichier « {file_name} » n'est ni un .csv ni un .xlsx.",
                "Exportez les missions du logiciel de l'agence en CSV ou en XLSX.",
            )
        ]
    try:
        if suffix == ".csv":
            text = _decode(content)
            first_line = text.split("\n", 1)[0]
            delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
            dataset = CSV().create_dataset(text, delimiter=delimiter)
        else:
            dataset = XLSX().create_dataset(content)
    except Exception:  # tablib and openpyxl raise many kinds; the file is unreadable
        return None, [
            RowError(
                None,
                "",
                f"Le fichier « {file_name} » n'a pas pu être lu.",
                "Vérifiez qu'il s'agit bien d'un export CSV ou XLSX non protégé, "
                "avec les noms de colonnes sur la première ligne.",
            )
        ]
    return _rename_columns(dataset, mapping)


def _decode(content: bytes) -> str:
    """UTF-8 (with or without its mark), else Windows-1252, as spreadsheet tools write CSV."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _rename_columns(dataset, mapping: MissionImportMapping):
    headers = [" ".join(str(h or "").split()) for h in (dataset.headers or [])]
    found = {h.casefold(): i for i, h in enumerate(headers)}
    renamed = list(headers)
    errors = []
    for key, (attribute, label, required, _fix) in COLUMNS.items():
        name = getattr(mapping, attribute)
        index = found.get(name.casefold()) if name else None
        if index is not None:
            renamed[index] = key
        elif required:
            errors.append(
                RowError(
                    None,
                    name,
                    f"La colonne « {name} » ({label}) est absente du fichier "
                    f"(colonnes trouvées : {', '.join(headers) or 'aucune'}).",
                    "Corrigez le nom de la colonne dans les colonnes de l'agence, ou dans "
                    "l'export.",
                )
            )
    if not errors and not len(dataset):
        errors.append(
            RowError(
                None,
                "",
                "Le fichier ne contient aucune ligne de mission.",
                "Vérifiez l'export : une ligne d'en-tête puis une ligne par mission.",
            )
        )
    if errors:
        return None, errors
    dataset.headers = renamed
    if DOSSIER not in renamed:
        dataset.append_col([""] * len(dataset), header=DOSSIER)
    return dataset, []


def _fill(report: ImportReport, result, mapping: MissionImportMapping) -> None:
    totals = result.totals
    report.rows = result.total_rows
    report.created = totals[RowResult.IMPORT_TYPE_NEW]
    report.updated = totals[RowResult.IMPORT_TYPE_UPDATE]
    report.unchanged = totals[RowResult.IMPORT_TYPE_SKIP]
    for invalid in result.invalid_rows:
        line = invalid.number + 1  # the header is line 1
        for name, messages in invalid.error.message_dict.items():
            key = COLUMN_OF_FIELD.get(name, "")
            column = _column_label(mapping, key) if key else ""
            fix = COLUMNS[key][3] if key else "Corrigez la ligne dans l'export."
            report.errors.extend(RowError(line, column, m, fix) for m in messages)
    for number, errors in result.row_errors():
        report.errors.extend(
            RowError(
                number + 1,
                "",
                "Cette ligne n'a pas pu être enregistrée.",
                "Corrigez-la ou retirez-la de l'export ; si l'erreur demeure, signalez-la.",
            )
            for _error in errors
        )
    report.lines = [
        (number + 1, row.import_type)
        for number, row in enumerate(result.rows, 1)
        if row.import_type
        in (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE, RowResult.IMPORT_TYPE_SKIP)
    ]
    report.errors.sort(key=lambda e: (e.line or 0, e.column))


def _log(by, agency, file_name: str, content: bytes, report: ImportReport) -> MissionImport:
    if not report.written:
        outcome = MissionImport.Outcome.REFUSED
    elif report.mode == VALID_ROWS and report.errors:
        outcome = MissionImport.Outcome.VALID_ROWS
    else:
        outcome = MissionImport.Outcome.IMPORTED
    written = report.written
    return MissionImport.objects.create(
        agency=agency,
        by=by,
        file_name=PurePath(file_name).name[:255],
        file_sha256=hashlib.sha256(content).hexdigest(),
        outcome=outcome,
        rows=report.rows,
        created_count=report.created if written else 0,
        updated_count=report.updated if written else 0,
        unchanged_count=report.unchanged if written else 0,
        invalid_count=report.invalid,
        errors=[str(e) for e in report.errors],
    )


__all__ = [
    "ALL",
    "PREVIEW",
    "VALID_ROWS",
    "ImportReport",
    "RowError",
    "mission_import",
    "mission_import_agencies",
    "mission_import_mapping_of",
    "mission_import_mapping_save",
]
