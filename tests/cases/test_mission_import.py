"""Missions and hours imported from the agency's back office (issue 18): CSV and XLSX exports,
columns kept per agency, a preview that writes nothing, all or nothing unless the user takes the
valid rows, idempotent on the contract number, scoped to the user's agencies, French errors that
name the line and column and say how to fix, a log, and the obligations re-computed (DOMAIN.md
§3: CIPI ≥ 70 h of missions inside the contract, `003` fiche CIPI)."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from cases.choices import DeadlineKind, DeadlineStatus, DossierState, Role
from cases.exceptions import DossierForbidden, DossierNotFound
from cases.models import Deadline, Mission, MissionImport, MissionImportMapping
from cases.refresh import dossier_refresh
from cases.services.mission_import import (
    ALL,
    PREVIEW,
    VALID_ROWS,
    mission_import,
    mission_import_mapping_save,
)
from tests.factories import (
    AgencyFactory,
    ClientCompanyFactory,
    DossierFactory,
    UserFactory,
    WorkerFactory,
)

pytestmark = pytest.mark.django_db

HEADERS = ["N° contrat", "NIR", "SIRET client", "Début", "Fin", "Heures", "N° dossier"]


def make_nir(n: int) -> str:
    base = f"1850578006{n:03d}"
    return f"{base}{97 - int(base) % 97:02d}"


def csv_bytes(rows, headers=HEADERS, delimiter=";", encoding="utf-8") -> bytes:
    lines = [delimiter.join(headers)] + [delimiter.join(str(c) for c in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows, headers=HEADERS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def world():
    agency = AgencyFactory(name="Agence de Lyon")
    other = AgencyFactory(name="Agence de Lille")
    user = UserFactory(role=Role.CASE_WORKER, agencies=[agency])
    dossier = DossierFactory(
        cipi=True,
        agency=agency,
        worker__nir=make_nir(1),
        contract_start=dt.date(2026, 3, 2),
        state=DossierState.IN_TRAINING,
    )
    dossier_refresh(dossier)
    company = ClientCompanyFactory()
    outsider = WorkerFactory(agency=other, nir=make_nir(2))
    return {
        "agency": agency,
        "other": other,
        "user": user,
        "dossier": dossier,
        "worker": dossier.worker,
        "company": company,
        "outsider": outsider,
    }


def good_rows(w):
    return [
        [
            "M-001",
            w["worker"].nir,
            w["company"].siret,
            "02/03/2026",
            "06/03/2026",
            "35",
            w["dossier"].pk,
        ],
        [
            "M-002",
            w["worker"].nir,
            w["company"].siret,
            "09/03/2026",
            "13/03/2026",
            "42,5",
            w["dossier"].pk,
        ],
    ]


def run(w, content, mode, name="missions.csv", user=None):
    return mission_import(
        by=user or w["user"], agency=w["agency"], file_name=name, content=content, mode=mode
    )


def test_a_valid_csv_imports_every_mission_through_the_service(world):
    report = run(world, csv_bytes(good_rows(world)), ALL)

    assert report.written and not report.errors
    assert (report.rows, report.created, report.updated) == (2, 2, 0)
    missions = Mission.objects.filter(dossier=world["dossier"]).order_by("start")
    assert [(m.contract_number, m.hours) for m in missions] == [
        ("M-001", Decimal("35.00")),
        ("M-002", Decimal("42.50")),
    ]
    assert missions[0].history.first().history_user == world["user"]  # the service's author


def test_an_xlsx_export_with_date_and_number_cells_is_read(world):
    rows = [
        [
            "M-010",
            int(world["worker"].nir),
            world["company"].siret,
            dt.datetime(2026, 3, 2),
            dt.datetime(2026, 3, 6),
            35.5,
            world["dossier"].pk,
        ],
    ]
    report = run(world, xlsx_bytes(rows), ALL, name="export.XLSX")

    assert report.written, [str(e) for e in report.errors]
    mission = Mission.objects.get(contract_number="M-010")
    assert (mission.start, mission.end, mission.hours) == (
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 6),
        Decimal("35.50"),
    )


def test_a_comma_separated_windows_1252_csv_is_read(world):
    headers = ["N° contrat", "NIR", "SIRET client", "Début", "Fin", "Heures"]
    rows = [[r[0], r[1], r[2], r[3], r[4], r[5].replace(",", ".")] for r in good_rows(world)]
    report = run(world, csv_bytes(rows, headers, delimiter=",", encoding="cp1252"), ALL)

    assert report.written, [str(e) for e in report.errors]
    assert Mission.objects.filter(dossier__isnull=True, worker=world["worker"]).count() == 2


def test_the_preview_says_what_would_happen_and_writes_nothing(world):
    report = run(world, csv_bytes(good_rows(world)), PREVIEW)

    assert (report.created, report.written) == (2, False)
    assert [kind for _line, kind in report.lines] == ["new", "new"]
    assert not Mission.objects.exists()
    assert not MissionImport.objects.exists()


def test_one_bad_row_and_nothing_is_written_all_or_nothing(world):
    rows = good_rows(world)
    rows[1][3] = "31/02/2026"
    report = run(world, csv_bytes(rows), ALL)

    assert not report.written
    assert not Mission.objects.exists()
    (error,) = report.errors
    assert (error.line, error.column) == (3, "Début")
    assert error.message == "« 31/02/2026 » n'est pas une date."
    assert "JJ/MM/AAAA" in error.fix
    assert str(error).startswith("Ligne 3, colonne « Début » : « 31/02/2026 » n'est pas une date.")
    log = MissionImport.objects.get()
    assert (log.outcome, log.rows, log.created_count, log.invalid_count) == ("refused", 2, 0, 1)


def test_the_user_may_import_only_the_valid_rows(world):
    rows = good_rows(world)
    rows[0][5] = "beaucoup"
    report = run(world, csv_bytes(rows), VALID_ROWS)

    assert report.written
    assert list(Mission.objects.values_list("contract_number", flat=True)) == ["M-002"]
    assert [(e.line, e.column) for e in report.errors] == [(2, "Heures")]
    log = MissionImport.objects.get()
    assert (log.outcome, log.created_count, log.invalid_count) == ("valid_rows", 1, 1)
    assert log.by == world["user"] and log.file_name == "missions.csv"
    assert len(log.file_sha256) == 64


def test_a_second_import_of_the_same_file_changes_nothing_and_a_changed_row_updates(world):
    content = csv_bytes(good_rows(world))
    run(world, content, ALL)
    again = run(world, content, ALL)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert Mission.objects.count() == 2

    rows = good_rows(world)
    rows[1][5] = "40"
    changed = run(world, csv_bytes(rows), ALL)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)
    assert Mission.objects.get(contract_number="M-002").hours == Decimal("40.00")


def test_the_same_contract_twice_in_one_file_is_an_error_on_its_second_line(world):
    rows = good_rows(world)
    rows[1][0] = "M-001"
    report = run(world, csv_bytes(rows), ALL)

    assert not report.written
    (error,) = report.errors
    assert (error.line, error.column) == (3, "N° contrat")
    assert "déjà ligne 2" in error.message


def test_a_worker_or_dossier_of_another_agency_is_a_row_error_never_a_lookup(world):
    other_dossier = DossierFactory(cipi=True, agency=world["other"], worker=world["outsider"])
    rows = good_rows(world)
    rows[0][1] = world["outsider"].nir  # a worker of the other agency
    rows[1][6] = other_dossier.pk  # a dossier of the other agency
    report = run(world, csv_bytes(rows), VALID_ROWS)

    assert not Mission.objects.exists()
    by_line = {e.line: e for e in report.errors}
    assert by_line[2].column == "NIR"
    assert by_line[2].message == "Aucun salarié de l'agence « Agence de Lyon » n'a ce NIR."
    assert world["outsider"].nir not in str(by_line[2])  # the number is not repeated
    assert by_line[3].column == "N° dossier"
    assert "n'est pas un dossier de l'agence" in by_line[3].message


def test_a_contract_number_of_another_agency_is_not_found_again(world):
    """The number is unique per agency: another agency's mission with it is left alone."""
    Mission.objects.create(
        worker=world["outsider"],
        client_company=world["company"],
        start=dt.date(2026, 1, 5),
        end=dt.date(2026, 1, 9),
        hours=Decimal("35"),
        contract_number="M-001",
    )
    report = run(world, csv_bytes(good_rows(world)), ALL)

    assert (report.written, report.created) == (True, 2)
    assert Mission.objects.filter(contract_number="M-001").count() == 2


