"""Client companies and training providers are shared by every agency: one used by another
agency's dossiers or missions is changed by an administrator only, on every path; and the
training manager writes none of the records the role table keeps from them."""

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cases.choices import Role
from cases.models import ClientCompany, Mission, TrainingProvider, Worker
from tests.factories import (
    AgencyFactory,
    ClientCompanyFactory,
    DossierFactory,
    TrainingProviderFactory,
    UserFactory,
    WorkerFactory,
    make_siret,
)

pytestmark = pytest.mark.django_db


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def shared(agency):
    """A company and a provider that another agency's dossier uses."""
    company, provider = ClientCompanyFactory(name="Partagée"), TrainingProviderFactory()
    DossierFactory(agency=AgencyFactory(), training_provider=provider).client_companies.add(company)
    return company, provider


@pytest.fixture
def case_worker(agency):
    return UserFactory(role=Role.CASE_WORKER, agencies=[agency])


def test_the_api_refuses_to_change_a_record_another_agency_uses(case_worker, shared):
    company, provider = shared
    api = api_for(case_worker)
    response = api.patch(f"/api/v1/client-companies/{company.pk}/", {"name": "X"}, format="json")
    assert response.status_code == 403
    assert "seul un administrateur" in response.json()["detail"]
    response = api.patch(f"/api/v1/training-providers/{provider.pk}/", {"city": "X"}, format="json")
    assert response.status_code == 403
    company.refresh_from_db()
    assert company.name == "Partagée"
    own = ClientCompanyFactory()
    response = api.patch(f"/api/v1/client-companies/{own.pk}/", {"city": "Lyon"}, format="json")
    assert response.status_code == 200
    admin = api_for(UserFactory(role=Role.ADMINISTRATOR))
    response = admin.patch(f"/api/v1/client-companies/{company.pk}/", {"name": "SA"}, format="json")
    assert response.status_code == 200


def test_the_admin_shows_it_read_only_and_changes_nothing(client, case_worker, shared):
    company, _ = shared
    client.force_login(case_worker)
    url = reverse("admin:cases_clientcompany_change", args=[company.pk])
    page = client.get(url).content.decode()
    assert 'name="name"' not in page and "Partagée" in page
    client.post(url, {"name": "X", "siret": company.siret, "city": "X"})
    company.refresh_from_db()
    assert (company.name, company.city) == ("Partagée", "")


def test_a_training_manager_writes_no_temp_worker_mission_or_company(agency):
    """The role table's training manager (cases.permissions, « Decisions »): permanent staff
    only, Pro-A missions only, no client company; training providers they do pick."""
    manager = UserFactory(role=Role.TRAINING_MANAGER, agencies=[agency])
    worker = WorkerFactory(agency=agency, nir="185057800608491")
    api = api_for(manager)
    bodies = {
        "workers": {
            "agency": agency.pk,
            "last_name": "Dupont",
            "first_name": "Lou",
            "birth_date": "1990-01-01",
            "employment": "CTT",
        },
        "missions": {
            "worker": worker.pk,
            "client_company": ClientCompanyFactory().pk,
            "start": "2026-04-01",
            "end": "2026-04-30",
            "hours": "140",
        },
        "client-companies": {"name": "X", "siret": make_siret()},
    }
    counts = {m: m.objects.count() for m in (Worker, Mission, ClientCompany, TrainingProvider)}
    for resource, body in bodies.items():
        response = api.post(f"/api/v1/{resource}/", body, format="json")
        assert response.status_code in (400, 403), resource
    response = api.patch(f"/api/v1/workers/{worker.pk}/", {"nir": ""}, format="json")
    assert response.status_code == 403
    assert counts == {m: m.objects.count() for m in counts}
    worker.refresh_from_db()
    assert worker.nir == "185057800608491"
    assert worker.birth_date == dt.date(2003, 5, 14)
