import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from accords.models import Accord
from tests.accords.conftest import BOCC_BULLETIN, MISSION_JEUNES, PRO_A_PERMANENT, PRO_A_TEMP

pytestmark = pytest.mark.django_db

JSON_KEYS = {
    "idcc",
    "kind",
    "signature_date",
    "title",
    "nor",
    "article_count",
    "certification_entries",
}


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_json_prints_one_object_per_text(source):
    output = run("import_accord", "--json", str(source(BOCC_BULLETIN)), str(source(PRO_A_TEMP)))
    objects = [json.loads(line) for line in output.splitlines()]
    assert len(objects) == 26
    assert all(set(obj) == JSON_KEYS for obj in objects)
    assert objects[0] == {
        "idcc": "184",
        "kind": "accord_paritaire",
        "signature_date": "2024-06-24",
        "title": "Accord paritaire du 24 juin 2024 relatif à la fixation du salaire minimum "
        "des groupes IV A et IV B",
        "nor": "ASET2450657M",
        "article_count": 4,
        "certification_entries": 0,
    }
    temp = objects[-1]
    assert temp["idcc"] is None and temp["nor"] is None  # missing values are null
    assert (temp["signature_date"], temp["article_count"], temp["certification_entries"]) == (
        "2021-01-22",
        15,
        221,
    )
    assert Accord.objects.count() == 26


def test_summary_in_french_with_the_certification_counts(source):
    output = run("import_accord", str(source(PRO_A_TEMP)))
    assert "1 texte(s) lu(s), 1 créé(s), 0 déjà présent(s)." in output
    assert "221 entrées, 197 codes RNCP distincts, 24 exclue(s) de l'extension." in output
    assert "Industrie : 91 entrée(s)" in output
    again = run("import_accord", str(source(PRO_A_TEMP)))
    assert "0 créé(s), 1 déjà présent(s)" in again
    assert "déjà importé, inchangé" in again


def test_a_refused_file_fails_the_command_with_its_line(source):
    with pytest.raises(CommandError) as error:
        run("import_accord", str(source(MISSION_JEUNES)), str(source(PRO_A_PERMANENT)))
    assert "ligne 3 : format non reconnu" in str(error.value)
    assert "Rien n'a été enregistré" in str(error.value)
    # The readable file given alongside was still imported.
    assert Accord.objects.filter(nor="ASET2150379M").exists()


def test_a_missing_file_is_reported():
    with pytest.raises(CommandError, match="fichier introuvable"):
        run("import_accord", "/nulle/part.txt")


def test_export_writes_the_list_as_csv(source, tmp_path):
    run("import_accord", str(source(PRO_A_TEMP)))
    accord = Accord.objects.get()
    rows = list(csv.reader(io.StringIO(run("export_certifications", str(accord.pk)))))
    assert rows[0] == [
        "sector",
        "sub_sector",
        "job",
        "certification",
        "rncp_code",
        "level",
        "excluded_from_extension",
    ]
    assert len(rows) == 1 + 221
    assert rows[1] == [
        "Logistique/ transport",
        "Logistique",
        "Préparateur de commandes",
        "TP préparateur de commandes en entrepôt",
        "RNCP34860",
        "3",
        "non",
    ]
    assert sum(1 for row in rows[1:] if row[6] == "oui") == 24
    assert sum(1 for row in rows[1:] if row[5] == "") == 25  # "sans niveau"
    target = tmp_path / "liste.csv"
    call_command("export_certifications", str(accord.pk), output=str(target), stderr=io.StringIO())
    assert target.read_text(encoding="utf-8").splitlines()[0].startswith("sector,sub_sector")


def test_export_finds_an_accord_by_nor(source):
    run("import_accord", str(source(PRO_A_PERMANENT)))
    output = run("export_certifications", "ASET2150379M")
    assert output.splitlines() == [
        "sector,sub_sector,job,certification,rncp_code,level,excluded_from_extension"
    ]


def test_export_of_an_unknown_accord_fails_in_french():
    with pytest.raises(CommandError, match="Aucun accord ne correspond à « ASET0000000X »"):
        run("export_certifications", "ASET0000000X")
