"""The BOCC print reader on the real files 000 (Pro-A permanent staff) and 004 (a bulletin).

How the pinned counts were checked without the parser:
- texts in 004: `grep -c "^ *NOR" 004_*.txt` → 25, and 25 lines match
  "<Accord|Avenant|Protocole…> du <day> <month> <year>" alone on a line (no-break spaces
  turned into spaces first); each is followed by its NOR line.
- articles per text: after `sed` turns no-break/en/em spaces into spaces, awk counts, between
  one NOR line and the next, the lines matching `^ *Article +(1er|[0-9.]+) *(\\|…)?$`,
  `^ *(« *)?Annexe( +[IVXLC0-9]+)?( {2,}title)?$` and `^ *Préambule *$`; the one text with
  none of them (BTP, NOR ASET2450661M) has 4 `^ *Chapitre` lines. Sum: 205; less the headings
  that belong to what a text quotes (tests/accords/test_reading_right.py): « Annexe II in
  ASET2450653M; Article 8.4, 8.5 and 11 in ASET2450649M; and the quoted « Annexe I / « Annexe
  III that are the only headings of ASET2450663M and ASET2450660M, each read as one article
  « unique » instead. Sum: 201.
- 000: Préambule + articles 1er, 2, 3, 3.1, 3.2, 3.3, 4 to 13 → 17 (read line by line).

An avenant that reprints the articles it amends without opening each one with « (IDCC 3032,
NOR ASET2450649M: "Article 8.4", "Article 8.5", "Article 11") keeps only its own: Préambule and
articles 1er to 11, 12 in all (the reader follows the text's numbering, not its quotes, which
do not always close).
"""

from datetime import date

import pytest

from accords.importers import parse_file
from accords.importers.bocc import parse_bocc
from accords.importers.types import ImportParseError
from accords.models.registry import AccordKind
from tests.accords.conftest import BOCC_BULLETIN, PRO_A_PERMANENT

# (NOR, IDCC, kind, signature date, article count), in the order of the bulletin.
BULLETIN_TEXTS = [
    ("ASET2450657M", "184", "accord_paritaire", date(2024, 6, 24), 4),
    ("ASET2450658M", "184", "accord", date(2024, 6, 24), 16),
    ("ASET2450653M", "478", "accord", date(2024, 6, 28), 2),
    ("ASET2450646M", "500", "avenant", date(2024, 6, 10), 5),
    ("ASET2450647M", "500", "avenant", date(2024, 6, 10), 5),
    ("ASET2450656M", "843", "avenant", date(2024, 6, 20), 5),
    ("ASET2450611M", "897", "accord", date(2024, 5, 23), 8),
    ("ASET2450662M", "993", "protocole", date(2024, 6, 28), 29),
    ("ASET2450663M", "993", "protocole", date(2024, 6, 28), 1),
    ("ASET2450660M", "993", "avenant", date(2024, 6, 28), 1),
    ("ASET2450650M", "1431", "accord", date(2024, 5, 16), 32),
    ("ASET2450648M", "1512", "accord", date(2024, 6, 24), 9),
    ("ASET2450655M", "1517", "avenant", date(2024, 6, 4), 9),
    ("ASET2450659M", "1555", "avenant", date(2024, 5, 15), 2),
    ("ASET2450651M", "1801", "accord", date(2023, 10, 12), 7),
    ("ASET2450639M", "1875", "avenant", date(2024, 1, 16), 6),
    ("ASET2450640M", "1875", "avenant", date(2024, 3, 7), 5),
    ("ASET2450608M", "2128", "accord", date(2024, 6, 11), 14),
    ("ASET2450666M", "2247", "avenant", date(2024, 6, 27), 4),
    ("ASET2450630M", "2494", "accord_substitution", date(2024, 5, 16), 6),
    ("ASET2450631M", "2494", "accord", date(2024, 5, 16), 11),
    ("ASET2450649M", "3032", "avenant", date(2024, 6, 6), 12),
    ("ASET2450661M", "", "avenant", date(2024, 6, 5), 4),  # BTP: the print gives no IDCC
    ("AGRS2497084M", "7013", "avenant", date(2024, 2, 22), 2),
    ("AGRS2497085M", "8435", "avenant", date(2024, 3, 13), 2),
]
BULLETIN_ARTICLES = 201
FURNITURE = ("Brochure n°", "IDCC :", "BOCC 2024", "MINISTÈRE DU TRAVAIL", "\ufffd")


@pytest.fixture(scope="module")
def bulletin():
    from tests.accords.conftest import source_path

    return parse_file(source_path(BOCC_BULLETIN))


@pytest.fixture(scope="module")
def permanent_staff():
    from tests.accords.conftest import source_path

    (accord,) = parse_file(source_path(PRO_A_PERMANENT))
    return accord


def test_the_bulletin_holds_25_texts(bulletin):
    assert len(bulletin) == 25


def test_each_bulletin_text_has_its_nor_idcc_kind_date_and_article_count(bulletin):
    read = [(t.nor, t.idcc, t.kind, t.signature_date, len(t.articles)) for t in bulletin]
    assert read == BULLETIN_TEXTS
    assert sum(len(t.articles) for t in bulletin) == BULLETIN_ARTICLES


def test_every_kind_read_is_a_registry_kind(bulletin):
    assert {t.kind for t in bulletin} <= set(AccordKind.values)


