"""Downloads: an XLSX workbook (one sheet per table) and a CSV per table, headings in French."""

import csv
import io
import re

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from reports.privacy import LEGEND, SECRET, THRESHOLD
from reports.tables import COUNT, HOURS, MONEY, NUMBER, RATE

NUMBER_FORMATS = {
    COUNT: "# ##0",
    NUMBER: "# ##0",
    HOURS: "# ##0.00",
    MONEY: '# ##0.00" €"',
    RATE: '0.0" %"',
}
DEFINITIONS = [
    (
        "Périmètre des chiffres",
        "Cohorte : dossiers dont le contrat débute dans la période "
        "(CPNE) ; missions débutant dans le semestre (Mission jeunes).",
    ),
    (
        "Confidentialité",
        f"Aucun nom ni NIR. Secret statistique : toute cellule comptant de 1 à {THRESHOLD - 1} "
        f"personnes hors de l'agence du lecteur, et toute donnée de santé (AT/MP, CAR) de moins "
        f"de {THRESHOLD} personnes, est masquée ; d'autres cellules sont masquées pour qu'on ne "
        "puisse pas la retrouver par différence (totaux, autre tableau). AT/MP : total "
        "seulement. Accord-cadre Mission jeunes du 4 février 2025, art. 4.",
    ),
    *[(f"« {mark} »", meaning[0].upper() + meaning[1:] + ".") for mark, meaning in LEGEND.items()],
    ("Âge", "Années révolues au début du contrat (ou de la mission)."),
    (
        "Taux à renseigner",
        "Aucun forfait horaire connu pour ce dispositif et cette date : aucun "
        "montant n'est calculé : un administrateur le saisit dans « Taux de financement ».",
    ),
    (
        "Suivi CPNE",
        "Accords Pro-A du 26 mars 2021 et du 22 janvier 2021, art. 10–11 (suivi), art. 6 "
        "(revue du forfait Pro-A).",
    ),
    (
        "Mission jeunes",
        "Accord-cadre Mission jeunes du 4 février 2025, art. 2.1 (tableau de suivi semestriel) "
        "et art. 3 (entrées en CIPI/CDPI).",
    ),
    (
        "Obligations de missions",
        "003 fiches CIPI (missions pendant le contrat), CDPI et CAR (missions dans les "
        "mois suivant la formation) ; seuils lus dans les jeux de règles ; une mission à "
        "cheval sur une limite compte au prorata de ses jours calendaires dans la période.",
    ),
    (
        "Dépôts AKTO",
        "Fiches FPE.TT « NOM DE CODE » ; Code du travail D.6325-1, D.6224-1, D.6332-89 ; "
        "échéances calculées par le moteur de "
        "règles ; dans le délai : respectée ; en retard : respectée en retard ou dépassée.",
    ),
]


# Each table's sheet, named whole within Excel's 31 characters.
SHEET_NAMES = {
    "dossiers_dispositif": "Dossiers par dispositif",
    "dossiers_etat": "Dossiers par état",
    "dossiers_mois": "Dossiers par mois",
    "heures_financements": "Heures et financements",
    "depots_akto": "Dépôts AKTO dans les délais",
    "delais_depot": "Délais de dépôt AKTO",
    "obligations_missions": "Obligations de missions",
    "publics": "Publics",
    "certifications_top": "Certifications les plus visées",
    "certifications_secteur": "Certifications par secteur",
    "certifications_niveau": "Certifications par niveau",
    "pro_a_forfait": "Revue du forfait Pro-A",
    "mission_jeunes": "Mission jeunes",
}
SHEET_LIMIT = 31  # Excel's limit on a sheet's name


def _sheet_name(title: str, used: set[str], key: str = "") -> str:
    name = SHEET_NAMES.get(key) or re.sub(r"[\[\]\*\?/\\:]", " ", title)[:28].strip()
    base, n = name, 2
    while name in used:
        name, n = f"{base[:25]} {n}", n + 1
    used.add(name)
    return name


def _append(ws, values) -> None:
    """A row, without the control characters a workbook cannot hold (a region or company
    name typed in the query string may carry them: openpyxl would raise, a 500)."""
    ws.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values])


def workbook_bytes(report: dict) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for tbl in report["tables"]:
        ws = wb.create_sheet(_sheet_name(tbl["title"], used, tbl["key"]))
        columns = tbl["columns"]
        _append(ws, [c["label"] for c in columns])
        for cell in ws[1]:
            cell.font, cell.fill = bold, fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in tbl["rows"]:
            _append(ws, [row.get(c["key"]) for c in columns])
        if tbl.get("totals"):
            _append(ws, [tbl["totals"].get(c["key"]) for c in columns])
            for cell in ws[ws.max_row]:
                cell.font = bold
        for index, column in enumerate(columns, start=1):
            letter = get_column_letter(index)
            ws.column_dimensions[letter].width = 16 if index > 1 else 34
            fmt = NUMBER_FORMATS.get(column["kind"])
            if fmt:
                for cell in ws[letter][1:]:
                    if isinstance(cell.value, int | float):
                        cell.number_format = fmt
        ws.freeze_panes = "A2"
        _append(ws, [])
        _append(ws, [f"Source : {tbl['source']}"])
        if tbl.get("definition"):
            _append(ws, [f"Définition : {tbl['definition']}"])
        if _has_hidden(tbl):
            _append(ws, [legend()])
    _sources_sheet(wb, report)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def legend() -> str:
    return "Signes : " + " ; ".join(f"« {mark} » : {text}" for mark, text in LEGEND.items())


def _has_hidden(tbl: dict) -> bool:
    rows = [*tbl["rows"], *([tbl["totals"]] if tbl.get("totals") else [])]
    return any(value == SECRET for row in rows for value in row.values())


def _sources_sheet(wb: Workbook, report: dict) -> None:
    ws = wb.create_sheet("Sources et définitions")
    _append(ws, ["Élément", "Source ou définition"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    _append(ws, ["Rapport", report["title"]])
    _append(ws, ["Période", report["period"]["label"]])
    _append(ws, ["Périmètre", report["scope"]["label"]])
    _append(ws, ["Produit le", report["generated_label"]])
    if report["privacy"].get("note"):
        _append(ws, ["Confidentialité de ce rapport", report["privacy"]["note"]])
    for label, text in DEFINITIONS:
        _append(ws, [label, text])
    for tbl in report["tables"]:
        _append(ws, [tbl["title"], f"{tbl['source']}. {tbl.get('definition') or ''}".strip()])
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 120


def table_by_key(report: dict, key: str) -> dict | None:
    return next((t for t in report["tables"] if t["key"] == key), None)


def csv_bytes(tbl: dict) -> bytes:
    """One table as CSV for a French spreadsheet: `;` separated, UTF-8 with BOM."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    columns = tbl["columns"]
    writer.writerow([c["label"] for c in columns])
    rows = list(tbl["rows"]) + ([tbl["totals"]] if tbl.get("totals") else [])
    for row in rows:
        writer.writerow([_csv_value(row.get(c["key"])) for c in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    return value
