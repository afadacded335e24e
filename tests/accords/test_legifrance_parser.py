"""The Légifrance reader on 001 (Pro-A for temp workers on a CDI intérimaire) and its annex.

How the pinned counts were checked without the parser (annex = lines 313 to the end):
- entries: `grep -cE "RNCP[0-9]+ \\((niveau [0-9]|sans niveau)\\)"` → 221 (one per line).
- distinct codes: `grep -oE "RNCP[0-9]+ \\(" | sort -u | wc -l` → 197; no code has two levels.
- excluded: lines ending "(niveau n) (1)" → 24; the same 24 lines carry "(1)" before the code.
- levels: `grep -oE "\\((niveau [0-9]|sans niveau)\\)" | sort | uniq -c` → 3: 81, 4: 52, 5: 37,
  6: 19, 7: 7, none: 25.
- per sector: awk sets the sector on the five lines that start with four glued cells
  ("Logistique/ transportLogistique…", "IndustrieMachines…", "BTPFibre…",
  "Environnement/ énergieÉnergie…", "TertiaireRestauration…") and counts code lines.
- articles: `grep -c "• Article"` → 15 (preamble, 1er … 8, 10, 11 — the page has no 9 — annex).
"""

from collections import Counter
from datetime import date

import pytest

from accords.importers import parse_file
from accords.importers.annex import split_cells
from accords.importers.types import ImportParseError
from accords.selectors import list_summary
from tests.accords.conftest import PRO_A_TEMP


@pytest.fixture(scope="module")
def temp_workers():
    from tests.accords.conftest import source_path

    (accord,) = parse_file(source_path(PRO_A_TEMP))
    return accord


def entry(accord, code):
    return next(e for e in accord.certification_entries if e.rncp_code == code)


def test_metadata_and_extension_dates(temp_workers):
    accord = temp_workers
    assert accord.kind == "accord"
    assert accord.signature_date == date(2021, 1, 22)
    assert accord.title.startswith("Accord du 22 janvier 2021 relatif à la période de reconversion")
    assert accord.title.endswith("pour les salariés intérimaires en contrat à durée indéterminée")
    assert accord.idcc == ""  # the page leaves the IDCC field empty
    assert accord.nor == ""
    assert accord.extension_order_date == date(2021, 4, 29)
    assert accord.jorf_date == date(2021, 5, 11)
    # Art. 8: in force the day after the JORF publication of the extension order.
    assert accord.in_force_from == date(2021, 5, 12)
    assert accord.employer_signatories == ["Prism'emploi"]
    assert accord.union_signatories == [
        "FO",
        "FNECS CFE-CGC",
        "FS CFDT",
        "FCS UNSA",
        "CGT intérim",
        "CFTC intérim",
    ]


def test_articles(temp_workers):
    numbers = [a.number for a in temp_workers.articles]
    assert numbers == [
        "Préambule",
        "1er",
        "2",
        "3",
        "3.1",
        "3.2",
        "3.3",
        "4",
        "5",
        "6",
        "7",
        "8",
        "10",
        "11",
        "Annexe",
    ]
    by_number = {a.number: a for a in temp_workers.articles}
    assert by_number["4"].title == "Durée de la « Pro-A »"
    assert "jusqu'à 36 mois" in by_number["4"].text
    assert "En vigueur étendu" not in by_number["4"].text
    assert by_number["Annexe"].title == (
        "Liste des certifications éligibles à la « Pro-A » pour les salariés intérimaires en CDI"
    )


def test_annex_counts(temp_workers):
    summary = list_summary(temp_workers.certification_entries)
    assert summary.entries == 221
    assert summary.distinct_codes == 197
    assert summary.excluded == 24
    assert summary.per_sector == {
        "Logistique/ transport": 21,
        "Industrie": 91,
        "BTP": 38,
        "Environnement/ énergie": 1,
        "Tertiaire": 70,
    }
    levels = Counter(e.level for e in temp_workers.certification_entries)
    assert levels == {3: 81, 4: 52, 5: 37, 6: 19, 7: 7, None: 25}


