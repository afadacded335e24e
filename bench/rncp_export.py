"""Write exports of the RNCP register in France Compétences' format (samples and benchmarks).

`write_export` writes the fiches it is given; `generated_fiches(n)` makes n plausible ones
(levels, dates, active or not, access routes, one successor in fifty). The zip holds the three
parts the importer reads, UTF-8 with a byte-order mark, `;`-separated, dates dd/mm/yyyy.

    python -m bench.rncp_export 50000 /tmp/export-fiches-csv-2026-11-02.zip
"""

import csv
import datetime as dt
import io
import sys
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

STANDARD_HEADER = [
    "Id_Fiche",
    "Numero_Fiche",
    "Intitule",
    "Abrege_Libelle",
    "Abrege_Intitule",
    "Nomenclature_Europe_Niveau",
    "Nomenclature_Europe_Intitule",
    "Accessible_Nouvelle_Caledonie",
    "Accessible_Polynesie_Francaise",
    "Date_dernier_jo",
    "Date_Decision",
    "Date_Fin_Enregistrement",
    "Date_Effet",
    "Type_Enregistrement",
    "Validation_Partielle",
    "Actif",
]
APPRENTICESHIP = "En contrat d’apprentissage"
PROFESSIONALISATION = "En contrat de professionnalisation"
EXPERIENCE = "Par expérience"
CONTINUING = "Après un parcours de formation continue"


@dataclass
class Fiche:
    code: str
    title: str
    level: str = "NIV3"
    decision: dt.date | None = dt.date(2020, 1, 1)
    effect: dt.date | None = dt.date(2020, 1, 1)
    end: dt.date | None = dt.date(2030, 12, 31)
    active: bool = True
    kind: str = "Enregistrement sur demande"
    routes: list[str] = field(default_factory=lambda: [PROFESSIONALISATION, APPRENTICESHIP])
    replaced_by: list[str] = field(default_factory=list)


