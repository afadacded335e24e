"""Authentication and what each role may see or do."""

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.choices import Employment, Role
from cases.models.workers import HEALTH_FIELDS
from tests.factories import DossierFactory, UserFactory, WorkerFactory

INDIVIDUAL = [
    "workers",
    "dossiers",
    "missions",
    "documents",
    "agencies",
    "client-companies",
    "training-providers",
]


@pytest.mark.parametrize("resource", [*INDIVIDUAL, "certifications", "accords"])
def test_anonymous_is_401_in_french(db, resource):
    response = APIClient().get(f"/api/v1/{resource}/")
    assert response.status_code == 401
    assert response.json() == {
        "detail": "Informations d'authentification non fournies.",
        "code": "not_authenticated",
        "errors": {},
    }
    assert response["WWW-Authenticate"] == "Token"


def test_bad_token_is_401(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token nope")
    assert client.get("/api/v1/dossiers/").status_code == 401


def test_session_authentication_works(agency_a, case_worker):
    client = APIClient()
    client.force_login(case_worker)
    assert client.get("/api/v1/dossiers/").status_code == 200


def test_drf_create_token_command(case_worker):
    call_command("drf_create_token", case_worker.username, verbosity=0)
    key = Token.objects.get(user=case_worker).key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/dossiers/").status_code == 200


@pytest.mark.parametrize("resource", INDIVIDUAL)
def test_cpne_reporter_is_refused_individual_data(client_for, make_user, resource):
    api = client_for(make_user(role=Role.CPNE_REPORTER))
    response = api.get(f"/api/v1/{resource}/")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert "agrégées" in response.json()["detail"]


@pytest.mark.parametrize("resource", ["certifications", "accords"])
def test_cpne_reporter_reads_reference_data(client_for, make_user, resource):
    api = client_for(make_user(role=Role.CPNE_REPORTER))
    assert api.get(f"/api/v1/{resource}/").status_code == 200


@pytest.mark.parametrize(
    "role, sees_health",
    [
        (Role.CASE_WORKER, True),
        (Role.AGENCY_MANAGER, True),
        (Role.ADMINISTRATOR, True),
        (Role.TRAINING_MANAGER, False),
    ],
)
def test_health_fields_only_for_allowed_roles(client_for, make_user, agency_a, role, sees_health):
    worker = WorkerFactory(agency=agency_a, at_mp=True, fitness_status="unfit")
    api = client_for(make_user(role=role))
    detail = api.get(f"/api/v1/workers/{worker.pk}/").json()
    listed = api.get("/api/v1/workers/").json()["results"][0]
    for body in (detail, listed):
        assert all((field in body) is sees_health for field in HEALTH_FIELDS), body


def test_health_fields_cannot_be_written_by_training_manager(client_for, make_user, agency_a):
    """A training manager edits permanent staff only, and never writes health data they may
    not see: refused, nothing written (this test used to accept a 200 that silently dropped
    the field)."""
    worker = WorkerFactory(agency=agency_a, employment=Employment.CDI)  # one they may edit
    api = client_for(make_user(role=Role.TRAINING_MANAGER))
    response = api.patch(f"/api/v1/workers/{worker.pk}/", {"at_mp": True}, format="json")
    assert response.status_code == 403
    worker.refresh_from_db()
    assert worker.at_mp is False


def test_fpett_advisor_reads_car_only_and_edits_nothing(client_for, make_user, agency_b):
    api = client_for(make_user(role=Role.FPETT_ADVISOR, agencies=[]))
    car = DossierFactory(agency=agency_b, car=True)
    DossierFactory(agency=agency_b, cpi=True)
    assert [d["id"] for d in api.get("/api/v1/dossiers/").json()["results"]] == [car.pk]
    response = api.patch(f"/api/v1/dossiers/{car.pk}/", {"notes": "x"}, format="json")
    assert response.status_code == 403
    assert api.get("/api/v1/workers/").status_code == 403  # no worker record, as in the admin


def test_administrator_sees_every_agency(client_for, agency_a, agency_b):
    admin = UserFactory(role=Role.ADMINISTRATOR)
    DossierFactory(agency=agency_a)
    DossierFactory(agency=agency_b)
    assert client_for(admin).get("/api/v1/dossiers/").json()["count"] == 2


def test_inactive_user_token_is_refused(client_for, case_worker):
    api = client_for(case_worker)
    case_worker.is_active = False
    case_worker.save()
    assert api.get("/api/v1/dossiers/").status_code == 401