def test_first_entry_has_all_four_cells(temp_workers):
    first = temp_workers.certification_entries[0]
    assert (first.sector, first.sub_sector, first.job) == (
        "Logistique/ transport",
        "Logistique",
        "Préparateur de commandes",
    )
    assert first.title == "TP préparateur de commandes en entrepôt"
    assert (first.rncp_code, first.level, first.excluded_from_extension) == ("RNCP34860", 3, False)


def test_merged_cells_are_carried_down(temp_workers):
    cap = entry(temp_workers, "RNCP22689")
    assert (cap.sector, cap.sub_sector, cap.job) == (
        "Logistique/ transport",
        "Logistique",
        "Préparateur de commandes",
    )
    # A line with only a code repeats the certification title of the row above.
    repeated = temp_workers.certification_entries[10]
    assert repeated.rncp_code == "RNCP17989"
    assert repeated.title == "TP technicien supérieur en méthodes et exploitation logistique"
    assert repeated.job == "Responsable logistique"


def test_a_cell_broken_over_lines_is_read_whole(temp_workers):
    line = entry(temp_workers, "RNCP29213")
    assert (line.sector, line.sub_sector) == ("Industrie", "Machines")
    assert line.job == "Conducteur de machines/ conducteur ou pilote de lignes"
    assert line.title == "CQP conducteur de ligne du secteur alimentaire"
    assert line.level == 4


def test_a_job_ending_in_capitals_is_cut_before_the_title(temp_workers):
    van = entry(temp_workers, "RNCP34150")
    assert (van.sub_sector, van.job) == ("Transport", "Chauffeur VL")
    assert van.title == "TP conducteur livreur sur véhicule utilitaire léger"
    data = entry(temp_workers, "RNCP34545")
    assert (data.sector, data.sub_sector) == ("Tertiaire", "Numérique")
    assert data.job == "DATA Scientist/ chef de projet DATA"
    assert (data.title, data.level) == ("DATA scientist", 7)


def test_excluded_entries_are_flagged_and_cleaned(temp_workers):
    excluded = entry(temp_workers, "RNCP4018")
    assert excluded.excluded_from_extension
    assert excluded.title == "Opérateur de production en électronique"
    assert excluded.job == "Opérateur de production"
    assert not entry(temp_workers, "RNCP11889").excluded_from_extension
    nurse = entry(temp_workers, "RNCP8940")
    assert (nurse.sector, nurse.sub_sector, nurse.job, nurse.level) == (
        "Tertiaire",
        "Médical",
        "Infirmier",
        6,
    )
    assert entry(temp_workers, "RNCP25600").level is None  # "sans niveau"


def test_split_cells():
    assert split_cells("Logistique/ transportLogistiquePréparateur de commandesTP préparateur") == [
        "Logistique/ transport",
        "Logistique",
        "Préparateur de commandes",
        "TP préparateur",
    ]
    assert split_cells("Maçon TPTP constructeur") == ["Maçon TP", "TP constructeur"]
    assert split_cells("Animateur QHSELicence pro qualité") == [
        "Animateur QHSE",
        "Licence pro qualité",
    ]


def test_a_table_row_with_too_many_cells_names_its_line(tmp_path):
    text = (
        "Accord du 22 janvier 2021 relatif à un essai\n\n"
        "  • Article 1er\n\n    En vigueur étendu\n\n    Objet\n\n    Texte.\n\n"
        "    • Article\n\n      En vigueur étendu\n\n      Annexe\n      Liste\n\n"
        "      SecteurSous-filièreMétier identifiéDiplômeCode RNCP\n"
        "      UnDeuxTroisQuatreCinqRNCP34860 (niveau 3)\n"
    )
    path = tmp_path / "essai.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportParseError) as error:
        parse_file(path)
    assert error.value.line == 19  # the "UnDeux…" line
    assert "5 cellules" in str(error.value)
