from accords.importers.cleaning import (
    fix_ligatures,
    is_furniture,
    join_broken_lines,
    normalise_line,
    vocabulary,
)


def join(*lines: str, context: str = "") -> str:
    return join_broken_lines(list(lines), vocabulary(context + "\n" + "\n".join(lines)))


def test_a_word_broken_at_a_line_end_is_rejoined():
    assert (
        join("en date du 17 sep-", "tembre 2001 portant") == "en date du 17 septembre 2001 portant"
    )


def test_a_page_break_inside_a_broken_word_is_crossed():
    assert join("la forma-", "", "tion continue") == "la formation continue"


def test_a_real_hyphen_printed_elsewhere_in_the_file_is_kept():
    joined = join("le développement des accords-", "cadres a modifié", context="un accord-cadre")
    assert joined == "le développement des accords-cadres a modifié"


def test_a_hyphen_before_a_capital_is_kept():
    assert join("la « Pro-", "A » est") == "la « Pro-A » est"


def test_the_rest_of_a_compound_keeps_its_hyphen():
    assert join("c'est-à-", "dire la branche") == "c'est-à-dire la branche"


def test_the_split_fi_ligature_is_rejoined_but_a_real_word_is_not():
    vocab = vocabulary("certifications")
    assert fix_ligatures("Publics bénéfi ciaires", vocab) == "Publics bénéficiaires"
    assert fix_ligatures("Certifi cations éligibles", vocab) == "Certifications éligibles"
    assert fix_ligatures("un défi majeur", vocab) == "un défi majeur"


def test_running_heads_and_feet_are_furniture():
    assert is_furniture(" Brochure n° 3138  |  Convention collective nationale")
    assert is_furniture("IDCC : 184  |  IMPRIMERIES DE LABEUR ET INDUSTRIES GRAPHIQUES")
    assert is_furniture("BOCC  2024-29  TRA 75")
    assert not is_furniture("IDCC : 184")  # the text's own IDCC line, read as metadata
    assert not is_furniture("Article 1er | Objet")


def test_odd_spaces_become_plain_spaces():
    assert normalise_line("24\xa0juin\u2002\u20032024\ufffd") == "24 juin  2024"
