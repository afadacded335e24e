"""Promises on access: the NIR masked except for the roles that need it, every read of a full
NIR or of health data logged (who, when, where) and readable by administrators only, and
object-level scoping on every path (API, admin by URL, admin search and autocomplete, file
downloads)."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.choices import Dispositif, Role
from cases.models import Document, SensitiveDataAccess
from cases.permissions import may_see_nir
from cases.sensitive import mask_nir
from tests.factories import AgencyFactory, DossierFactory, UserFactory, WorkerFactory

pytestmark = pytest.mark.django_db
NIR = "185057800608491"
MASK = "1 85 05 ** *** *** 91"


def api_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def worker(agency):
    return WorkerFactory(agency=agency, nir=NIR, at_mp=True, last_name="Martin")


@pytest.fixture
def training_manager(agency):
    return UserFactory(role=Role.TRAINING_MANAGER, agencies=[agency])


@pytest.fixture
def administrator(db):
    return UserFactory(role=Role.ADMINISTRATOR)


def test_the_mask_keeps_sex_birth_year_month_and_key_only():
    assert mask_nir(NIR) == MASK
    assert mask_nir("1 85 05 78 006 084 91") == MASK
    assert mask_nir("") == ""
    assert mask_nir("12345") == "*****"


def test_only_case_workers_agency_managers_and_administrators_see_the_nir():
    seen = {role: may_see_nir(UserFactory(role=role)) for role in Role}
    assert {role for role, yes in seen.items() if yes} == {
        Role.CASE_WORKER,
        Role.AGENCY_MANAGER,
        Role.ADMINISTRATOR,
    }


# --- API -------------------------------------------------------------------------------------


def test_api_detail_shows_the_nir_to_a_case_worker_and_logs_the_read(worker, case_worker):
    response = api_for(case_worker).get(f"/api/v1/workers/{worker.pk}/")
    assert response.status_code == 200
    assert response.json()["nir"] == NIR
    entry = SensitiveDataAccess.objects.get()
    assert (entry.user, entry.worker, entry.nir, entry.health, entry.channel) == (
        case_worker,
        worker,
        True,
        True,
        "api",
    )
    assert entry.where == f"GET /api/v1/workers/{worker.pk}/"
    assert entry.username == case_worker.username and entry.at


def test_api_lists_mask_the_nir_for_everyone(worker, case_worker):
    body = api_for(case_worker).get("/api/v1/workers/").json()
    assert [w["nir"] for w in body["results"]] == [MASK]
    # Health data shown in the list is logged; the masked NIR is not a read of the NIR.
    entry = SensitiveDataAccess.objects.get()
    assert (entry.nir, entry.health, entry.where) == (False, True, "GET /api/v1/workers/")


def test_api_masks_the_nir_for_a_training_manager_and_logs_nothing(worker, training_manager):
    response = api_for(training_manager).get(f"/api/v1/workers/{worker.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["nir"] == MASK
    assert "at_mp" not in body
    assert not SensitiveDataAccess.objects.exists()


def test_api_search_by_nir_is_closed_to_roles_that_may_not_read_it(
    worker, case_worker, training_manager
):
    found = api_for(case_worker).get("/api/v1/workers/", {"search": NIR}).json()
    assert found["count"] == 1
    probed = api_for(training_manager).get("/api/v1/workers/", {"search": NIR}).json()
    assert probed["count"] == 0
    # The searched number never reaches the log.
    assert not SensitiveDataAccess.objects.filter(where__contains=NIR).exists()


def test_api_another_agencys_worker_is_404_and_nothing_is_logged(worker):
    stranger = UserFactory(role=Role.CASE_WORKER, agencies=[AgencyFactory()])
    assert api_for(stranger).get(f"/api/v1/workers/{worker.pk}/").status_code == 404
    assert not SensitiveDataAccess.objects.exists()


def test_api_a_blank_nir_and_no_health_data_log_nothing(agency, case_worker):
    plain = WorkerFactory(agency=agency)
    assert api_for(case_worker).get(f"/api/v1/workers/{plain.pk}/").status_code == 200
    assert not SensitiveDataAccess.objects.exists()


# --- Admin -----------------------------------------------------------------------------------


def test_admin_change_page_shows_the_nir_to_a_case_worker_and_logs_it(client, worker, case_worker):
    client.force_login(case_worker)
    page = client.get(reverse("admin:cases_worker_change", args=[worker.pk]))
    assert page.status_code == 200
    assert NIR in page.content.decode()
    entry = SensitiveDataAccess.objects.get()
    assert (entry.user, entry.channel, entry.nir, entry.health) == (
        case_worker,
        "admin",
        True,
        True,
    )
    assert entry.where.startswith("admin : fiche salarié")


def test_admin_masks_the_nir_for_a_training_manager(client, worker, training_manager):
    client.force_login(training_manager)
    page = client.get(reverse("admin:cases_worker_change", args=[worker.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert NIR not in html and MASK in html
    assert not SensitiveDataAccess.objects.exists()
    search = client.get(reverse("admin:cases_worker_changelist"), {"q": NIR})
    assert "Martin".upper() not in search.content.decode()


def test_admin_list_shows_only_the_mask(client, worker, case_worker):
    client.force_login(case_worker)
    html = client.get(reverse("admin:cases_worker_changelist")).content.decode()
    assert MASK in html and NIR not in html


def test_admin_another_agencys_worker_by_url_is_not_shown(client, worker):
    stranger = UserFactory(role=Role.CASE_WORKER, agencies=[AgencyFactory()])
    client.force_login(stranger)
    page = client.get(reverse("admin:cases_worker_change", args=[worker.pk]), follow=True)
    assert NIR not in page.content.decode() and "MARTIN" not in page.content.decode()
    assert not SensitiveDataAccess.objects.exists()


def _autocomplete(client, term: str) -> list[str]:
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "cases", "model_name": "mission", "field_name": "worker", "term": term},
    )
    assert response.status_code in (200, 403)
    return (
        [row["text"] for row in response.json()["results"]] if response.status_code == 200 else []
    )


def test_admin_autocomplete_is_scoped_and_never_matches_a_nir_for_those_who_may_not_read_it(
    client, worker, case_worker, training_manager
):
    client.force_login(case_worker)
    # A name, told apart from namesakes by what the mask shows to every role: never the NIR.
    found = _autocomplete(client, "Mart")
    assert found == [str(worker)] and found[0].startswith("MARTIN Alex (")
    assert NIR not in found[0]
    client.force_login(UserFactory(role=Role.CASE_WORKER, agencies=[AgencyFactory()]))
    assert _autocomplete(client, "Mart") == []
    client.force_login(training_manager)
    assert _autocomplete(client, NIR) == []


def test_the_sensitive_access_log_is_for_administrators_only(
    client, worker, case_worker, administrator
):
    client.force_login(case_worker)
    client.get(reverse("admin:cases_worker_change", args=[worker.pk]))
    url = reverse("admin:cases_sensitivedataaccess_changelist")
    assert client.get(url).status_code == 403
    client.force_login(administrator)
    page = client.get(url)
    assert page.status_code == 200
    assert case_worker.username in page.content.decode()


# --- Downloads -------------------------------------------------------------------------------


@pytest.fixture
def document(agency):
    dossier = DossierFactory(agency=agency, dispositif=Dispositif.CPI)
    document = Document(dossier=dossier, kind="cerfa", status="received")
    document.file.save("cerfa.pdf", ContentFile(b"%PDF-1.4 secret"), save=True)
    return document


@pytest.mark.parametrize(
    "role", [Role.CASE_WORKER, Role.FPETT_ADVISOR, Role.CPNE_REPORTER, Role.TRAINING_MANAGER]
)
def test_a_file_is_served_only_within_scope(document, role):
    """Another agency's case worker, an FPE.TT advisor on a CPI and a CPNE reporter get no
    file; a training manager of the agency may read it."""
    agencies = [document.dossier.agency] if role == Role.TRAINING_MANAGER else [AgencyFactory()]
    user = UserFactory(role=role, agencies=agencies)
    response = api_for(user).get(f"/api/v1/documents/{document.pk}/download/")
    if role == Role.TRAINING_MANAGER:
        assert response.status_code == 200
    else:
        assert response.status_code in (403, 404)
        assert b"secret" not in b"".join(getattr(response, "streaming_content", [b""]))
