"""Bad input answers 400 in the one French error format, never 500."""

import pytest

from cases.validators import NIR_INVALID
from tests.factories import ClientCompanyFactory, WorkerFactory, make_siret

VALID_NIR = "185057800608491"


@pytest.fixture
def worker_payload(agency_a):
    return {
        "agency": agency_a.pk,
        "last_name": "Dupont",
        "first_name": "Lou",
        "birth_date": "1985-05-01",
        "employment": "CTT",
    }


def test_valid_nir_with_spaces_is_stored_compact(api, worker_payload):
    response = api.post(
        "/api/v1/workers/", {**worker_payload, "nir": "1 85 05 78 006 084 91"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["nir"] == VALID_NIR


def test_bad_nir_is_refused_in_french(api, worker_payload):
    response = api.post(
        "/api/v1/workers/", {**worker_payload, "nir": "185057800608492"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Les données envoyées ne sont pas valides.",
        "code": "invalid",
        "errors": {"nir": [NIR_INVALID]},
    }


def test_birth_date_in_future_is_refused(api, worker_payload):
    response = api.post(
        "/api/v1/workers/", {**worker_payload, "birth_date": "2999-01-01"}, format="json"
    )
    assert response.json()["errors"]["birth_date"] == ["La date de naissance est dans le futur."]


@pytest.mark.parametrize("resource", ["client-companies", "training-providers"])
def test_siret_checksum(api, resource):
    bad = api.post(f"/api/v1/{resource}/", {"name": "X", "siret": "12345678901234"}, format="json")
    assert bad.status_code == 400
    assert "n'est pas un numéro SIRET valide" in bad.json()["errors"]["siret"][0]
    siret = make_siret()
    good = api.post(f"/api/v1/{resource}/", {"name": "X", "siret": siret}, format="json")
    assert good.status_code == 201, good.json()
    again = api.post(f"/api/v1/{resource}/", {"name": "Y", "siret": siret}, format="json")
    assert again.status_code == 409  # a conflict with a recorded one, as the schema says
    assert "existe déjà" in again.json()["errors"]["siret"][0]


def test_malformed_json_is_400(api):
    response = api.generic("POST", "/api/v1/workers/", "{not json", content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "parse_error"
    assert body["errors"] == {}


def test_unsupported_media_type_is_415(api):
    response = api.generic("POST", "/api/v1/workers/", "a=b", content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


@pytest.mark.parametrize(
    "field, value",
    [
        ("birth_date", "31/12/2000"),
        ("birth_date", 12),
        ("employment", "FREELANCE"),
        ("highest_level", 99999999999999999999999),
        ("other_agencies_branch_hours", "1e999"),
        ("other_agencies_branch_hours", -1),
        ("agency", 99999999999999999999999),
        ("agency", "abc"),
        ("rsa", "peut-être"),
    ],
)
def test_wrong_types_and_values_are_400(api, worker_payload, field, value):
    response = api.post("/api/v1/workers/", {**worker_payload, field: value}, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_body_that_is_a_list_is_400(api):
    response = api.post("/api/v1/workers/", [1, 2], format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/workers/abc/",
        "/api/v1/workers/99999999999999999999999999/",
        "/api/v1/workers/1.5/",
        "/api/v1/nowhere/",
    ],
)
def test_unknown_addresses_are_json_404(api, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_mission_dates_in_order_and_hours_bounded(api, agency_a):
    worker = WorkerFactory(agency=agency_a)
    company = ClientCompanyFactory()
    base = {"worker": worker.pk, "client_company": company.pk, "start": "2026-04-01"}
    response = api.post(
        "/api/v1/missions/", {**base, "end": "2026-03-01", "hours": "10"}, format="json"
    )
    assert response.json()["errors"]["end"] == ["La fin de la mission précède son début."]
    response = api.post(
        "/api/v1/missions/", {**base, "end": "2026-04-30", "hours": "5000"}, format="json"
    )
    assert "hours" in response.json()["errors"]
    response = api.post(
        "/api/v1/missions/", {**base, "end": "2026-04-30", "hours": "140"}, format="json"
    )
    assert response.status_code == 201


def test_a_contract_number_taken_in_the_agency_is_a_409_naming_the_field(api, agency_a):
    """A mission contract number names one mission of the agency (the import finds it by it):
    taken by the same worker or a colleague, it is a conflict with a recorded mission."""
    company = ClientCompanyFactory()
    first, colleague = WorkerFactory(agency=agency_a), WorkerFactory(agency=agency_a)
    mission = {"client_company": company.pk, "start": "2026-04-01", "end": "2026-04-30"}
    mission |= {"hours": "140", "contract_number": "CM-2026-001"}
    assert (
        api.post("/api/v1/missions/", {**mission, "worker": first.pk}, format="json").status_code
        == 201
    )
    for worker in (first, colleague):
        again = api.post("/api/v1/missions/", {**mission, "worker": worker.pk}, format="json")
        assert again.status_code == 409
        assert "CM-2026-001" in again.json()["errors"]["contract_number"][0]


def test_unavailable_format_is_406(api):
    response = api.get("/api/v1/workers/", HTTP_ACCEPT="application/xml")
    assert response.status_code == 406
    assert response.json()["code"] == "not_acceptable"
