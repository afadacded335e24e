"""Loading an export of the RNCP register (France Compétences), README « Registre RNCP »."""

import datetime as dt
import io
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from accords.models import (
    Accord,
    Certification,
    CertificationListEntry,
    RegisterExport,
    RegisterFiche,
)
from accords.register import RegisterFormatError, register_import, register_level_differences
from bench.rncp_export import SAMPLE, Fiche, write_export, write_generated

pytestmark = pytest.mark.django_db

SAMPLE_ZIP = Path(settings.BASE_DIR) / "fixtures" / "rncp" / "export-fiches-csv-2026-11-02.zip"


def test_the_committed_sample_is_the_declared_one(tmp_path):
    """fixtures/rncp/ is `python -m bench.rncp_export sample …`: same fiches, same bytes read."""
    rebuilt = write_export(tmp_path / "x.zip", SAMPLE, export_date=dt.date(2026, 11, 2))
    with zipfile.ZipFile(SAMPLE_ZIP) as committed, zipfile.ZipFile(rebuilt) as fresh:
        assert sorted(committed.namelist()) == sorted(fresh.namelist())
        for name in committed.namelist():
            assert committed.read(name) == fresh.read(name)


def test_sample_loads_every_fact_of_a_fiche():
    report = register_import(path=SAMPLE_ZIP)
    assert (report.read, report.created, report.skipped_rs) == (7, 7, 1)
    assert report.export_date == dt.date(2026, 11, 2)
    fiche = RegisterFiche.objects.get(code="RNCP34860")
    assert fiche.title == "Préparateur de commandes en entrepôt"
    assert fiche.level == 3 and fiche.level_label == "NIV3"
    assert fiche.decision_date == dt.date(2020, 7, 8)
    assert fiche.effect_date == dt.date(2020, 9, 1)
    assert fiche.end_date == dt.date(2030, 9, 1)
    assert fiche.registration_type == "Enregistrement sur demande"
    assert fiche.active and fiche.in_latest_export
    assert fiche.routes == ["apprenticeship", "professionalisation"]
    old = RegisterFiche.objects.get(code="RNCP1852")
    assert not old.active and old.successors == ["RNCP34857"]
    assert RegisterFiche.objects.get(code="RNCP1120").routes == [
        "apprenticeship",
        "experience",
        "student",
    ]
    assert RegisterFiche.objects.get(code="RNCP25600").level is None
    assert not RegisterFiche.objects.filter(code="RS5080").exists()
    export = RegisterExport.objects.get()
    assert export.file_name == SAMPLE_ZIP.name and export.fiche_count == 7


def test_second_load_changes_nothing():
    register_import(path=SAMPLE_ZIP)
    before = list(RegisterFiche.objects.order_by("code").values())
    report = register_import(path=SAMPLE_ZIP)
    assert (report.created, report.updated, report.unchanged, report.deactivated) == (0, 0, 7, 0)
    assert list(RegisterFiche.objects.order_by("code").values()) == before
    assert RegisterExport.objects.count() == 1
    assert "inchangées : 7" in report.summary()


def test_a_later_export_updates_deactivates_and_retires(tmp_path):
    register_import(path=SAMPLE_ZIP)
    later = [f for f in SAMPLE if f.code not in ("RNCP34857",)]
    later = [
        Fiche(**{**f.__dict__, "active": False}) if f.code == "RNCP34860" else f for f in later
    ]
    path = write_export(tmp_path / "later.zip", later, export_date=dt.date(2026, 12, 1))
    report = register_import(path=path)
    # RNCP34860 turned inactive; RNCP34857 is no longer listed: retired, inactive.
    assert (report.created, report.updated, report.unchanged) == (0, 2, 5)
    assert report.deactivated == 2
    retired = RegisterFiche.objects.get(code="RNCP34857")
    assert not retired.active and not retired.in_latest_export
    assert RegisterExport.objects.count() == 2