def _date(value: dt.date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def _csv(rows: Iterable[list[str]]) -> Iterator[bytes]:
    """The rows as UTF-8 CSV with a byte-order mark, a few hundred rows per piece."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    buffer.write("\ufeff")
    for count, row in enumerate(rows, start=1):
        writer.writerow(row)
        if count % 500 == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def _member(archive: zipfile.ZipFile, name: str, rows: Iterable[list[str]]) -> None:
    with archive.open(name, "w", force_zip64=True) as out:
        for piece in _csv(rows):
            out.write(piece)


def write_export(path: Path | str, fiches, *, export_date: dt.date) -> Path:
    """Write `fiches` (an iterable that may be called three times: a list or a factory)."""
    path = Path(path)
    stamp = f"{export_date:%Y_%m_%d}"
    rows = fiches if callable(fiches) else (lambda: list(fiches))
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _member(
            archive,
            f"export_fiches_CSV_Standard_{stamp}.csv",
            _standard_rows(rows),
        )
        _member(
            archive,
            f"export_fiches_CSV_VoixdAccès_{stamp}.csv",
            _prefixed(["Numero_Fiche", "Si_Jury"], ([f.code, r] for f in rows() for r in f.routes)),
        )
        _member(
            archive,
            f"export_fiches_CSV_Ancienne_Nouvelle_Certification_{stamp}.csv",
            _prefixed(
                ["Numero_Fiche", "Ancienne_Certification", "Nouvelle_Certification"],
                ([f.code, "", new] for f in rows() for new in f.replaced_by),
            ),
        )
    return path


def _prefixed(header: list[str], rows: Iterable[list[str]]) -> Iterator[list[str]]:
    yield header
    yield from rows


def _standard_rows(rows) -> Iterator[list[str]]:
    yield STANDARD_HEADER
    for i, f in enumerate(rows(), start=1):
        yield [
            str(i),
            f.code,
            f.title,
            "",
            "",
            f.level,
            "",
            "Non",
            "Non",
            "",
            _date(f.decision),
            _date(f.end),
            _date(f.effect),
            f.kind,
            "Non",
            "ACTIVE" if f.active else "INACTIVE",
        ]


LEVEL_CYCLE = ["NIV3", "NIV4", "NIV5", "NIV6", "NIV7", "NIV8", "REPRISE"]
ROUTE_CYCLE = [
    [PROFESSIONALISATION, APPRENTICESHIP, EXPERIENCE],
    [APPRENTICESHIP, EXPERIENCE],
    [PROFESSIONALISATION, CONTINUING],
    [EXPERIENCE],
]


def generated_fiches(count: int, *, first: int = 100000) -> Iterator[Fiche]:
    """`count` fiches RNCP<first>… : every seventh inactive, one in fifty replaced."""
    for i in range(count):
        code = f"RNCP{first + i}"
        year = 2015 + i % 10
        inactive = i % 7 == 0
        yield Fiche(
            code=code,
            title=f"Titre professionnel généré n° {i} — métier {i % 997}",
            level=LEVEL_CYCLE[i % len(LEVEL_CYCLE)],
            decision=dt.date(year, 1 + i % 12, 1 + i % 28),
            effect=dt.date(year, 1 + i % 12, 1 + i % 28),
            end=dt.date(year + (3 if inactive else 12), 12, 31),
            active=not inactive,
            routes=ROUTE_CYCLE[i % len(ROUTE_CYCLE)],
            replaced_by=[f"RNCP{first + i + 1}"] if i % 50 == 49 and i + 1 < count else [],
        )


def write_generated(path: Path | str, count: int, *, export_date: dt.date) -> Path:
    return write_export(path, lambda: generated_fiches(count), export_date=export_date)


# The hand-made sample (fixtures/rncp/): fiches of the 001 list, one per case the rules meet.
SAMPLE_DATE = dt.date(2026, 11, 2)
SAMPLE = [
    Fiche(
        "RNCP34860",
        "Préparateur de commandes en entrepôt",
        "NIV3",
        dt.date(2020, 7, 8),
        dt.date(2020, 9, 1),
        dt.date(2030, 9, 1),
    ),
    # Inactive, replaced by RNCP34857.
    Fiche(
        "RNCP1852",
        "Agent magasinier",
        "NIV3",
        dt.date(2015, 3, 2),
        dt.date(2015, 3, 2),
        dt.date(2020, 8, 31),
        active=False,
        routes=[PROFESSIONALISATION, EXPERIENCE],
        replaced_by=["RNCP34857"],
    ),
    Fiche(
        "RNCP34857",
        "Cariste d'entrepôt",
        "NIV3",
        dt.date(2020, 7, 8),
        dt.date(2020, 9, 1),
        dt.date(2030, 9, 1),
    ),
    # Open to apprenticeship and experience only (no professionalisation route).
    Fiche(
        "RNCP1120",
        "Baccalauréat professionnel logistique",
        "NIV4",
        dt.date(2019, 1, 10),
        dt.date(2019, 1, 10),
        None,
        kind="Enregistrement de droit",
        routes=[
            "Après un parcours de formation sous statut d’élève ou d’étudiant",
            APPRENTICESHIP,
            EXPERIENCE,
        ],
    ),
    # Open to professionalisation only; its level differs from the 001 list (niveau 4 there).
    Fiche(
        "RNCP1899",
        "Technicien en logistique d'entreposage",
        "NIV5",
        dt.date(2018, 5, 4),
        dt.date(2018, 5, 4),
        dt.date(2026, 12, 31),
        routes=["En contrat de professionnalisation", CONTINUING],
    ),
    # A CQP without level, listed « sans niveau » in 001.
    Fiche(
        "RNCP25600",
        "CQP animateur d'équipe en logistique",
        "REPRISE",
        dt.date(2016, 1, 1),
        dt.date(2016, 1, 1),
        dt.date(2027, 1, 1),
        routes=[PROFESSIONALISATION],
    ),
    # Registered in the future (effect after the decision).
    Fiche(
        "RNCP40001",
        "Conducteur de ligne automatisée",
        "NIV4",
        dt.date(2026, 10, 1),
        dt.date(2027, 1, 1),
        dt.date(2031, 12, 31),
    ),
    # A fiche of the specific register (RS): not an RNCP certification, left out.
    Fiche(
        "RS5080",
        "Certificat CléA",
        "",
        dt.date(2019, 1, 1),
        dt.date(2019, 1, 1),
        dt.date(2029, 1, 1),
        routes=[EXPERIENCE],
    ),
]


if __name__ == "__main__":
    if sys.argv[1] == "sample":
        target = sys.argv[2]
        write_export(target, SAMPLE, export_date=SAMPLE_DATE)
        print(f"{target} : {len(SAMPLE)} fiches")
    else:
        total, target = int(sys.argv[1]), sys.argv[2]
        write_generated(target, total, export_date=SAMPLE_DATE)
        print(f"{target} : {total} fiches")