def test_spot_checked_titles_and_brochures(bulletin):
    first, _, _, _, _, bakery = bulletin[:6]
    assert first.title == (
        "Accord paritaire du 24 juin 2024 relatif à la fixation du salaire minimum "
        "des groupes IV A et IV B"
    )
    assert first.brochure == "3138"
    assert bakery.title == (
        "Avenant n° 59 du 20 juin 2024 relatif aux salaires au 1er juillet 2024 (Île-de-France)"
    )
    training = bulletin[7]
    assert training.title.startswith(
        "Protocole d’accord du 28 juin 2024 relatif à la formation professionnelle"
    )
    assert training.articles[1].title == (
        "Instances paritaires de pilotage et de déploiement de la formation professionnelle"
    )  # printed "pro-" / "fessionnelle"
    assert [a.number for a in training.articles[-3:]] == ["Annexe 1", "Annexe 2", "Annexe 3"]
    assert bulletin[12].brochure == "3251"  # running head continued over bracketed lines
    assert bulletin[-1].brochure == ""  # "Convention collective" head, no brochure number


def test_articles_keep_their_printed_numbers_and_titles(bulletin):
    first = bulletin[0]
    assert [a.number for a in first.articles] == ["1er", "2", "3", "4"]
    assert first.articles[0].title == (
        "Fixation du salaire minimum du groupe IV A et du groupe IV B"
    )
    # A title broken over two lines is read whole.
    assert first.articles[1].title == (
        "Absence de dispositions spécifiques aux entreprises de moins de 50 salariés"
    )
    assert "2 074 €" in first.articles[0].text
    classification = bulletin[1]
    assert [a.number for a in classification.articles[-3:]] == [
        "Annexe I",
        "Annexe II",
        "Annexe III",
    ]
    assert classification.articles[-3].title == "Définition des critères"


def test_a_text_without_articles_is_cut_at_its_chapters(bulletin):
    btp = bulletin[22]
    assert [a.number for a in btp.articles] == [
        "Chapitre 1er",
        "Chapitre 2",
        "Chapitre 3",
        "Chapitre 4",
    ]
    assert "6,56 €" in btp.articles[0].text


def test_signatories_are_listed(bulletin):
    first = bulletin[0]
    assert first.employer_signatories == ["GMI", "UNIIC"]
    assert first.union_signatories == [
        "FILPAC CGT",
        "FC CFTC",
        "F3C CFDT",
        "CGT FO livre",
        "IP CFE-CGC",
    ]


def test_no_page_furniture_leaks_into_titles_or_articles(bulletin, permanent_staff):
    for text in [*bulletin, permanent_staff]:
        for fragment in FURNITURE:
            assert fragment not in text.title
            for article in text.articles:
                assert fragment not in article.title, (text.nor, article.number)
                assert fragment not in article.text, (text.nor, article.number)


def test_branch_names_of_the_running_heads_stay_out_of_the_previous_text(bulletin):
    # 004 prints "DE LA MERCERIE, DE LA CHAUSSURE ET DU JOUET" under the IDCC 500 head.
    assert "DU JOUET" not in bulletin[2].articles[-1].text
    assert "BÂTIMENT ET TRAVAUX PUBLICS" not in bulletin[21].articles[-1].text


def test_words_broken_at_line_ends_are_rejoined(bulletin):
    classification = bulletin[0]
    assert "17 septembre 2001" in classification.source_text
    joined = "\n".join(a.text for t in bulletin for a in t.articles)
    assert "sep-tembre" not in joined
    assert "sep-\ntembre" not in joined
    # A compound printed with its hyphen at a line end keeps it.
    assert (
        "décès-incapacité-invalidité – maladie-chirurgie-maternité"
        in bulletin[13].articles[-1].title
    )


def test_the_permanent_staff_pro_a_accord(permanent_staff):
    accord = permanent_staff
    assert accord.kind == "accord"
    assert accord.idcc == "1413"
    assert accord.nor == "ASET2150379M"
    assert accord.signature_date == date(2021, 3, 26)
    assert accord.title == (
        "Accord du 26 mars 2021 relatif à la période de reconversion ou de promotion par "
        "alternance dite « Pro-A » pour les salariés permanents"
    )
    numbers = [a.number for a in accord.articles]
    assert numbers == ["Préambule", "1er", "2", "3", "3.1", "3.2", "3.3", *map(str, range(4, 14))]
    assert len(numbers) == 17
    by_number = {a.number: a for a in accord.articles}
    assert by_number["2"].title == "Publics bénéficiaires"  # split "fi" ligature rejoined
    assert "15 % et 25 %" in by_number["4"].text
    assert "17 € de l’heure" in " ".join(by_number["6"].text.split())
    assert "septembre" not in by_number["1er"].text
    assert "qualifications des salariés" in " ".join(by_number["1er"].text.split())
    assert accord.employer_signatories == ["Prism’emploi"]
    assert len(accord.union_signatories) == 6


def test_a_text_without_any_heading_is_refused_naming_its_line():
    text = "Titre\n\nAccord du 3 mars 2024\nrelatif à rien\n\nNOR : ASET2450000M\n\nDu texte.\n"
    with pytest.raises(ImportParseError) as error:
        parse_bocc(text)
    assert error.value.line == 3
    assert "texte sans article" in str(error.value)
    assert str(error.value).startswith("ligne 3 : ")
