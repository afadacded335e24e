"""Promise (issue 16, DOMAIN.md §5): no filter, ordering, search or history page lets a role
that may not read a field learn it, by any number of requests; every page that shows a full
NIR or health data logs the read.

Found by an insider: `?nir__startswith=` one digit at a time recovered a full NIR from the
workers' list; `?at_mp=1` and `?fitness_status=…` listed the workers with an AT/MP or an
unfitness for a training manager; the worker's history-version page showed the current NIR
and health data and logged nothing.
"""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.choices import FitnessStatus, Role
from cases.models import SensitiveDataAccess
from tests.factories import DossierFactory, UserFactory, WorkerFactory

pytestmark = pytest.mark.django_db
NIR = "185057800608491"

WORKERS = "admin:cases_worker_changelist"
DOSSIERS = "admin:cases_dossier_changelist"


@pytest.fixture
def worker(agency):
    worker = WorkerFactory(
        agency=agency,
        nir=NIR,
        at_mp=True,
        fitness_status=FitnessStatus.UNFIT_FORMER_JOB,
        last_name="Martin",
    )
    DossierFactory(agency=agency, worker=worker)
    return worker


@pytest.fixture
def training_manager(agency):
    return UserFactory(role=Role.TRAINING_MANAGER, agencies=[agency])


@pytest.mark.parametrize("lookup", ["nir__startswith", "nir", "nir__contains", "nir__gte"])
@pytest.mark.parametrize("role", ["case_worker", "training_manager"])
def test_no_role_filters_the_workers_list_on_the_nir(client, worker, request, role, lookup):
    client.force_login(request.getfixturevalue(role))
    answer = client.get(reverse(WORKERS), {lookup: "1"})
    assert answer.status_code == 400
    assert "MARTIN" not in answer.content.decode()


@pytest.mark.parametrize("role", ["case_worker", "training_manager"])
def test_no_role_filters_the_dossiers_list_on_the_workers_nir(client, worker, request, role):
    client.force_login(request.getfixturevalue(role))
    for digits in ("1", "18", "185"):
        answer = client.get(reverse(DOSSIERS), {"worker__nir__startswith": digits})
        assert answer.status_code == 400


@pytest.mark.parametrize(
    ("url", "lookup", "value"),
    [
        (WORKERS, "at_mp", "1"),
        (WORKERS, "at_mp__exact", "1"),
        (WORKERS, "fitness_status", FitnessStatus.UNFIT_FORMER_JOB),
        (WORKERS, "at_mp_date__isnull", "False"),
        (DOSSIERS, "worker__at_mp", "1"),
        (DOSSIERS, "worker__fitness_status__exact", FitnessStatus.UNFIT_FORMER_JOB),
    ],
)
def test_health_filters_are_refused_to_a_training_manager(
    client, worker, training_manager, url, lookup, value
):
    client.force_login(training_manager)
    answer = client.get(reverse(url), {lookup: value})
    assert answer.status_code == 400
    assert "MARTIN" not in answer.content.decode()


def test_a_health_filter_of_a_role_that_may_see_it_is_logged_per_worker_listed(
    client, worker, case_worker
):
    client.force_login(case_worker)
    answer = client.get(reverse(WORKERS), {"at_mp__exact": "1"})
    assert answer.status_code == 200
    entry = SensitiveDataAccess.objects.get()
    assert (entry.worker, entry.user, entry.health, entry.nir) == (worker, case_worker, True, False)
    assert entry.where.startswith("admin : liste des salariés filtrée sur la santé")


def test_the_history_version_page_masks_and_logs_as_the_workers_page(
    client, worker, case_worker, training_manager
):
    worker.first_name = "Hugo"
    worker._history_user = case_worker
    worker.save()
    version = worker.history.earliest()
    url = reverse("admin:cases_worker_simple_history", args=[worker.pk, version.history_id])

    client.force_login(training_manager)
    page = client.get(url)
    assert page.status_code == 200
    assert NIR not in page.content.decode()
    assert not SensitiveDataAccess.objects.exists()

    client.force_login(case_worker)
    assert client.get(url).status_code == 200
    entry = SensitiveDataAccess.objects.get()
    assert (entry.user, entry.nir, entry.health) == (case_worker, True, True)
    assert entry.where.startswith("admin : version historique de la fiche salarié")


def test_the_api_answer_to_a_worker_creation_shows_the_nir_and_logs_the_read(agency, case_worker):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=case_worker).key}")
    payload = {
        "agency": agency.pk,
        "last_name": "Dupont",
        "first_name": "Lou",
        "birth_date": "1985-05-01",
        "employment": "CTT",
        "nir": NIR,
    }
    response = client.post("/api/v1/workers/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["nir"] == NIR
    entry = SensitiveDataAccess.objects.get()
    assert (entry.user, entry.worker_id, entry.nir, entry.channel) == (
        case_worker,
        response.json()["id"],
        True,
        "api",
    )
    assert entry.where == "POST /api/v1/workers/"
