"""Read a France Compétences export of the RNCP register, one row at a time.

The export is a zip of `;`-separated CSV files, UTF-8 with a byte-order mark, one per part:
`export_fiches_CSV_<Part>_<YYYY_MM_DD>.csv`. Three parts matter here: « Standard » (one row per
fiche), « VoixdAccès » (the fiche's access routes, column `Si_Jury`) and
« Ancienne_Nouvelle_Certification » (links between a fiche and the fiches before and after it).
Dates are dd/mm/yyyy. The README (« Registre RNCP ») says where each fact was checked.

Nothing here loads a whole file: members are read through `zipfile` + `io.TextIOWrapper` + a
`csv` reader, and the readers yield rows. A file that is not such an export raises
`RegisterFormatError`, naming the file and the line where reading gave up.
"""

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from accords.choices import AccessRoute

PART_NAME = re.compile(r"^(?:.*/)?export_fiches_CSV_(?P<part>.+)_(?P<date>\d{4}_\d{2}_\d{2})\.csv$")
STANDARD, ROUTES, LINEAGE = "Standard", "VoixdAccès", "Ancienne_Nouvelle_Certification"
STANDARD_COLUMNS = (
    "Numero_Fiche",
    "Intitule",
    "Nomenclature_Europe_Niveau",
    "Date_Decision",
    "Date_Effet",
    "Date_Fin_Enregistrement",
    "Type_Enregistrement",
    "Actif",
)
ROUTE_COLUMNS = ("Numero_Fiche", "Si_Jury")
LINEAGE_COLUMNS = ("Numero_Fiche", "Ancienne_Certification", "Nouvelle_Certification")
FICHE_CODE = re.compile(r"^(RNCP|RS)\d+$")
DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
LEVELS = {f"NIV{n}": n for n in range(1, 9)}
NO_LEVEL = {"", "REPRISE"}
ACTIVE = {"ACTIVE": True, "INACTIVE": False, "": False}
# The register writes « d’apprentissage » with a typographic apostrophe; some copies use « ' ».
ROUTE_BY_LABEL = {
    "en contrat d'apprentissage": AccessRoute.APPRENTICESHIP,
    "en contrat de professionnalisation": AccessRoute.PROFESSIONALISATION,
    "par experience": AccessRoute.EXPERIENCE,
    "par candidature individuelle": AccessRoute.INDIVIDUAL,
    "apres un parcours de formation continue": AccessRoute.CONTINUING,
    "apres un parcours de formation sous statut d'eleve ou d'etudiant": AccessRoute.STUDENT,
}


class RegisterFormatError(ValueError):
    """The file is not an RNCP export; says which file and line stopped the reading."""

    def __init__(self, message: str, *, file: str, line: int | None = None):
        self.file, self.line, self.reason = file, line, message
        where = f"{file}, ligne {line}" if line else file
        super().__init__(f"{where} : {message}")


@dataclass(frozen=True)
class FicheRow:
    code: str
    title: str
    level: int | None
    level_label: str
    decision_date: dt.date | None
    effect_date: dt.date | None
    end_date: dt.date | None
    registration_type: str
    active: bool