def test_a_user_imports_only_into_their_agencies_and_only_with_a_case_workers_role(world):
    with pytest.raises(DossierNotFound):
        mission_import(
            by=world["user"],
            agency=world["other"],
            file_name="m.csv",
            content=csv_bytes([]),
            mode=ALL,
        )
    trainer = UserFactory(role=Role.TRAINING_MANAGER, agencies=[world["agency"]])
    with pytest.raises(DossierNotFound):
        run(world, csv_bytes(good_rows(world)), ALL, user=trainer)
    assert not Mission.objects.exists()


def test_missing_columns_and_unknown_formats_are_refused_in_french(world):
    report = run(world, csv_bytes([["x"]], headers=["Contrat"]), ALL)
    assert not report.written and report.file_refused
    assert "La colonne « N° contrat » (n° de contrat) est absente du fichier" in str(
        report.errors[0]
    )
    assert "colonnes trouvées : Contrat" in report.errors[0].message

    report = run(world, b"%PDF-1.4", ALL, name="missions.pdf")
    assert report.errors[0].message == "Le fichier « missions.pdf » n'est ni un .csv ni un .xlsx."

    report = run(world, b"not a zip", ALL, name="missions.xlsx")
    assert "n'a pas pu être lu" in report.errors[0].message
    assert MissionImport.objects.filter(outcome="refused").count() == 3


