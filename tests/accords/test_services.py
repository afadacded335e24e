"""Storing imported texts: all or nothing per file, and a second import changes nothing."""

import pytest

from accords import services
from accords.importers import ImportParseError
from accords.models import Accord, Article, Certification, CertificationListEntry
from accords.models.registry import AccordStatus
from accords.services import accords_import_file
from tests.accords.conftest import BOCC_BULLETIN, PRO_A_PERMANENT, PRO_A_TEMP

pytestmark = pytest.mark.django_db

BROKEN_BULLETIN = """Brochure n° 1  |  Convention collective nationale

IDCC : 184  |  ESSAI

Accord du 24 juin 2024
relatif à un premier texte

NOR : ASET2450657M

IDCC : 184

Article 1er  |  Objet
Du texte.

Fait à Paris, le 24 juin 2024.

Accord du 25 juin 2024
relatif à un second texte sans article

NOR : ASET2450658M

Rien à découper ici.
"""


def counts() -> tuple[int, int, int, int]:
    return (
        Accord.objects.count(),
        Article.objects.count(),
        Certification.objects.count(),
        CertificationListEntry.objects.count(),
    )


def test_the_bulletin_stores_25_accords_and_201_articles(source):
    results = accords_import_file(path=source(BOCC_BULLETIN))
    assert all(result.created for result in results)
    assert counts() == (25, 201, 0, 0)
    stored = Accord.objects.get(nor="ASET2450630M")
    assert stored.kind == "accord_substitution"
    assert stored.idcc == "2494"
    assert stored.source_file == BOCC_BULLETIN
    assert stored.status == AccordStatus.SIGNED
    assert list(stored.articles.values_list("number", flat=True))[:2] == ["Préambule", "1er"]


def test_importing_twice_changes_nothing(source):
    for name in (PRO_A_PERMANENT, PRO_A_TEMP, BOCC_BULLETIN):
        accords_import_file(path=source(name))
    first = counts()
    fingerprints = set(Accord.objects.values_list("fingerprint", flat=True))
    again = [
        r
        for name in (PRO_A_PERMANENT, PRO_A_TEMP, BOCC_BULLETIN)
        for r in accords_import_file(path=source(name))
    ]
    assert not any(result.created for result in again)
    assert counts() == first == (27, 233, 197, 221)
    assert set(Accord.objects.values_list("fingerprint", flat=True)) == fingerprints


def test_the_temp_workers_list_is_stored_with_its_certifications(source):
    (result,) = accords_import_file(path=source(PRO_A_TEMP))
    accord = result.accord
    assert accord.status == AccordStatus.IN_FORCE
    assert str(accord.in_force_from) == "2021-05-12"
    assert accord.certification_entries.count() == 221
    assert accord.certification_entries.filter(excluded_from_extension=True).count() == 24
    certification = Certification.objects.get(code="RNCP34860")
    assert (certification.title, certification.level) == (
        "TP préparateur de commandes en entrepôt",
        3,
    )
    assert Certification.objects.get(code="RNCP25600").level is None


def test_a_file_that_fails_to_parse_leaves_nothing(tmp_path):
    path = tmp_path / "casse.txt"
    path.write_text(BROKEN_BULLETIN, encoding="utf-8")
    with pytest.raises(ImportParseError) as error:
        accords_import_file(path=path)
    assert error.value.line == 17  # the heading of the second text
    assert counts() == (0, 0, 0, 0)


def test_a_failure_while_writing_rolls_back_the_texts_already_written(source, monkeypatch):
    real = services.accord_import
    calls = []

    def fail_on_third(**kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("panne simulée")
        return real(**kwargs)

    monkeypatch.setattr(services, "accord_import", fail_on_third)
    with pytest.raises(RuntimeError):
        accords_import_file(path=source(BOCC_BULLETIN))
    assert counts() == (0, 0, 0, 0)
