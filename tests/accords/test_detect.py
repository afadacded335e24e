"""Files neither reader knows are refused with the line where reading stopped.

Decision for the two other sources: 002 (« Mission jeunes », a Markdown export of an
accord-cadre signed by the State and partners, not a branch agreement: no NOR, no BOCC heading)
and 003 (FPE.TT fact sheets, not an agreement) are refused rather than half-read.
"""

import pytest

from accords.importers import ImportParseError, parse_file, parse_text
from tests.accords.conftest import FPETT_SHEETS, MISSION_JEUNES, PRO_A_PERMANENT, PRO_A_TEMP


def test_the_markdown_export_002_is_refused_at_its_first_line(source):
    with pytest.raises(ImportParseError) as error:
        parse_file(source(MISSION_JEUNES))
    assert error.value.line == 3
    assert "format non reconnu" in str(error.value)
    assert "## ACCORD-CADRE" in str(error.value)


def test_the_fact_sheets_003_are_refused_at_their_first_line(source):
    with pytest.raises(ImportParseError) as error:
        parse_file(source(FPETT_SHEETS))
    assert error.value.line == 1
    assert "NOM DE CODE" in str(error.value)


def test_each_format_goes_to_its_reader(source):
    (permanent,) = parse_file(source(PRO_A_PERMANENT))
    (temp,) = parse_file(source(PRO_A_TEMP))
    assert permanent.nor == "ASET2150379M"
    assert len(temp.certification_entries) == 221


def test_an_empty_text_is_refused():
    with pytest.raises(ImportParseError) as error:
        parse_text("\n\n")
    assert error.value.line == 1


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Accord du 3 février 2024".encode("latin-1"))
    with pytest.raises(ImportParseError):
        parse_file(path)
