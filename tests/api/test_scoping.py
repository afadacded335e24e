"""Each user sees only their agencies' records; another agency's object answers 404."""

import pytest

from cases.choices import DocumentKind
from cases.models import Document
from tests.factories import DossierFactory, MissionFactory, WorkerFactory


@pytest.fixture
def records(agency_a, agency_b):
    """One worker, dossier, mission and document in each agency."""
    made = {}
    for key, agency in (("a", agency_a), ("b", agency_b)):
        dossier = DossierFactory(agency=agency)
        mission = MissionFactory(worker=dossier.worker, dossier=dossier)
        document = Document.objects.create(dossier=dossier, kind=DocumentKind.CERFA)
        made[key] = {
            "workers": dossier.worker.pk,
            "dossiers": dossier.pk,
            "missions": mission.pk,
            "documents": document.pk,
            "agencies": agency.pk,
        }
    return made


RESOURCES = ["workers", "dossiers", "missions", "documents", "agencies"]


@pytest.mark.parametrize("resource", RESOURCES)
def test_list_shows_only_own_agency(api, api_b, records, resource):
    ids_a = [row["id"] for row in api.get(f"/api/v1/{resource}/").json()["results"]]
    ids_b = [row["id"] for row in api_b.get(f"/api/v1/{resource}/").json()["results"]]
    assert ids_a == [records["a"][resource]]
    assert ids_b == [records["b"][resource]]


@pytest.mark.parametrize("resource", RESOURCES)
def test_other_agency_object_is_404_not_403(api, records, resource):
    response = api.get(f"/api/v1/{resource}/{records['b'][resource]}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert api.get(f"/api/v1/{resource}/{records['a'][resource]}/").status_code == 200


@pytest.mark.parametrize("resource", ["workers", "dossiers", "missions"])
def test_other_agency_object_cannot_be_edited(api, records, resource):
    response = api.patch(f"/api/v1/{resource}/{records['b'][resource]}/", {}, format="json")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "path",
    ["transitions/", "findings/", "events/"],
)
def test_other_agency_dossier_subresources_are_404(api, records, path):
    assert api.get(f"/api/v1/dossiers/{records['b']['dossiers']}/{path}").status_code == 404


def test_other_agency_transition_is_404(api, records):
    response = api.post(
        f"/api/v1/dossiers/{records['b']['dossiers']}/transitions/cancel/",
        {"cancellation_reason": "error", "comment": "Erreur"},
        format="json",
    )
    assert response.status_code == 404


def test_other_agency_document_download_is_404(api, records):
    assert api.get(f"/api/v1/documents/{records['b']['documents']}/download/").status_code == 404


def test_cannot_create_in_other_agency(api, agency_b):
    response = api.post(
        "/api/v1/workers/",
        {
            "agency": agency_b.pk,
            "last_name": "Autre",
            "first_name": "Agence",
            "birth_date": "2000-01-01",
            "employment": "CTT",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "agency" in response.json()["errors"]


def test_cannot_attach_other_agency_worker_to_dossier(api, agency_a, agency_b):
    other = WorkerFactory(agency=agency_b)
    response = api.post(
        "/api/v1/dossiers/",
        {
            "dispositif": "CPI",
            "agency": agency_a.pk,
            "worker": other.pk,
            "contract_start": "2026-03-02",
            "contract_end": "2027-03-01",
            "planned_training_hours": "400",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "worker" in response.json()["errors"]