def test_the_columns_are_kept_per_agency(world):
    mission_import_mapping_save(
        by=world["user"],
        agency=world["agency"],
        data={"contract_number_column": "Contrat", "hours_column": "Nb heures"},
    )
    headers = ["Contrat", "NIR", "SIRET client", "Début", "Fin", "Nb heures", "N° dossier"]
    report = run(world, csv_bytes(good_rows(world), headers=headers), ALL)

    assert report.written, [str(e) for e in report.errors]
    mapping = MissionImportMapping.objects.get(agency=world["agency"])
    assert (mapping.contract_number_column, mapping.nir_column) == ("Contrat", "NIR")
    assert not MissionImportMapping.objects.filter(agency=world["other"]).exists()
    with pytest.raises(DossierNotFound):
        mission_import_mapping_save(by=world["user"], agency=world["other"], data={})


def test_a_manager_of_another_role_may_not_set_the_columns(world):
    cpne = UserFactory(role=Role.CPNE_REPORTER, agencies=[world["agency"]])
    with pytest.raises((DossierForbidden, DossierNotFound)):
        mission_import_mapping_save(by=cpne, agency=world["agency"], data={})


def test_the_obligations_and_deadlines_are_recomputed_after_the_import(world):
    """CIPI: ≥ 70 h of missions inside the contract (003, fiche CIPI): 77.5 h meet it."""
    deadline = Deadline.objects.get(dossier=world["dossier"], kind=DeadlineKind.MISSION_OBLIGATION)
    assert deadline.status == DeadlineStatus.OPEN

    run(world, csv_bytes(good_rows(world)), ALL)

    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.MET