def route_code(label: str) -> str | None:
    """The route code of a `Si_Jury` label, whatever its apostrophes and accents."""
    text = unicodedata.normalize("NFKD", label.replace("’", "'").strip().lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return ROUTE_BY_LABEL.get(text)


def parse_date(value: str, *, column: str, file: str, line: int) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    match = DATE.match(value)
    try:
        if match is None:
            raise ValueError
        day, month, year = (int(part) for part in match.groups())
        return dt.date(year, month, day)
    except ValueError:
        raise RegisterFormatError(
            f"la colonne {column} contient « {value} », une date JJ/MM/AAAA est attendue.",
            file=file,
            line=line,
        ) from None


class RegisterExportFile:
    """An open export: its parts, its date, and readers over the parts' rows."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.name = self.path.name
        try:
            self.zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError):
            raise RegisterFormatError(
                "ce fichier n'est pas une archive zip d'export du registre RNCP.", file=self.name
            ) from None
        self.parts: dict[str, str] = {}
        dates = set()
        for member in self.zip.namelist():
            match = PART_NAME.match(unicodedata.normalize("NFC", member))
            if match:
                self.parts[match["part"]] = member
                dates.add(match["date"])
        if STANDARD not in self.parts:
            raise RegisterFormatError(
                "l'archive ne contient pas de fichier export_fiches_CSV_Standard_AAAA_MM_JJ.csv : "
                "ce n'est pas un export du registre RNCP.",
                file=self.name,
            )
        if len(dates) > 1:
            raise RegisterFormatError(
                "les fichiers de l'archive portent des dates différentes ("
                + ", ".join(sorted(dates))
                + ") : un export n'a qu'une date.",
                file=self.name,
            )
        year, month, day = (int(p) for p in dates.pop().split("_"))
        self.export_date = dt.date(year, month, day)

    def close(self) -> None:
        self.zip.close()

    def __enter__(self) -> "RegisterExportFile":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _rows(self, part: str, columns: tuple[str, ...]) -> Iterator[tuple[int, dict]]:
        """(line, row) of a part, streamed; the header must hold `columns`."""
        member = self.parts[part]
        file = member.rsplit("/", 1)[-1]
        with self.zip.open(member) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            reader = csv.reader(text, delimiter=";")
            try:
                header = [name.strip() for name in next(reader, [])]
                missing = [name for name in columns if name not in header]
                if missing:
                    raise RegisterFormatError(
                        "colonnes attendues absentes de l'en-tête : " + ", ".join(missing) + ".",
                        file=file,
                        line=1,
                    )
                index = [header.index(name) for name in columns]
                for row in reader:
                    if not any(cell.strip() for cell in row):
                        continue
                    if len(row) < len(header):
                        raise RegisterFormatError(
                            f"{len(row)} colonnes au lieu de {len(header)}.",
                            file=file,
                            line=reader.line_num,
                        )
                    yield (
                        reader.line_num,
                        {n: row[i].strip() for n, i in zip(columns, index, strict=True)},
                    )
            except UnicodeDecodeError:
                raise RegisterFormatError(
                    "le texte n'est pas en UTF-8 (encodage de l'export du registre).",
                    file=file,
                    line=reader.line_num + 1,
                ) from None
            except csv.Error as error:
                raise RegisterFormatError(
                    f"ligne CSV illisible ({error}).", file=file, line=reader.line_num
                ) from None

    def _code(self, value: str, *, file: str, line: int, column: str = "Numero_Fiche") -> str:
        if not FICHE_CODE.match(value):
            raise RegisterFormatError(
                f"la colonne {column} contient « {value} », un numéro de fiche (RNCP ou RS "
                "suivi de chiffres) est attendu.",
                file=file,
                line=line,
            )
        return value

    def fiches(self) -> Iterator[FicheRow]:
        file = self.parts[STANDARD].rsplit("/", 1)[-1]
        for line, row in self._rows(STANDARD, STANDARD_COLUMNS):
            level_label = row["Nomenclature_Europe_Niveau"]
            if level_label not in LEVELS and level_label not in NO_LEVEL:
                raise RegisterFormatError(
                    f"niveau « {level_label} » inconnu (NIV1 à NIV8 ou REPRISE attendu).",
                    file=file,
                    line=line,
                )
            if row["Actif"] not in ACTIVE:
                raise RegisterFormatError(
                    f"la colonne Actif contient « {row['Actif']} », ACTIVE ou INACTIVE attendu.",
                    file=file,
                    line=line,
                )
            if not row["Intitule"]:
                raise RegisterFormatError("la fiche n'a pas d'intitulé.", file=file, line=line)
            dates = {
                name: parse_date(row[column], column=column, file=file, line=line)
                for name, column in (
                    ("decision_date", "Date_Decision"),
                    ("effect_date", "Date_Effet"),
                    ("end_date", "Date_Fin_Enregistrement"),
                )
            }
            yield FicheRow(
                code=self._code(row["Numero_Fiche"], file=file, line=line),
                title=row["Intitule"],
                level=LEVELS.get(level_label),
                level_label=level_label,
                registration_type=row["Type_Enregistrement"],
                active=ACTIVE[row["Actif"]],
                **dates,
            )

    def routes(self) -> Iterator[tuple[str, str | None, str]]:
        """(fiche code, route code or None when the label is unknown, label)."""
        if ROUTES not in self.parts:
            return
        file = self.parts[ROUTES].rsplit("/", 1)[-1]
        for line, row in self._rows(ROUTES, ROUTE_COLUMNS):
            code = self._code(row["Numero_Fiche"], file=file, line=line)
            if row["Si_Jury"]:
                yield code, route_code(row["Si_Jury"]), row["Si_Jury"]

    def lineage(self) -> Iterator[tuple[str, str | None, str | None]]:
        """(fiche code, the fiche it replaces or None, the fiche replacing it or None)."""
        if LINEAGE not in self.parts:
            return
        file = self.parts[LINEAGE].rsplit("/", 1)[-1]
        for line, row in self._rows(LINEAGE, LINEAGE_COLUMNS):
            code = self._code(row["Numero_Fiche"], file=file, line=line)
            old, new = row["Ancienne_Certification"], row["Nouvelle_Certification"]
            for value, column in ((old, "Ancienne_Certification"), (new, "Nouvelle_Certification")):
                if value:
                    self._code(value, file=file, line=line, column=column)
            yield code, old or None, new or None