@pytest.mark.parametrize(
    ("mutate", "where", "says"),
    [
        (lambda text: text.replace("NIV3", "NIV9", 1), "ligne 2", "niveau « NIV9 »"),
        (lambda text: text.replace("08/07/2020", "2020-07-08", 1), "ligne 2", "JJ/MM/AAAA"),
        (lambda text: text.replace("RNCP34857", "34857", 1), "ligne 4", "numéro de fiche"),
        (lambda text: text.replace("ACTIVE", "OUI", 1), "ligne 2", "Actif"),
        (lambda text: text.replace("Numero_Fiche", "Numero", 1), "ligne 1", "Numero_Fiche"),
        (lambda text: text + "RNCP1;trop court\r\n", "ligne 10", "colonnes"),
    ],
)
def test_a_broken_standard_part_is_refused_with_its_line_and_writes_nothing(
    tmp_path, mutate, where, says
):
    register_import(path=SAMPLE_ZIP)
    before = list(RegisterFiche.objects.order_by("code").values())
    broken = tmp_path / "export-fiches-csv-2026-12-01.zip"
    with zipfile.ZipFile(SAMPLE_ZIP) as source, zipfile.ZipFile(broken, "w") as target:
        for name in source.namelist():
            data = source.read(name).decode("utf-8-sig")
            if "Standard" in name:
                data = mutate(data)
            target.writestr(name.replace("2026_11_02", "2026_12_01"), "\ufeff" + data)
    with pytest.raises(RegisterFormatError) as caught:
        register_import(path=broken)
    assert "export_fiches_CSV_Standard_2026_12_01.csv" in str(caught.value)
    assert where in str(caught.value) and says in str(caught.value)
    assert list(RegisterFiche.objects.order_by("code").values()) == before
    assert RegisterExport.objects.count() == 1


def test_files_that_are_not_exports_are_refused(tmp_path):
    text = tmp_path / "notes.zip"
    text.write_text("bonjour", encoding="utf-8")
    with pytest.raises(RegisterFormatError, match="n'est pas une archive zip"):
        register_import(path=text)
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("missions.csv", "a;b\r\n")
    with pytest.raises(RegisterFormatError, match="Standard"):
        register_import(path=other)
    latin = tmp_path / "latin.zip"
    with zipfile.ZipFile(latin, "w") as archive:
        archive.writestr(
            "export_fiches_CSV_Standard_2026_11_02.csv",
            ";".join(
                [
                    "Numero_Fiche",
                    "Intitule",
                    "Nomenclature_Europe_Niveau",
                    "Date_Decision",
                    "Date_Effet",
                    "Date_Fin_Enregistrement",
                    "Type_Enregistrement",
                    "Actif",
                ]
            ).encode()
            + b"\r\nRNCP1;Pr\xe9parateur;NIV3;;;;;ACTIVE\r\n",
        )
    with pytest.raises(RegisterFormatError, match="UTF-8"):
        register_import(path=latin)
    assert not RegisterFiche.objects.exists() and not RegisterExport.objects.exists()


def test_the_command_reports_in_french_and_fails_without_writing(tmp_path):
    out = io.StringIO()
    call_command("import_rncp", str(SAMPLE_ZIP), stdout=out)
    assert "Créées : 7" in out.getvalue() and "désactivées : 0" in out.getvalue()
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK")
    with pytest.raises(CommandError, match="Rien n'a été enregistré"):
        call_command("import_rncp", str(bad))
    with pytest.raises(CommandError, match="introuvable"):
        call_command("import_rncp", str(tmp_path / "absent.zip"))


def test_branch_list_levels_are_cross_checked():
    """001 annex: RNCP1899 « (niveau 4) », the sample register says NIV5; RNCP310 is absent."""
    accord = Accord.objects.create(kind="accord", title="Pro-A", fingerprint="x" * 64)
    for order, (code, level) in enumerate(
        [("RNCP1899", 4), ("RNCP34860", 3), ("RNCP25600", None), ("RNCP310", 3), ("CLEA", None)]
    ):
        certification = Certification.objects.create(code=code, title=code, level=level)
        CertificationListEntry.objects.create(
            accord=accord, certification=certification, sector="Logistique", order=order
        )
    assert register_level_differences() == []  # no register loaded: nothing to say
    register_import(path=SAMPLE_ZIP)
    found = {d.code: d for d in register_level_differences()}
    assert set(found) == {"RNCP1899", "RNCP310"}
    assert found["RNCP1899"].message() == (
        "RNCP1899 (RNCP1899) : niveau 4 dans la liste de branche, niveau 5 au registre RNCP."
    )
    assert "absente du registre" in found["RNCP310"].message()
    out = io.StringIO()
    call_command("check_register_levels", stdout=out)
    assert "Certifications à vérifier : 2" in out.getvalue()


def test_a_generated_export_is_streamed_in_chunks_and_idempotent(tmp_path):
    """500 fiches in chunks of 64: the same counts as one chunk, flat memory, second run idle."""
    path = write_generated(tmp_path / "gen.zip", 500, export_date=dt.date(2026, 11, 2))
    tracemalloc.start()
    report = register_import(path=path, chunk_size=64)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert (report.read, report.created) == (500, 500)
    assert RegisterFiche.objects.filter(active=False).count() == 72  # every seventh
    assert RegisterFiche.objects.exclude(successors=[]).count() == 9
    assert peak < 8 * 1024 * 1024
    again = register_import(path=path, chunk_size=64)
    assert (again.unchanged, again.updated, again.created) == (500, 0, 0)