def test_the_preview_leaves_the_deadlines_alone(world):
    run(world, csv_bytes(good_rows(world)), PREVIEW)
    deadline = Deadline.objects.get(dossier=world["dossier"], kind=DeadlineKind.MISSION_OBLIGATION)
    assert deadline.status == DeadlineStatus.OPEN


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (1, "", "Le NIR est vide."),
        (2, "12345678901234", "Aucune entreprise utilisatrice n'a le SIRET 12345678901234."),
        (4, "01/01/2026", "La fin de la mission précède son début."),
        (5, "0", "Assurez-vous que cette valeur est supérieure ou égale à 0.01."),
        (5, "35,555", "Le nombre d'heures a plus de deux décimales."),
        (3, "01/01/3026", "La date 01/01/3026 est hors de 1900–2100."),
        (6, "abc", "« abc » n'est pas un n° de dossier."),
    ],
)
def test_each_wrong_cell_says_what_is_wrong_in_french(world, column, value, message):
    rows = good_rows(world)[:1]
    rows[0][column] = value
    report = run(world, csv_bytes(rows), PREVIEW)

    assert [e.message for e in report.errors] == [message]
    assert all(e.line == 2 and e.fix for e in report.errors)
    assert report.errors[0].column == HEADERS[column]


# --- The admin page « Importer des missions » ------------------------------------------------


def upload(client, w, content, name="missions.csv", **columns):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {
        "agency": w["agency"].pk,
        "file": SimpleUploadedFile(name, content),
        "contract_number_column": "N° contrat",
        "nir_column": "NIR",
        "client_siret_column": "SIRET client",
        "start_column": "Début",
        "end_column": "Fin",
        "hours_column": "Heures",
        "dossier_column": "N° dossier",
    } | columns
    return client.post(reverse("admin:cases_missionimport_add"), data)


def test_the_admin_page_previews_then_imports_on_confirmation(client, world):
    client.force_login(world["user"])
    page = client.get(reverse("admin:cases_missionimport_add"))
    assert page.status_code == 200
    assert "Importer des missions" in page.content.decode()

    preview = upload(client, world, csv_bytes(good_rows(world)))
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "Rien n'est encore enregistré. 2 ligne(s) lue(s) : 2 mission(s) à créer" in text
    assert 'value="all"' in text
    assert not Mission.objects.exists()

    done = client.post(reverse("admin:cases_missionimport_add"), {"mode": "all"})
    log = MissionImport.objects.get()
    assert done.status_code == 302
    assert done.url == reverse("admin:cases_missionimport_change", args=[log.pk])
    assert Mission.objects.count() == 2
    assert (log.outcome, log.created_count, log.by) == ("imported", 2, world["user"])


def test_the_admin_preview_lists_french_errors_and_offers_the_valid_rows(client, world):
    client.force_login(world["user"])
    rows = good_rows(world)
    rows[0][4] = "demain"
    text = upload(client, world, csv_bytes(rows)).content.decode()
    assert "« demain » n&#x27;est pas une date." in text
    assert "Importer seulement les 1 ligne(s) valide(s)" in text
    assert 'value="all"' not in text

    client.post(reverse("admin:cases_missionimport_add"), {"mode": "valid_rows"})
    assert list(Mission.objects.values_list("contract_number", flat=True)) == ["M-002"]
    # The file is consumed: the same confirmation sent again finds nothing pending.
    again = client.post(reverse("admin:cases_missionimport_add"), {"mode": "valid_rows"})
    assert again.status_code == 302 and MissionImport.objects.count() == 1


def test_the_admin_keeps_the_columns_typed_for_the_agency(client, world):
    client.force_login(world["user"])
    headers = ["Contrat", "NIR", "SIRET client", "Début", "Fin", "Heures", "N° dossier"]
    upload(
        client,
        world,
        csv_bytes(good_rows(world), headers=headers),
        contract_number_column="Contrat",
    )

    page = client.get(reverse("admin:cases_missionimport_add"))
    assert page.context["form"]["contract_number_column"].value() == "Contrat"


