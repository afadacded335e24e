"""Every text of `004` (a BOCC bulletin) and `000` (Pro-A, permanent staff) read right (issue 18):
the articles found are the text's own, not those an amending text quotes (« l'article 11 est
ainsi rédigé : Article 11 … »), and no heading is an annex quoted or mentioned in a sentence.

Checked on each text from the shape of what the reader returns, not from pinned lists:
- own articles follow one another (1er, 2, 3, 3.1, 4…); the numbering may start again at
  1er (a new title, or a text printed in an annex), never go back elsewhere;
- no heading comes right after an introduction to a quotation (a text ending with
  « … ainsi rédigé : », « … comme suit : », « … sont les suivantes : »);
- a text whose only heading is quoted (it announces an annex and prints it) is one article.
"""

import re

import pytest

from accords.importers import parse_file
from accords.importers.bocc import parse_bocc
from tests.accords.conftest import BOCC_BULLETIN, PRO_A_PERMANENT, source_path

# « … ainsi rédigé : », « … remplacé par les dispositions suivantes : », « … comme suit : »,
# « … sont les suivantes : » — not « conviennent des stipulations suivantes : », which opens
# the text's own articles.
QUOTATION_INTRO = re.compile(
    r"(rédigée?s?|remplacée?s?|modifiée?s?|libellée?s?|comme suit|sont les suivantes)"
    r"(\s+\S+){0,4}\s*:$"
)


def _texts():
    found = []
    for name in (BOCC_BULLETIN, PRO_A_PERMANENT):
        found += [pytest.param(text, id=text.nor) for text in parse_file(source_path(name))]
    return found


TEXTS = _texts()


def article_key(number: str) -> tuple | None:
    """(3, 1) for « 3.1 »; 1er, premier, unique are (1,); None for anything else."""
    if number in ("1er", "premier", "unique"):
        return (1,)
    match = re.fullmatch(r"(\d+(?:\.\d+)*)(?:\s(bis|ter))?", number)
    if not match:
        return None
    key = tuple(int(part) for part in match.group(1).split("."))
    return (*key, {"bis": 0.1, "ter": 0.2}[match.group(2)]) if match.group(2) else key


@pytest.mark.parametrize("text", TEXTS)
def test_the_articles_found_are_the_texts_own(text):
    previous = None
    for article in text.articles:
        if not article.number[0].isdigit() and article_key(article.number) is None:
            previous = None  # a preamble, an annex or a chapter: what follows may start again
            continue
        key = article_key(article.number)
        if key is None:
            continue
        assert previous is None or key > previous or key == (1,), (
            f"{text.nor}: article {article.number} after {previous}: "
            f"{[a.number for a in text.articles]}"
        )
        previous = key


@pytest.mark.parametrize("text", TEXTS)
def test_no_heading_follows_the_introduction_of_a_quotation(text):
    for before, article in zip(text.articles, text.articles[1:], strict=False):
        assert not QUOTATION_INTRO.search(before.text.strip()), (
            f"{text.nor}: « {article.number} » is quoted by {before.number}: "
            f"« …{before.text.strip()[-60:]} »"
        )


@pytest.mark.parametrize("text", TEXTS)
def test_a_text_that_only_quotes_an_annex_keeps_its_words(text):
    """Two avenants of the bulletin (IDCC 993) only announce « une actualisation de l'annexe … »
    and print the new annex in quotes: the text is one article holding both."""
    if not text.articles or text.articles[0].number != "unique":
        return
    (article,) = text.articles
    assert "Une actualisation de l’annexe" in article.text
    assert "« Annexe" in article.text


def test_the_two_texts_that_only_quote_an_annex_are_read_as_one_article():
    texts = {text.values[0].nor: text.values[0] for text in TEXTS}
    for nor in ("ASET2450663M", "ASET2450660M"):
        assert [a.number for a in texts[nor].articles] == ["unique"], nor


# --- The shape of the text, on small samples ---------------------------------------------------

HEAD = "Avenant n° 3 du 6 juin 2024\nNOR : ASET2450000M\n\nil est convenu ce qui suit :\n\n"


def numbers(body: str) -> list[str]:
    (text,) = parse_bocc(HEAD + body)
    return [a.number for a in text.articles]


def test_an_article_quoted_after_ainsi_redige_belongs_to_the_amendment():
    body = (
        "Article 1er  |  Objet\nL'article 11 de l'accord est ainsi rédigé :\n\n"
        "Article 11  |  Suspension\nLe bénéfice des garanties est suspendu.\n\n"
        "Article 2  |  Date d'effet\nLe présent avenant s'applique le 1er juillet 2024.\n"
    )
    assert numbers(body) == ["1er", "2"]


def test_articles_replaced_by_the_following_provisions_stay_quoted_until_the_next_own_one():
    body = (
        "Article 1er\nLes articles 8.4 et 8.5 sont remplacés par les dispositions suivantes :\n"
        "Article 8.4  |  Régimes optionnels\nTexte.\nArticle 8.5\nTexte.\n"
        "Article 1er\nUn article 1er cité une seconde fois.\n"
        "Article 2\nDépôt.\nArticle 3\nExtension.\n"
    )
    assert numbers(body) == ["1er", "2", "3"]


def test_a_heading_inside_quotes_is_the_amendments():
    body = (
        "Article 1er\nL'annexe II est modifiée.\n\n« Annexe II\nFrais d'hébergement. »\n\n"
        "Article 2\nDurée indéterminée.\n"
    )
    assert numbers(body) == ["1er", "2"]


def test_an_annex_named_inside_a_sentence_is_not_a_heading():
    body = (
        "Article 1er\nLes certifications retenues sont celles de la liste figurant en\n"
        "Annexe II\ndu présent accord.\nArticle 2\nDépôt.\n\nAnnexe II  Liste\nCAP.\n"
    )
    assert numbers(body) == ["1er", "2", "Annexe II"]


def test_a_text_whose_only_heading_is_quoted_is_one_article():
    body = (
        "Une actualisation de l'annexe I interviendra à la parution de l'arrêté.\n\n"
        "« Annexe I\n\nPersonnels de service.\n"
    )
    (text,) = parse_bocc(HEAD + body)
    (article,) = text.articles
    assert article.number == "unique"
    assert "Une actualisation de l'annexe I" in article.text
    assert "Personnels de service" in article.text


def test_the_texts_own_sequence_may_start_again_under_a_new_title():
    body = (
        "Titre Ier  Cadre\nArticle 1er  |  Champ\nTexte.\nArticle 2  |  Objet\nTexte.\n"
        "Titre II  Recrutement\nArticle 1er  |  Recrutements\nTexte.\n"
    )
    assert numbers(body) == ["1er", "2", "1er"]