def test_the_import_page_is_for_case_workers_and_managers(client, world):
    for role, status in [
        (Role.AGENCY_MANAGER, 200),
        (Role.TRAINING_MANAGER, 403),
        (Role.FPETT_ADVISOR, 403),
        (Role.CPNE_REPORTER, 403),
    ]:
        client.force_login(UserFactory(role=role, agencies=[world["agency"]]))
        assert client.get(reverse("admin:cases_missionimport_add")).status_code == status, role


# --- The API: POST /api/v1/mission-imports/ ----------------------------------------------------


def api_post(w, content, user=None, name="missions.csv", **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user or w["user"])
    data = {"agency": w["agency"].pk, "file": SimpleUploadedFile(name, content)} | fields
    return client.post("/api/v1/mission-imports/", data, format="multipart")


def test_the_api_previews_by_default_and_writes_nothing(world):
    answer = api_post(world, csv_bytes(good_rows(world)))

    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert (body["mode"], body["written"], body["created"], body["import_id"]) == (
        "preview",
        False,
        2,
        None,
    )
    assert not Mission.objects.exists()


def test_the_api_imports_and_refuses_a_file_with_errors_in_french(world):
    rows = good_rows(world)
    rows[1][5] = "trente"
    refused = api_post(world, csv_bytes(rows), dry_run="false")

    assert refused.status_code == 400
    body = refused.json()
    assert body["code"] == "invalid"
    assert body["detail"].startswith("Rien n'a été enregistré : 1 ligne(s) en erreur.")
    assert body["errors"]["ligne 3"][0].startswith(
        "colonne « Heures » : « trente » n'est pas un nombre d'heures."
    )
    assert not Mission.objects.exists()

    partial = api_post(world, csv_bytes(rows), dry_run="false", valid_rows_only="true")
    assert partial.status_code == 200
    assert (partial.json()["written"], partial.json()["created"]) == (True, 1)
    assert partial.json()["import_id"] == MissionImport.objects.get(outcome="valid_rows").pk


def test_the_api_answers_404_for_another_agency_and_403_for_other_roles(world):
    other = api_post(world, csv_bytes(good_rows(world)), agency=world["other"].pk)
    assert other.status_code == 404
    assert other.json()["detail"] == "Cette agence n'est pas l'une des vôtres."
    missing = api_post(world, csv_bytes(good_rows(world)), agency=999999)
    assert (missing.status_code, missing.json()) == (404, other.json())

    trainer = UserFactory(role=Role.TRAINING_MANAGER, agencies=[world["agency"]])
    assert api_post(world, csv_bytes(good_rows(world)), user=trainer).status_code == 403


def test_each_touched_dossier_is_refreshed_once_the_one_a_mission_left_included(world, monkeypatch):
    from cases.services import mission_import as module

    run(world, csv_bytes(good_rows(world)), ALL)
    second = DossierFactory(
        cipi=True, agency=world["agency"], worker=world["worker"], state=DossierState.DRAFT
    )
    refreshed = []

    def spy(dossier):
        refreshed.append(dossier.pk)
        return dossier_refresh(dossier)

    monkeypatch.setattr(module, "dossier_refresh", spy)
    rows = good_rows(world)
    rows[0][6] = second.pk  # M-001 moves to the second dossier
    rows[1][5] = "40"
    run(world, csv_bytes(rows), ALL)

    assert sorted(refreshed) == sorted([world["dossier"].pk, second.pk])
    assert Mission.objects.get(contract_number="M-001").dossier == second


def test_the_log_page_shows_each_error_on_its_line(client, world):
    rows = good_rows(world)
    rows[0][3] = "<b>hier</b>"
    run(world, csv_bytes(rows), ALL)
    client.force_login(world["user"])
    log = MissionImport.objects.get()
    page = client.get(reverse("admin:cases_missionimport_change", args=[log.pk])).content.decode()
    assert (
        "Ligne 2, colonne « Début » : « &lt;b&gt;hier&lt;/b&gt; » n&#x27;est pas une date." in page
    )
    assert client.get(reverse("admin:cases_missionimport_changelist")).status_code == 200
